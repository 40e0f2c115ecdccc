@testable import Interprocess
import Synchronization
import Testing

/// Blackboards whose shared words a hostile peer rewrote: typed `corrupt` errors, never a trap,
/// a read outside the mapping or a read that spins forever.
@Suite("Blackboard: hostile memory", .timeLimit(.minutes(1)))
struct BlackboardHostileMemoryTests {
    static func word(_ board: Blackboard, _ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        board.mapping.word64(offset)
    }

    @Test func aVersionNamingACopyWithAnImpossibleStampIsCorrupt() throws {
        let board = try Blackboard(create: TestSupport.uniqueName("board-stamp"), entries: BlackboardBasicsTests.entries,
                                   lifetime: .removedWhenCreatorCloses)
        let counter = try board.key(7, as: UInt64.self)
        var writer = try board.makeWriter()
        writer.write(counter, 1)
        let line = board.mapping.dataOffsets[counter.index]
        // Version 5 names copy 1, whose stamp says write 1: no write since version 5 leaves that.
        Self.word(board, line).pointee.store(5, ordering: .releasing)
        let stale = #expect(throws: InterprocessError.self) { _ = try board.makeReader().read(counter) }
        #expect(stale?.code == .corrupt)
        #expect(board.state.problem != nil)
        // A stamp of another copy's write (6 is copy 2's): corrupt too.
        let copy = line + BlackboardLayout.versionLineSize + 1 * BlackboardLayout.copyStride(8)
        Self.word(board, copy).pointee.store(6 << 1, ordering: .releasing)
        #expect(throws: InterprocessError.self) { _ = try board.makeReader().read(counter) }
        // The writer writes on: its next write (6) goes to copy 2 and repairs the entry.
        #expect(writer.write(counter, 9) == 6)
        #expect(try board.makeReader().read(counter) == 9)
    }

    @Test func aCopyThatStaysBeingWrittenEndsTheReadWithTimedOutAfterTheRetryLimit() throws {
        let board = try Blackboard(create: TestSupport.uniqueName("board-livelock"), entries: BlackboardBasicsTests.entries,
                                   lifetime: .removedWhenCreatorCloses)
        let counter = try board.key(7, as: UInt64.self)
        var writer = try board.makeWriter()
        writer.write(counter, 1)
        // Copy 1 (version 1's) marked "write 5 in progress": a stamp a live writer leaves while it
        // laps a reader, so the reader retries, yielding, until its limit.
        let copy = board.mapping.dataOffsets[counter.index] + BlackboardLayout.versionLineSize + 1 * counter.stride
        Self.word(board, copy).pointee.store(5 << 1 | 1, ordering: .releasing)
        let start = ContinuousClock.now
        let lapped = #expect(throws: InterprocessError.self) { _ = try board.makeReader().read(counter) }
        #expect(lapped?.code == .timedOut && lapped?.reason.contains("more copies") == true)
        #expect(ContinuousClock.now - start >= Blackboard.readRetryLimit)
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test func aLengthPastTheEntryIsCorruptAndNeverReadPast() throws {
        let board = try Blackboard(create: TestSupport.uniqueName("board-length"), entries: BlackboardBasicsTests.entries,
                                   lifetime: .removedWhenCreatorCloses)
        let status = try board.key("status", as: [UInt8].self)
        var writer = try board.makeWriter()
        try writer.write(status, contentsOf: [1, 2])
        let copy = board.mapping.dataOffsets[status.index] + BlackboardLayout.versionLineSize + 1 * status.stride
        (board.mapping.base + copy + BlackboardLayout.lengthOffset).storeBytes(of: UInt32.max, as: UInt32.self)
        let long = #expect(throws: InterprocessError.self) { _ = try board.makeReader().read(status) }
        #expect(long?.code == .corrupt)
    }

    @Test func rewrittenDescriptorsAndCountsAreCorruptOnOpen() throws {
        let name = TestSupport.uniqueName("board-descriptor")
        let board = try Blackboard(create: name, entries: BlackboardBasicsTests.entries, lifetime: .removedWhenCreatorCloses)
        let base = board.mapping.base
        let cases: [(offset: Int, value: UInt32)] = [
            (BlackboardLayout.copiesOffset, 3), (BlackboardLayout.copiesOffset, 0), (BlackboardLayout.entryCountOffset, 0),
            (BlackboardLayout.entryCountOffset, 1_000_000), (BlackboardLayout.entryCountOffset, 2),
            (BlackboardLayout.entriesOffset + BlackboardLayout.valueSizeOffset, 1 << 30),
            (BlackboardLayout.entriesOffset + BlackboardLayout.keyKindOffset, 9),
            (BlackboardLayout.entriesOffset + BlackboardLayout.keyNameLengthOffset, 200),
            (BlackboardLayout.entriesOffset + BlackboardLayout.entryDataOffset, 12),
            (BlackboardLayout.entriesOffset + BlackboardLayout.keyNameOffset, 0xFFFF_FFFF),  // not UTF-8
        ]
        for (offset, value) in cases {
            let saved = base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self)
            let opened = #expect(throws: InterprocessError.self) { _ = try Blackboard(open: name) }
            #expect(opened?.code == .corrupt, "offset \(offset) value \(value)")
            base.storeBytes(of: saved, toByteOffset: offset, as: UInt32.self)
        }
        #expect(try Blackboard(open: name).entries == BlackboardBasicsTests.entries)
    }
}
