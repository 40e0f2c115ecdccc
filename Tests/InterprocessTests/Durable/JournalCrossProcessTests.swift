import Foundation
import Interprocess
import SystemPackage
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Journal across processes", .timeLimit(.minutes(2)))
struct JournalCrossProcessTests {
    @Test("the writer killed at 300 random points: no torn record accepted, no gap, no repeat, nothing seen lost; a live tailer in another process reads every record")
    func writerKilledAtRandom() throws {
        let fixture = try JournalFixture(.init(cycleSize: 64 << 10, indexSpacing: 8))
        defer { fixture.remove() }
        let follower = try TestSupport.BackgroundPeer(["journal-follow", fixture.path.string, "60000"])
        let seed = ChaosSeed.make()
        let outcome = try TestSupport.peer("journal-kill-loop", fixture.path.string, "300", String(seed))
        #expect(outcome.status == 0, "seed \(seed): \(outcome)")
        let words = outcome.standardOutput.split(whereSeparator: \.isWhitespace).map(String.init)
        // "rounds R records N bad B reread M verify ok"
        guard words.count >= 10 else { throw TestFailure("unexpected output: \(outcome)") }
        let records = try #require(Int(words[3]))
        #expect(words[5] == "0", "torn or misplaced records accepted (seed \(seed))")
        #expect(Int(words[7]) ?? -1 >= records, "records seen were lost (seed \(seed))")
        #expect(words[9] == "ok", "verify: \(outcome.standardOutput)")
        #expect(records > 0)
        // Take the seat from the last killed writer, and end the follower.
        var writer = try fixture.journal.makeWriter()
        let total = writer.nextSequenceNumber
        try writer.append("stop")
        let followed = try follower.wait()
        #expect(followed.standardOutput.contains("read \(total) bad 0"), "\(followed)")
        // Some kills land before the child took the seat (during its takeover, even).
        #expect(try fixture.journal.state.takeovers > 0)
    }

    @Test("a writer in another process is refused to us while it lives and taken over once killed; its records stay")
    func writerTakeoverAcrossProcesses() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        let process = Process()
        process.executableURL = try TestSupport.executable("interprocess-test-peer")
        process.arguments = ["journal-write", fixture.path.string, "forever"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // Wait for it to hold the seat and append a few.
        #expect(TestSupport.eventually { ((try? fixture.journal.state.nextSequence) ?? 0) >= 3 })
        do {
            _ = try fixture.journal.makeWriter()
            Issue.record("a second writer was accepted")
        } catch {
            #expect(error.code == .alreadyExists)
            #expect(error.reason.contains("pid \(process.processIdentifier)"))
        }
        #expect(try fixture.journal.state.writerAlive)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        var writer = try fixture.journal.makeWriter()
        let next = writer.nextSequenceNumber
        #expect(next >= 3)
        #expect(try writer.append("mine") == next)
        var tailer = try fixture.journal.makeTailer(from: .beginning)
        #expect(try tailer.drain().map(\.sequence) == Array(0...next))
    }

    @Test("a tailer blocked in next(until:) wakes when another process appends later")
    func blockedTailerWakes() throws {
        let fixture = try JournalFixture()
        defer { fixture.remove() }
        do { _ = try fixture.journal.makeWriter() }  // the first cycle
        var tailer = try fixture.journal.makeTailer(from: .end)
        let writer = try TestSupport.BackgroundPeer(["journal-write", fixture.path.string, "1"])
        let started = Date()
        let entry = try tailer.next(timeout: .seconds(10))
        #expect(entry.sequence == 0)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(try writer.wait().status == 0)
    }

    @Test("named tailers killed at random and restarted resume exactly: no loss, a duplicate only of the record being processed")
    func namedTailersResume() throws {
        let fixture = try JournalFixture(.init(cycleSize: 64 << 10, indexSpacing: 8))
        defer { fixture.remove() }
        var writer = try fixture.journal.makeWriter()
        let total: UInt64 = 600
        for value in 0..<total { try writer.append(UInt64(value)) }
        var random = SeededRandom(seed: ChaosSeed.make())
        let executable = try TestSupport.executable("interprocess-test-peer")
        var runs: [[UInt64]] = []
        for round in 0..<16 {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["journal-tail", fixture.path.string, "billing", "200"]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let last = round == 15
            if !last {
                usleep(UInt32(20_000 + random.next() % 40_000))
                kill(process.processIdentifier, SIGKILL)
            }
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
            runs.append(lines.compactMap { $0.hasPrefix("got ") ? UInt64($0.dropFirst(4)) : nil })
        }
        var expectedNext: UInt64 = 0
        for run in runs where !run.isEmpty {
            // Resumes at the record after the last one seen, or replays that one record.
            #expect(run[0] == expectedNext || run[0] + 1 == expectedNext, "runs: \(runs.map { ($0.first ?? 0, $0.last ?? 0) })")
            #expect(run == Array(run[0]...run[run.count - 1]))
            expectedNext = run[run.count - 1] + 1
        }
        #expect(expectedNext == total, "runs: \(runs.map { ($0.first ?? 0, $0.last ?? 0) })")
        let state = try fixture.journal.state
        #expect(state.tailers.map(\.name) == ["billing"])
        #expect(state.tailers.first?.position == total)
        #expect(state.tailers.first?.inUse == false)
    }
}
