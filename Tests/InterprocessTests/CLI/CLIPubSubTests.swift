import Foundation
import Interprocess
import Testing

/// `interprocess pub` and `interprocess sub` as real processes, against each other and against
/// the library's own endpoints.
@Suite("CLI: pub and sub", .timeLimit(.minutes(5)))
struct CLIPubSubTests {
    /// Whether the service has `count` attached subscribers. An entry is claimed a moment before
    /// the subscriber's position is set, so tests whose subscribers must see every sample give the
    /// service a history: a sample sent in that moment still reaches them.
    static func hasSubscribers(_ name: String, _ count: Int) -> Bool {
        (try? Service(open: name))?.state.subscribers.count == count
    }

    @Test func linesGoThroughPubToSub() throws {
        let name = TestSupport.uniqueName("cli-pubsub")
        defer { try? Service.remove(name) }
        _ = try Service(create: name, configuration: ServiceConfiguration(payload: .bytes(maximumSize: 1024), history: 16))
        let subscriber = try CLIProcess(["sub", name, "--count", "4", "--timeout", "10s"])
        #expect(TestSupport.eventually { Self.hasSubscribers(name, 1) })

        let publisher = try CLIProcess(["pub", name])
        // A control character and a byte that is not UTF-8 (both shown escaped), and an empty line.
        publisher.write("alpha\nbeta\n")
        publisher.write(Data([0x01, 0xFF]) + Data("gamma\n\n".utf8))
        publisher.closeInput()
        let published = publisher.wait()
        #expect(published.status == 0, "\(published)")
        #expect(published.standardError.contains("published 4 samples, 16 bytes, to '\(name)' (sequences 0...3)"), "\(published)")

        let received = subscriber.wait()
        #expect(received.status == 0, "\(received)")
        #expect(received.standardOutput == "alpha\nbeta\n\\x01\\xffgamma\n\n", "\(received)")
        #expect(received.standardError.contains("received 4 samples from '\(name)', missed 0"), "\(received)")
    }

    @Test func subJSONHasOneObjectPerSampleWithTextOrBase64() throws {
        let name = TestSupport.uniqueName("cli-subjson")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: ServiceConfiguration(
            payload: .bytes(maximumSize: 64), bufferCapacity: 4, history: 4))
        do {
            var publisher = try Publisher(service: service)
            try publisher.send("héllo")
            try publisher.send(contentsOf: [0xFF, 0x00, 0x41])
            try publisher.send(contentsOf: [])
        }
        // A late joiner receives the history first.
        let outcome = try TestSupport.cli("sub", name, "--json", "--count", "3", "--timeout", "5s")
        #expect(outcome.status == 0, "\(outcome)")
        let samples = try CLIJSON.lines(outcome.standardOutput)
        #expect(samples.count == 3, "\(outcome)")
        guard samples.count == 3 else { return }
        #expect(samples.map { $0["sequence"] as? Int } == [0, 1, 2])
        #expect(samples.map { $0["missedBefore"] as? Int } == [0, 0, 0])
        #expect(samples.map { $0["byteCount"] as? Int } == [6, 3, 0])
        #expect(samples[0]["text"] as? String == "héllo" && samples[0]["base64"] == nil)
        #expect(samples[1]["base64"] as? String == Data([0xFF, 0x00, 0x41]).base64EncodedString() && samples[1]["text"] == nil)
        #expect(samples[2]["text"] as? String == "")

        // Without history it waits for new samples: none come, so the timeout ends it.
        let fresh = try TestSupport.cli("sub", name, "--no-history", "--count", "1", "--timeout", "300ms", "--json")
        #expect(fresh.status == 1, "\(fresh)")
        #expect(try CLIJSON.member(fresh.standardOutput, "error")["code"] as? String == "timedOut")
    }

    @Test(arguments: [true, false])
    func aSubscriberThatFallsBehindReportsExactlyWhatItMissed(json: Bool) throws {
        let name = TestSupport.uniqueName("cli-submiss")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: ServiceConfiguration(payload: .bytes(maximumSize: 64), bufferCapacity: 4))
        let subscriber = try CLIProcess(["sub", name] + (json ? ["--json"] : []))
        #expect(TestSupport.eventually { Self.hasSubscribers(name, 1) })
        // A sample it prints shows that it has joined (its table entry is claimed a moment
        // before its position is set, so samples sent in that moment are not its own).
        var publisher = try Publisher(service: service)
        #expect(TestSupport.eventually {
            _ = try? publisher.send("ready")
            usleep(50_000)
            return subscriber.standardOutput.contains("ready")
        })
        // Stopped, it cannot keep up: the publisher (dropOldest) laps it.
        subscriber.send(SIGSTOP)
        for index in 0..<20 { try publisher.send("sample \(index)") }
        subscriber.send(SIGCONT)
        #expect(TestSupport.eventually { subscriber.standardOutput.contains("sample 19") })
        subscriber.send(SIGTERM)
        let outcome = subscriber.wait()
        #expect(outcome.status == 0, "\(outcome)")
        let missed = try #require(outcome.standardError.firstMatch(of: /missed (\d+); stopped/).flatMap { Int($0.1) }, "\(outcome)")
        #expect(missed > 0, "\(outcome)")
        if json {
            // Every sequence from its first to the last published was received or counted missed, once.
            let samples = try CLIJSON.lines(outcome.standardOutput)
            let sequences = samples.compactMap { $0["sequence"] as? Int }
            #expect(samples.compactMap { $0["missedBefore"] as? Int }.reduce(0, +) == missed)
            #expect(sequences == sequences.sorted() && sequences.last == Int(publisher.nextSequence) - 1, "\(outcome)")
            let first = (sequences.first ?? 0) - (samples.first?["missedBefore"] as? Int ?? 0)
            #expect(samples.count + missed == Int(publisher.nextSequence) - first, "received + missed = published since it joined: \(outcome)")
        } else {
            // Each gap is noted on standard error, before the sample that follows it.
            let notes = outcome.standardError.matches(of: /missed (\d+) samples? before sequence \d+/).compactMap { Int($0.1) }
            #expect(notes.reduce(0, +) == missed, "\(outcome)")
        }
    }

    @Test func pubCreatesTheServiceAndCutsBytesIntoChunks() throws {
        let name = TestSupport.uniqueName("cli-pubbytes")
        defer { try? Service.remove(name) }
        let publisher = try CLIProcess(["pub", name, "--create", "--bytes", "--max-size", "3", "--buffer", "8", "--history", "8", "--json"])
        publisher.write("abcdefg")
        publisher.closeInput()
        let published = publisher.wait()
        #expect(published.status == 0, "\(published)")
        let summary = try CLIJSON.member(published.standardOutput, "published")
        #expect(summary["samples"] as? Int == 3 && summary["bytes"] as? Int == 7, "\(published)")
        #expect(summary["lastSequence"] as? Int == 2 && summary["stopped"] as? Bool == false)

        let configuration = try Service(open: name).configuration
        #expect(configuration.payload == .bytes(maximumSize: 3))
        #expect(configuration.bufferCapacity == 8 && configuration.history == 8)

        let received = try TestSupport.cli("sub", name, "--json", "--count", "3", "--timeout", "5s")
        #expect(received.status == 0, "\(received)")
        #expect(try CLIJSON.lines(received.standardOutput).map { $0["text"] as? String } == ["abc", "def", "g"])

        // --create uses an existing service that matches the options given (here none)...
        let reused = try TestSupport.cli("pub", name, "--create")
        #expect(reused.status == 0, "\(reused)")
        // ...and names the option the existing service does not match.
        let clash = try TestSupport.cli("pub", name, "--create", "--max-size", "3", "--buffer", "4", "--json")
        #expect(clash.status == 1, "\(clash)")
        let error = try CLIJSON.member(clash.standardOutput, "error")
        #expect(error["code"] as? String == "incompatibleConfiguration", "\(clash)")
        #expect((error["message"] as? String)?.contains("--buffer 4 (it has 8)") == true, "\(clash)")
    }

    @Test func bytesToAValueServiceAreCutIntoValuesAndIntervalPausesBetweenSamples() throws {
        let name = TestSupport.uniqueName("cli-pubvalue")
        defer { try? Service.remove(name) }
        let service = try Service(create: name, configuration: ServiceConfiguration(payload: .value(UInt64.self), bufferCapacity: 4, history: 4))
        let publisher = try CLIProcess(["pub", name, "--bytes", "--interval", "100ms"])
        let started = Date()
        publisher.write(Data((0..<3).flatMap { withUnsafeBytes(of: UInt64(1000 + $0).littleEndian, Array.init) }))
        publisher.closeInput()
        let outcome = publisher.wait()
        #expect(outcome.status == 0, "\(outcome)")
        #expect(Date().timeIntervalSince(started) >= 0.2, "two pauses of 100 ms between three samples")
        var subscriber = try Subscriber(service: service)
        let values = try (0..<3).map { _ throws(InterprocessError) in try subscriber.receive(as: UInt64.self) }
        #expect(values == [1000, 1001, 1002])

        // A chunk size other than the value's is refused before anything is sent.
        let refused = try TestSupport.cli("pub", name, "--bytes", "--max-size", "4")
        #expect(refused.status == 64 && refused.standardError.contains("exactly 8 bytes"), "\(refused)")
    }

    @Test func aLineLongerThanTheLargestSampleIsAnError() throws {
        let name = TestSupport.uniqueName("cli-publong")
        defer { try? Service.remove(name) }
        let publisher = try CLIProcess(["pub", name, "--create", "--max-size", "4"])
        publisher.write("ok\ntoo long\nnever sent\n")
        publisher.closeInput()
        let outcome = publisher.wait()
        #expect(outcome.status == 1, "\(outcome)")
        #expect(outcome.standardError.contains("line 2") && outcome.standardError.contains("longer than"), "\(outcome)")
        #expect(try Service(open: name).state.publishedCount == 1)
    }

    @Test func aSecondPublisherIsRefusedWhileTheFirstLives() throws {
        let name = TestSupport.uniqueName("cli-pub2")
        defer { try? Service.remove(name) }
        let first = try CLIProcess(["pub", name, "--create"])
        #expect(TestSupport.eventually { (try? Service(open: name))?.state.publisher?.identity.pid == first.pid })
        let second = try TestSupport.cli("pub", name, "--json")
        #expect(second.status == 1, "\(second)")
        #expect(try CLIJSON.member(second.standardOutput, "error")["code"] as? String == "alreadyExists", "\(second)")
        first.closeInput()
        #expect(first.wait().status == 0)
        // Its seat is free once it is gone.
        let third = try TestSupport.cli("pub", name)
        #expect(third.status == 0, "\(third)")
        #expect(third.standardError.contains("published 0 samples, 0 bytes"), "\(third)")
    }

    @Test func aMissingServiceIsAClearErrorOrAWaitWithTimeout() throws {
        let name = TestSupport.uniqueName("cli-nosvc")
        for command in ["pub", "sub"] {
            let outcome = try TestSupport.cli(command, name)
            #expect(outcome.status == 1, "\(command): \(outcome)")
            #expect(outcome.standardError.contains(name) && outcome.standardError.contains("does not exist"), "\(command): \(outcome)")
            let json = try TestSupport.cli(command, name, "--json")
            #expect(try CLIJSON.member(json.standardOutput, "error")["code"] as? String == "notFound", "\(command): \(json)")
            let waited = try TestSupport.cli(command, name, "--timeout", "200ms", "--json")
            #expect(waited.status == 1, "\(command): \(waited)")
            #expect(try CLIJSON.member(waited.standardOutput, "error")["code"] as? String == "timedOut", "\(command): \(waited)")
        }
        #expect(!SharedMemory.exists(name))
    }

    @Test func subWaitsForAServiceThatAppearsLater() throws {
        let name = TestSupport.uniqueName("cli-sublate")
        defer { try? Service.remove(name) }
        let subscriber = try CLIProcess(["sub", name, "--count", "1", "--timeout", "10s"])
        usleep(200_000)
        let service = try Service(create: name, configuration: ServiceConfiguration(payload: .bytes(maximumSize: 64), history: 4))
        #expect(TestSupport.eventually { Self.hasSubscribers(name, 1) })
        var publisher = try Publisher(service: service)
        try publisher.send("late")
        let outcome = subscriber.wait()
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.standardOutput == "late\n")
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalDetachesSubAndPubCleanly(_ signal: Int32) throws {
        let name = TestSupport.uniqueName("cli-subsig")
        defer { try? Service.remove(name) }
        let publisher = try CLIProcess(["pub", name, "--create", "--history", "4"])
        #expect(TestSupport.eventually { (try? Service(open: name))?.state.publisher?.identity.pid == publisher.pid })
        let subscriber = try CLIProcess(["sub", name])
        #expect(TestSupport.eventually { Self.hasSubscribers(name, 1) })
        publisher.write("one\n")
        #expect(TestSupport.eventually { subscriber.standardOutput == "one\n" })

        subscriber.send(signal)
        let received = subscriber.wait()
        #expect(received.status == 0, "\(received)")
        #expect(received.standardError.contains("received 1 sample from") && received.standardError.contains("stopped by a signal"), "\(received)")
        // It detached: its table entry is free again.
        #expect(Self.hasSubscribers(name, 0))

        publisher.send(signal)
        let published = publisher.wait()
        #expect(published.status == 0, "\(published)")
        #expect(published.standardError.contains("published 1 sample,") && published.standardError.contains("stopped by a signal"), "\(published)")
        #expect(try Service(open: name).state.publisher?.liveness != .alive)
    }
}
