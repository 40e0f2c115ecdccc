@testable import Interprocess
import Foundation
import Synchronization
import Testing

/// The test peer's 4 KiB self-checking "page" value, as this process sees it: the same
/// unqualified type name and size, so both resolve the entry.
struct CheckedPage: InterprocessValue {
    typealias Eight<T> = (T, T, T, T, T, T, T, T)
    var words: Eight<Eight<Eight<UInt64>>>

    /// Whether it is whole: its first word is `version` and its last the checksum of the rest.
    func isWhole(version: UInt64) -> Bool {
        withUnsafeBytes(of: words) { raw in
            raw.count == 4096 && raw.loadUnaligned(as: UInt64.self) == version
                && BlackboardCrossProcessTests.fnv1a(UnsafeRawBufferPointer(rebasing: raw[0..<4088])) == raw.loadUnaligned(fromByteOffset: 4088, as: UInt64.self)
        }
    }
}

/// `BlackboardEntryReader`: the kept value, change detection, a version that goes back, and
/// entry readers in 4 processes while the writer is SIGKILLed mid-update.
@Suite("Blackboard: entry readers", .timeLimit(.minutes(2)))
struct BlackboardEntryReaderTests {
    @Test func keepsTheLastValueAndReturnsEveryNewWrite() throws {
        let board = try Blackboard(create: TestSupport.uniqueName("board-entry"), entries: BlackboardBasicsTests.entries,
                                   lifetime: .removedWhenCreatorCloses)
        let key = try board.key("pose", as: BoardPose.self)
        var pose = board.makeReader().entry(key)
        // Never written: nothing, and nothing changed.
        #expect(try pose.read() == nil && pose.lastVersion == 0 && pose.lastValue == nil && !pose.hasChanged)
        #expect(try pose.readIfChanged() == nil)
        var writer = try board.makeWriter()
        writer.write(key, BoardPose(x: 1, y: 1))
        #expect(pose.hasChanged && pose.lastVersion == 0)
        #expect(try pose.read() == BoardPose(x: 1, y: 1) && pose.lastVersion == 1 && !pose.hasChanged)
        #expect(try pose.readIfChanged() == nil)
        #expect(try pose.read() == BoardPose(x: 1, y: 1) && pose.lastVersion == 1)
        // Three writes between two reads: the latest one, at its version.
        for step in 2...4 { writer.write(key, BoardPose(x: Double(step), y: 0)) }
        #expect(try pose.readIfChanged() == BoardPose(x: 4, y: 0) && pose.lastVersion == 4)
        #expect(try pose.readIfChanged() == nil && pose.lastValue == BoardPose(x: 4, y: 0))
        // A copy keeps its own last value.
        var copy = pose
        writer.write(key, BoardPose(x: 5, y: 0))
        #expect(try copy.read() == BoardPose(x: 5, y: 0) && copy.lastVersion == 5 && pose.lastVersion == 4)
        // Past a lap of the copies, as the stateless reader sees it.
        for step in 6...40 { writer.write(key, BoardPose(x: Double(step), y: 0)) }
        #expect(try pose.read() == board.makeReader().read(key) && pose.lastVersion == 40)
    }

    @Test func anUnchangedVersionReturnsTheKeptValueWithoutReadingTheCopies() throws {
        let board = try Blackboard(create: TestSupport.uniqueName("board-entry-kept"), entries: BlackboardBasicsTests.entries,
                                   lifetime: .removedWhenCreatorCloses)
        let key = try board.key(7, as: UInt64.self)
        var writer = try board.makeWriter()
        writer.write(key, 11)
        var counter = board.makeReader().entry(key)
        #expect(try counter.read() == 11)
        // Rewrite the value in the copy the version names, stamp and version untouched: a read
        // that looked at the copies would see it (the stateless reader does).
        let copy = board.mapping.dataOffsets[key.index] + BlackboardLayout.versionLineSize + 1 * key.stride
        (board.mapping.base + copy + BlackboardLayout.valueOffset).storeBytes(of: UInt64(99), as: UInt64.self)
        #expect(try board.makeReader().read(key) == 99)
        #expect(try counter.read() == 11 && counter.lastVersion == 1 && !counter.hasChanged)
        #expect(try counter.readIfChanged() == nil)
        // The next write is read from the board again.
        writer.write(key, 12)
        #expect(try counter.read() == 12 && counter.lastVersion == 2)
    }

    @Test func aVersionBelowTheOneLastReadIsCorrupt() throws {
        let board = try Blackboard(create: TestSupport.uniqueName("board-entry-back"), entries: BlackboardBasicsTests.entries,
                                   lifetime: .removedWhenCreatorCloses)
        let key = try board.key(7, as: UInt64.self)
        var writer = try board.makeWriter()
        for value in 1...6 { writer.write(key, UInt64(value)) }
        var counter = board.makeReader().entry(key)
        #expect(try counter.read() == 6 && counter.lastVersion == 6)
        // A hostile peer stores version 2 (its copy holds write 6, which a stateless read takes
        // for a writer lapping it): no write takes the version from 6 down to 2, so at once.
        let line = board.mapping.dataOffsets[key.index]
        board.mapping.word64(line).pointee.store(2, ordering: .releasing)
        let started = ContinuousClock.now
        let back = #expect(throws: InterprocessError.self) { _ = try counter.read() }
        #expect(ContinuousClock.now - started < Blackboard.readRetryLimit)
        #expect(back?.code == .corrupt, "\(String(describing: back))")
        #expect(back?.reason.contains("went back from 6") == true, "\(String(describing: back))")
        // And to 0 ("never written"): corrupt too, not nil.
        board.mapping.word64(line).pointee.store(0, ordering: .releasing)
        let zero = #expect(throws: InterprocessError.self) { _ = try counter.readIfChanged() }
        #expect(zero?.code == .corrupt, "\(String(describing: zero))")
        // Version 5 names a copy that holds write 5, whole: still lower than 6.
        board.mapping.word64(line).pointee.store(5, ordering: .releasing)
        #expect(throws: InterprocessError.self) { _ = try counter.read() }
        // The kept value is untouched by the failed reads.
        #expect(counter.lastVersion == 6 && counter.lastValue == 6)
    }

    @Test("4 processes polling through entry readers never see a torn 4 KiB value while the writer is SIGKILLed mid-update again and again")
    func killedWriterNeverTearsAnEntryReadersValue() throws {
        let name = TestSupport.uniqueName("board-entry-torn")
        let entries = BlackboardCrossProcessTests.entries + [.value("page", of: CheckedPage.self)]
        let board = try Blackboard(create: name, entries: entries, copies: 2)
        defer { try? Blackboard.remove(name) }
        let readers = try (0..<4).map { _ in try TestSupport.BackgroundPeer(["board-read-entry", name, "3000"]) }
        let page = try board.key("page", as: CheckedPage.self)
        let reader = board.makeReader()
        let kills = try BlackboardCrossProcessTests.killWritersAgainAndAgain(["board-write-page", name, "forever"], version: { reader.version(of: page) }) { kills in
            // The writer is dead: the last complete value stays readable.
            let (value, version) = try #require(try reader.readWithVersion(page))
            #expect(value.isWhole(version: version), "after kill \(kills): version \(version)")
        }
        #expect(kills >= 3)
        for peer in readers {
            let outcome = try peer.wait()
            #expect(outcome.status == 0, "\(outcome)")
            let report = try #require(BlackboardCrossProcessTests.ReadReport(outcome.standardOutput), "\(outcome)")
            #expect(report.torn == 0 && report.backwards == 0 && report.reads > 0 && report.versions > 1, "\(outcome)")
        }
    }
}

/// With the other truncation tests (their suite runs one test at a time).
extension MemoryTests.TruncationGuardTests {
    @Test func blackboardEntryReaderOnAShrunkBoardIsTruncated() throws {
        let name = TestSupport.uniqueName("board-entry-shrink")
        let board = try Blackboard(create: name, entries: BlackboardBasicsTests.entries, lifetime: .removedWhenCreatorCloses)
        let key = try board.key(7, as: UInt64.self)
        var writer = try board.makeWriter()
        writer.write(key, 42)
        var counter = board.makeReader().entry(key)
        #expect(try counter.read() == 42)
        Self.shrinkAll(containing: name)
        // Its words now read as zeros: version 0 after 1 is the shrink, not a write.
        let shrunk = #expect(throws: InterprocessError.self) { _ = try counter.read() }
        #expect(shrunk?.code == .truncated, "\(String(describing: shrunk))")
    }

    @Test func blackboardEntryReaderWithTheCopiesCutIsTruncated() throws {
        let name = TestSupport.uniqueName("board-entry-cut")
        let board = try Blackboard(create: name, entries: [.value("page", of: CheckedPage.self)], copies: 4, lifetime: .removedWhenCreatorCloses)
        let key = try board.key("page", as: CheckedPage.self)
        let zero = withUnsafeTemporaryAllocation(of: CheckedPage.self, capacity: 1) { buffer in
            UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, repeating: 0)
            return buffer[0]
        }
        var writer = try board.makeWriter()
        writer.write(key, zero)
        var page = board.makeReader().entry(key)
        #expect(try page.read() != nil && page.lastVersion == 1)
        writer.write(key, zero)
        // Cut the file after the version's line and before copy 2 (4 KiB copies): the version
        // stays real (2), the copy it names reads as zeros, a stamp no writer leaves.
        // The body follows the segment header in the file.
        let versionLine = SegmentHeader.size + board.mapping.dataOffsets[key.index]
        let cut = (versionLine + BlackboardLayout.versionLineSize + 4095) & ~4095
        #expect(cut <= versionLine + BlackboardLayout.versionLineSize + 2 * key.stride)
        try Self.shrink(MemoryFixtures.shmPath(name), to: cut)
        let cutCopy = #expect(throws: InterprocessError.self) { _ = try page.read() }
        #expect(cutCopy?.code == .truncated, "\(String(describing: cutCopy))")
    }
}
