import Foundation
import Interprocess
import Testing

@Suite("Broadcast stream across processes", .timeLimit(.minutes(3)))
struct BroadcastCrossProcessTests {
    /// The numbers of a `broadcast-read` peer's last line.
    struct ReadReport: Equatable {
        var first: UInt64, received: UInt64, missed: UInt64, stop: UInt64, bad: UInt64

        init?(_ output: String) {
            guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("first ") }) else { return nil }
            let numbers = line.split(separator: " ").compactMap { UInt64($0) }
            guard numbers.count == 5 else { return nil }
            (first, received, missed, stop, bad) = (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4])
        }
    }

    /// Starts `count` `broadcast-read` peers at `.oldest`: one that attaches late still reads
    /// from record 0 as long as the ring holds everything.
    /// Each waits up to 150 s for any one record: on a machine loaded by the rest of the suite
    /// the writer process may start long after the readers.
    static func startReaders(_ name: String, _ count: Int, pause: Int = 0) throws -> [TestSupport.BackgroundPeer] {
        try (0..<count).map { _ in
            try TestSupport.BackgroundPeer(["broadcast-read", name, "oldest", String(pause), "150"], timeout: 170)
        }
    }

    @Test("4 reader processes each check 1 000 000 records (sequence and checksum) from a writer process")
    func fourReadersMillionRecords() throws {
        let name = TestSupport.uniqueName("bcast-4r")
        // 1 M records of 20–48 bytes (36–64 bytes with headers) fit in 64 MiB: nobody is lapped.
        _ = try BroadcastStream(create: name, capacity: 1 << 26, maximumRecordSize: 48)
        defer { try? BroadcastStream.remove(name) }
        let readers = try Self.startReaders(name, 4)
        let peer = try TestSupport.executable("interprocess-test-peer")
        let writer = try TestSupport.run(peer, ["broadcast-write", name, "3", "1000000", "48"], timeout: 120)
        #expect(writer.status == 0 && writer.standardOutput.contains("sent 1000000 next 1000000"), "\(writer)")
        let stop = try TestSupport.peer("broadcast-stop", name)
        #expect(stop.standardOutput.contains("stopped 1000000"), "\(stop)")
        for reader in readers {
            let outcome = try reader.wait()
            #expect(outcome.status == 0, "\(outcome) (writer: \(writer); stop: \(stop))")
            let report = ReadReport(outcome.standardOutput)
            #expect(report?.received == 1_000_001 && report?.missed == 0 && report?.bad == 0 && report?.first == 0, "\(outcome)")
        }
    }

    @Test("a slow reader process is lapped and counts exactly what it missed: received + missed = published")
    func slowReaderLapped() throws {
        // Lapping needs the reader attached before the writer is done; on a loaded machine the
        // reader process may start late and find only the ring's last records (nothing missed,
        // nothing to test). Each attempt checks the counts; up to three attempts to see a lap.
        var lapped = false
        for _ in 0..<3 where !lapped {
            let name = TestSupport.uniqueName("bcast-slow")
            _ = try BroadcastStream(create: name, capacity: 4096, maximumRecordSize: 200)
            defer { try? BroadcastStream.remove(name) }
            let reader = try TestSupport.BackgroundPeer(["broadcast-read", name, "oldest", "300"], timeout: 100)
            usleep(200_000)  // time for the reader to attach: it reads from the oldest record on
            // Far more than the ring holds.
            let writer = try TestSupport.peer("broadcast-write", name, "5", "30000", "200")
            #expect(writer.status == 0, "\(writer)")
            let stop = try TestSupport.peer("broadcast-stop", name)
            #expect(stop.standardOutput.contains("stopped 30000"), "\(stop)")
            let outcome = try reader.wait()
            #expect(outcome.status == 0, "\(outcome)")
            let report = try #require(ReadReport(outcome.standardOutput), "\(outcome)")
            #expect(report.bad == 0 && report.stop == 30000)
            #expect(report.received + report.missed == report.stop - report.first + 1, "\(outcome)")
            lapped = report.missed > 0
        }
        #expect(lapped, "in three attempts the slow reader was never lapped")
    }

    @Test("a writer killed mid-record 60 times never yields a torn record, and each new writer takes over")
    func killedWriterNeverTears() throws {
        let name = TestSupport.uniqueName("bcast-kill")
        // A small ring: the killed writers die while wrapping, padding and overwriting.
        let stream = try BroadcastStream(create: name, capacity: 8192, maximumRecordSize: 400)
        defer { try? BroadcastStream.remove(name) }
        let reader = try TestSupport.BackgroundPeer(["broadcast-read", name, "oldest"], timeout: 150)
        let peer = try TestSupport.executable("interprocess-test-peer")
        var random = SeededRandom(seed: 0xB0AD_CA57)
        for run in 0..<60 {
            let before = stream.state.nextSequence
            let writer = try TestSupport.start(peer, ["broadcast-write", name, String(run + 10), "forever", "400"])
            // Kill it while it writes: once it has sent something, after a random few hundred µs.
            _ = TestSupport.eventually(timeout: 10) { stream.state.nextSequence > before }
            usleep(UInt32(random.next() % 2_000))
            kill(writer.processIdentifier, SIGKILL)
            writer.waitUntilExit()
        }
        let stop = try TestSupport.peer("broadcast-stop", name)
        #expect(stop.standardOutput.contains("replaced "), "\(stop)")
        let outcome = try reader.wait()
        #expect(outcome.status == 0, "\(outcome)")
        let report = try #require(ReadReport(outcome.standardOutput), "\(outcome)")
        #expect(report.bad == 0)
        #expect(report.received + report.missed == report.stop - report.first + 1, "\(outcome)")
        let state = stream.state
        #expect(state.problem == nil && state.tailIntent >= state.tail && state.nextSequence == report.stop + 1)
    }

    @Test("a live writer in another process keeps its place; a killed one's place is taken over")
    func writerPlaceAcrossProcesses() throws {
        let name = TestSupport.uniqueName("bcast-hold")
        let stream = try BroadcastStream(create: name, capacity: 4096, maximumRecordSize: 64)
        defer { try? BroadcastStream.remove(name) }
        let holder = try TestSupport.start(try TestSupport.executable("interprocess-test-peer"), ["broadcast-hold", name])
        #expect(TestSupport.eventually { stream.state.writer != nil })
        let refused = #expect(throws: InterprocessError.self) { _ = try stream.makeWriter() }
        #expect(refused?.code == .alreadyExists)
        #expect(refused?.reason.contains(String(holder.processIdentifier)) == true)
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        var writer = try stream.makeWriter()
        #expect(writer.replacedWriter == holder.processIdentifier)
        #expect(try writer.send("after") == 0)
    }

    @Test("a reader parked in a blocking receive is woken by a writer process that sends later")
    func parkedReaderWoken() throws {
        let name = TestSupport.uniqueName("bcast-wake")
        let stream = try BroadcastStream(create: name, capacity: 4096, maximumRecordSize: 64)
        defer { try? BroadcastStream.remove(name) }
        var reader = try stream.makeReader()
        let writer = try TestSupport.BackgroundPeer(["broadcast-stop", name])
        let started = ContinuousClock.now
        #expect(try reader.receive(as: UInt64.self, timeout: .seconds(20)) == .max)
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(try writer.wait().status == 0)
    }
}
