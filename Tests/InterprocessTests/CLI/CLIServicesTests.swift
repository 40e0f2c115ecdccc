import Foundation
import Interprocess
import Testing

/// `interprocess services`, and services through `ls`, `inspect`, `watch`, `create` and `rm`.
@Suite("CLI: services", .timeLimit(.minutes(5)))
struct CLIServicesTests {
    /// The pool segments of service `name` in /dev/shm.
    static func pools(of name: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? []).filter { $0.hasPrefix(name + ".pool-") }
    }

    @Test func servicesListsTheRunningPublisherAndSubscribersWithTheirPids() throws {
        let name = TestSupport.uniqueName("cli-svcs")
        defer { try? Service.remove(name) }
        let publisher = try CLIProcess(["pub", name, "--create", "--max-subscribers", "4", "--history", "4"])
        #expect(TestSupport.eventually { (try? Service(open: name))?.state.publisher?.identity.pid == publisher.pid })
        let dropping = try CLIProcess(["sub", name])
        let blocking = try CLIProcess(["sub", name, "--block"])
        #expect(TestSupport.eventually { CLIPubSubTests.hasSubscribers(name, 2) })
        publisher.write("x\ny\n")
        #expect(TestSupport.eventually { dropping.standardOutput == "x\ny\n" && blocking.standardOutput == "x\ny\n" })
        defer {
            // SIGTERM detaches each cleanly.
            for process in [dropping, blocking, publisher] {
                process.send(SIGTERM)
                let outcome = process.wait()
                #expect(outcome.status == 0 && outcome.standardError.contains("stopped by a signal"), "\(outcome)")
            }
        }

        let listed = try TestSupport.cli("services", "--json")
        #expect(listed.status == 0, "\(listed)")
        let service = try #require(try CLIJSON.list(listed.standardOutput, "services").first { $0["name"] as? String == name })
        let configuration = try #require(service["configuration"] as? [String: Any])
        #expect(configuration["maximumSubscribers"] as? Int == 4)
        let owner = try #require(service["publisher"] as? [String: Any])
        #expect((owner["identity"] as? [String: Any])?["pid"] as? Int32 == publisher.pid, "\(owner)")
        #expect(owner["liveness"] as? String == "alive")
        #expect(service["publishedCount"] as? Int == 2)
        let subscribers = try #require(service["subscribers"] as? [[String: Any]])
        let byPID = Dictionary(uniqueKeysWithValues: subscribers.compactMap { entry -> (Int32, [String: Any])? in
            guard let pid = ((entry["process"] as? [String: Any])?["identity"] as? [String: Any])?["pid"] as? Int32 else { return nil }
            return (pid, entry)
        })
        #expect(Set(byPID.keys) == [dropping.pid, blocking.pid], "\(subscribers)")
        #expect(byPID[dropping.pid]?["overrunPolicy"] as? String == "dropOldest")
        #expect(byPID[blocking.pid]?["overrunPolicy"] as? String == "block")
        for entry in subscribers {
            #expect((entry["process"] as? [String: Any])?["liveness"] as? String == "alive")
            #expect(entry["receivedCount"] as? Int == 2 && entry["missedCount"] as? Int == 0 && entry["position"] as? Int == 2, "\(entry)")
            #expect(entry["depth"] as? Int == 0 && entry["heldSamples"] as? Int == 0, "\(entry)")
        }
        #expect((service["pools"] as? [Any])?.isEmpty == false)

        let text = try TestSupport.cli("services")
        #expect(text.status == 0, "\(text)")
        let lines = text.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("SERVICE") == true, "\(text)")
        let row = try #require(lines.first { $0.hasPrefix(name + " ") && $0.contains("bytes up to") })
        #expect(row.contains(" \(publisher.pid) ") && row.contains("alive") && row.contains("2/4"), "\(row)")
        for pid in [dropping.pid, blocking.pid] {
            #expect(lines.contains { $0.hasPrefix(name + " ") && $0.contains(" \(pid) ") && $0.contains("alive") }, "\(text)")
        }
    }

    @Test func killedEndpointsShowAsDeadAndGCRemovesTheAbandonedService() throws {
        let name = TestSupport.uniqueName("cli-svckill")
        defer { try? Service.remove(name) }
        let publisher = try CLIProcess(["pub", name, "--create", "--history", "4"])
        #expect(TestSupport.eventually { (try? Service(open: name))?.state.publisher?.identity.pid == publisher.pid })
        let subscriber = try CLIProcess(["sub", name])
        #expect(TestSupport.eventually { CLIPubSubTests.hasSubscribers(name, 1) })
        publisher.write("before the kill\n")
        #expect(TestSupport.eventually { subscriber.standardOutput == "before the kill\n" })
        for process in [subscriber, publisher] {
            process.send(SIGKILL)
            #expect(process.wait().signal == SIGKILL)
        }

        let listed = try TestSupport.cli("services", "--json")
        let service = try #require(try CLIJSON.list(listed.standardOutput, "services").first { $0["name"] as? String == name })
        let owner = try #require(service["publisher"] as? [String: Any], "\(service)")
        #expect((owner["identity"] as? [String: Any])?["pid"] as? Int32 == publisher.pid)
        #expect(owner["liveness"] as? String == "dead")
        for entry in service["subscribers"] as? [[String: Any]] ?? [] {
            #expect((entry["process"] as? [String: Any])?["liveness"] as? String == "dead", "\(entry)")
        }
        let text = try TestSupport.cli("services")
        #expect(text.standardOutput.split(separator: "\n").contains { $0.hasPrefix(name + " ") && $0.contains(" \(publisher.pid) ") && $0.contains("dead") },
                "\(text)")

        // Nothing uses it any more: gc removes the service and its pools.
        let collected = try TestSupport.cli("gc", "--prefix", name)
        #expect(collected.status == 0, "\(collected)")
        #expect(!SharedMemory.exists(name), "\(collected)")
        #expect(Self.pools(of: name).isEmpty, "\(collected)")
    }

    @Test func aNewPublisherTakesOverTheSeatOfAKilledOne() throws {
        let name = TestSupport.uniqueName("cli-svctake")
        defer { try? Service.remove(name) }
        let killed = try CLIProcess(["pub", name, "--create", "--history", "4"])
        #expect(TestSupport.eventually { (try? Service(open: name))?.state.publisher?.identity.pid == killed.pid })
        killed.write("first\n")
        #expect(TestSupport.eventually { (try? Service(open: name))?.state.publishedCount == 1 })
        killed.send(SIGKILL)
        _ = killed.wait()

        let successor = try CLIProcess(["pub", name])
        successor.write("second\n")
        successor.closeInput()
        let outcome = successor.wait()
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.standardError.contains("(sequences 1...1)"), "\(outcome)")
        let received = try TestSupport.cli("sub", name, "--count", "2", "--timeout", "5s")
        #expect(received.standardOutput == "first\nsecond\n", "\(received)")
    }

    @Test func lsNamesServicesAndPoolsAndInspectShowsTheServiceState() throws {
        let name = TestSupport.uniqueName("cli-svcls")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: ServiceConfiguration(payload: .bytes(maximumSize: 4096), history: 1))
        var publisher = try Publisher(service: service)
        try publisher.send("hello")

        let listed = try TestSupport.cli("ls", "--json")
        let segments = try CLIJSON.list(listed.standardOutput, "segments")
        let kinds = Dictionary(segments.compactMap { entry -> (String, String)? in
            guard let name = entry["name"] as? String, let header = entry["header"] as? [String: Any],
                  let kind = header["kindName"] as? String else { return nil }
            return (name, kind)
        }, uniquingKeysWith: { first, _ in first })
        #expect(kinds[name] == "service")
        let pools = Self.pools(of: name)
        #expect(!pools.isEmpty && pools.allSatisfy { kinds[$0] == "sample-pool" }, "\(pools) \(kinds.filter { $0.key.hasPrefix(name) })")

        let inspected = try TestSupport.cli("inspect", name, "--json")
        #expect(inspected.status == 0, "\(inspected)")
        let state = try CLIJSON.member(inspected.standardOutput, "state")
        #expect(state["name"] as? String == name)
        #expect(state["publishedCount"] as? Int == 1)
        #expect(((state["configuration"] as? [String: Any])?["history"]) as? Int == 1)

        let text = try TestSupport.cli("inspect", name)
        #expect(text.status == 0, "\(text)")
        #expect(text.standardOutput.contains("bytes up to 4 KiB") && text.standardOutput.contains("published:       1 sample\n"), "\(text)")
        #expect(text.standardOutput.contains("pid \(getpid()) (alive)"), "the publisher is this process: \(text)")

        let watched = try TestSupport.cli("watch", name, "--count", "1")
        #expect(watched.status == 0, "\(watched)")
        #expect(watched.standardOutput.contains("valid service") && watched.standardOutput.contains("published=1 sample "), "\(watched)")
    }

    @Test func rmRemovesAServiceWithItsPools() throws {
        let name = TestSupport.uniqueName("cli-svcrm")
        defer { try? Service.remove(name) }
        do {
            let service = try Service(create: name, configuration: ServiceConfiguration(payload: .bytes(maximumSize: 1 << 16)))
            var publisher = try Publisher(service: service)
            try publisher.send(contentsOf: [UInt8](repeating: 1, count: 16))
            try publisher.send(contentsOf: [UInt8](repeating: 2, count: 40_000))  // grows the pool
        }
        #expect(!Self.pools(of: name).isEmpty)

        let removed = try TestSupport.cli("rm", name)
        #expect(removed.status == 0, "\(removed)")
        #expect(removed.standardOutput.contains("removed service \(name) and its sample pools"), "\(removed)")
        #expect(!SharedMemory.exists(name))
        #expect(Self.pools(of: name).isEmpty, "\(Self.pools(of: name))")
    }

    @Test func createKindServiceMakesAServiceWithTheGivenConfiguration() throws {
        let name = TestSupport.uniqueName("cli-svcmk")
        defer { try? Service.remove(name) }
        let created = try TestSupport.cli("create", name, "--kind", "service", "--max-size", "4K", "--max-subscribers", "3",
                                          "--buffer", "8", "--history", "2", "--loans", "1", "--json")
        #expect(created.status == 0, "\(created)")
        #expect(((try CLIJSON.member(created.standardOutput, "segment"))["header"] as? [String: Any])?["kindName"] as? String == "service")
        let configuration = try Service(open: name).configuration
        #expect(configuration == ServiceConfiguration(payload: .bytes(maximumSize: 4096), maximumSubscribers: 3,
                                                      bufferCapacity: 8, history: 2, maximumLoansPerSubscriber: 1))
        let again = try TestSupport.cli("create", name, "--kind", "service")
        #expect(again.status == 1 && again.standardError.contains("exists"), "\(again)")
    }
}
