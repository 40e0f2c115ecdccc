@testable import Interprocess
import Foundation
import Testing

/// Blackboards across real processes: torn reads under a writer killed mid-update, the writer's
/// place, change notification.
@Suite("Blackboard: across processes", .timeLimit(.minutes(2)))
struct BlackboardCrossProcessTests {
    /// The entries the test peer's `board-*` commands use.
    static let entries: [Blackboard.Entry] = [.bytes("big", capacity: 4096), .value("counter", of: UInt64.self)]

    /// "reads R versions V torn T backwards B".
    struct ReadReport {
        var reads = 0, versions = 0, torn = 0, backwards = 0
        init?(_ output: String) {
            guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("reads ") }) else { return nil }
            let words = line.split(separator: " ").compactMap { Int($0) }
            guard words.count == 4 else { return nil }
            (reads, versions, torn, backwards) = (words[0], words[1], words[2], words[3])
        }
    }

    /// Whether the board's "big" value is whole and written as its version.
    static func latestIsWhole(_ board: Blackboard) throws -> (whole: Bool, version: UInt64) {
        let big = try board.key("big", as: [UInt8].self)
        guard let (bytes, version) = try board.makeReader().readWithVersion(big) else { return (false, 0) }
        let whole = bytes.withUnsafeBytes { raw in
            raw.count == 4096 && raw.loadUnaligned(as: UInt64.self) == version
                && fnv1a(UnsafeRawBufferPointer(rebasing: raw[0..<4088])) == raw.loadUnaligned(fromByteOffset: 4088, as: UInt64.self)
        }
        return (whole, version)
    }

    /// Starts a writer peer with `arguments`, lets it write at least 16 times (as `version`
    /// counts), SIGKILLs it at a random moment and calls `afterKill` with the kills so far, again
    /// and again; returns the kills. At least 2 s and 3 kills: a slow build (a sanitizer, a
    /// loaded machine) starts each writer slowly, so rounds may take longer than the 2 s; 60 s
    /// at most.
    static func killWritersAgainAndAgain(_ arguments: [String], version: () -> UInt64, afterKill: (Int) throws -> Void) throws -> Int {
        let peer = try TestSupport.executable("interprocess-test-peer")
        var random = SeededRandom(seed: UInt64(getpid()))
        var kills = 0
        let start = Date()
        while Date().timeIntervalSince(start) < 60, Date().timeIntervalSince(start) < 2 || kills < 3 {
            let before = version()
            let writer = try TestSupport.start(peer, arguments)
            _ = TestSupport.eventually(timeout: 10) { version() > before + 16 }
            usleep(UInt32(random.next() % 3_000))
            kill(writer.processIdentifier, SIGKILL)
            writer.waitUntilExit()
            kills += 1
            try afterKill(kills)
        }
        return kills
    }

    /// The checksum of the test peer's self-checking values (QueueCommands.checksum: FNV-1a).
    static func fnv1a(_ bytes: UnsafeRawBufferPointer) -> UInt64 { FNV1a.hash(bytes) }

    @Test("4 reader processes never see a torn 4 KiB value while the writer is SIGKILLed mid-update again and again")
    func killedWriterNeverTearsAValue() throws {
        let name = TestSupport.uniqueName("board-torn")
        let board = try Blackboard(create: name, entries: Self.entries, copies: 2)
        defer { try? Blackboard.remove(name) }
        let readers = try (0..<4).map { _ in try TestSupport.BackgroundPeer(["board-read", name, "3000"]) }
        let reader = board.makeReader()
        let big = try board.key("big", as: [UInt8].self)
        let kills = try Self.killWritersAgainAndAgain(["board-write", name, "forever"], version: { reader.version(of: big) }) { kills in
            // The writer is dead: readers keep the last complete value, unchanged.
            let after = try Self.latestIsWhole(board)
            #expect(after.whole, "after kill \(kills): version \(after.version)")
            usleep(2_000)
            #expect(try Self.latestIsWhole(board).version == after.version)
        }
        #expect(kills >= 3)
        for peer in readers {
            let outcome = try peer.wait()
            #expect(outcome.status == 0, "\(outcome)")
            let report = try #require(ReadReport(outcome.standardOutput), "\(outcome)")
            #expect(report.torn == 0 && report.backwards == 0 && report.reads > 0 && report.versions > 1, "\(outcome)")
        }
        // The next writer takes the last dead one's place.
        let writer = try board.makeWriter()
        #expect(writer.replacedWriter != nil)
    }

    @Test func aSecondWriterIsRefusedWhileTheFirstLivesAndTakesOverOnceItIsKilled() throws {
        let name = TestSupport.uniqueName("board-hold")
        let board = try Blackboard(create: name, entries: Self.entries, lifetime: .removedWhenCreatorCloses)
        let holder = try TestSupport.start(try TestSupport.executable("interprocess-test-peer"), ["board-hold", name])
        #expect(TestSupport.eventually { board.state.writer != nil })
        let refused = #expect(throws: InterprocessError.self) { _ = try board.makeWriter() }
        #expect(refused?.code == .alreadyExists && refused?.reason.contains(String(holder.processIdentifier)) == true)
        let peerRefused = try TestSupport.peer("board-set", name, "1")
        #expect(peerRefused.standardOutput.contains("error alreadyExists"), "\(peerRefused)")
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        #expect(board.state.writer?.liveness == .dead)
        var writer = try board.makeWriter()
        #expect(writer.replacedWriter == holder.processIdentifier)
        #expect(writer.write(try board.key("counter", as: UInt64.self), 5) == 1)
    }

    @Test(arguments: ["blocking", "async"])
    func aWriterProcessWakesAWaitingReaderProcess(_ form: String) throws {
        let name = TestSupport.uniqueName("board-notify")
        let board = try Blackboard(create: name, entries: Self.entries, lifetime: .removedWhenCreatorCloses)
        defer { withExtendedLifetime(board) {} }
        let waiter = try TestSupport.BackgroundPeer(["board-wait", name, "0", "10000"] + (form == "async" ? ["async"] : []))
        // Let it park (the wait spins only briefly), then write from another process.
        usleep(200_000)
        #expect(!waiter.hasExited)
        let set = try TestSupport.peer("board-set", name, "77")
        #expect(set.standardOutput.contains("set 1"), "\(set)")
        let outcome = try waiter.wait()
        #expect(outcome.status == 0 && outcome.standardOutput.contains("changed 1 value 77"), "\(outcome)")
        // A version already past `after` returns at once; no write before the deadline is `timedOut`.
        #expect(try TestSupport.peer("board-wait", name, "0", "10").standardOutput.contains("changed 1 value 77"))
        let late = try TestSupport.peer("board-wait", name, "1", "100", form == "async" ? "async" : "blocking")
        #expect(late.standardOutput.contains("error timedOut"), "\(late)")
    }
}
