import Foundation
@testable import Interprocess
import Synchronization
import Testing

/// The heap lock's next holder repairs what a holder that died left half done, from the intent
/// log: each operation's state at its worst moment, then a peer that takes the lock and dies.
@Suite("ManagedSegment repair after a dead lock holder", .timeLimit(.minutes(1)))
struct ManagedRepairTests {
    /// A segment, the state `damage` leaves in it, and a dead holder of its heap lock.
    func afterDeath(_ damage: (ManagedSegment, LargeHeap) throws -> Void) throws -> (ManagedSegment, String) {
        let name = TestSupport.uniqueName("heap-repair")
        let heap = try ManagedSegment(create: name, size: 4 << 20)
        try damage(heap, heap.lockedHeap())
        let outcome = try TestSupport.peer("heap-lock-die", name)
        #expect(outcome.standardOutput.contains("locked"), "\(outcome)")
        return (heap, name)
    }

    @Test("a split cut short is undone: the block is free again")
    func interruptedAllocate() throws {
        let (heap, name) = try afterDeath { _, large in
            let block = large.start
            let size = large.word(block) & ~LargeHeap.flagMask
            HeapIntent.begin(.allocate, block: block, size: size, in: large)
            large.setWord(block, 128 | LargeHeap.allocatedBit | LargeHeap.previousAllocatedBit)
            large.writeFree(block + 128, size: 64, previousAllocated: true)
        }
        defer { try? ManagedSegment.remove(name) }
        let report = try heap.verify()
        #expect(report.statistics.used == 0)
        #expect(report.statistics.freeBlocks == 1)
        _ = try heap.allocate(byteCount: 3 << 20)
    }

    @Test("a free cut short is finished, and merged with its free neighbours")
    func interruptedFree() throws {
        var kept = SegmentOffset.null
        let (heap, name) = try afterDeath { heap, large in
            let first = try heap.allocate(byteCount: 5000)
            let second = try heap.allocate(byteCount: 5000)
            kept = try heap.allocate(byteCount: 5000)
            try heap.deallocate(first)
            let block = second.rawValue - 16
            HeapIntent.begin(.free, block: block, size: large.word(block) & ~LargeHeap.flagMask, in: large)
            large.writeFree(block, size: large.word(block) & ~LargeHeap.flagMask, previousAllocated: false)
        }
        defer { try? ManagedSegment.remove(name) }
        let report = try heap.verify()
        #expect(report.statistics.largeBlocks == 1)
        #expect(report.statistics.freeBlocks == 2)
        try heap.deallocate(kept)
        #expect(try heap.verify().statistics.freeBlocks == 1)
    }

    @Test("a slab carved but not published is given back, chunk map byte and all")
    func interruptedCarve() throws {
        let (heap, name) = try afterDeath { heap, large in
            guard let payload = try large.allocate(need: UInt64(ManagedLayout.chunkSize) + 16, alignment: UInt64(ManagedLayout.chunkSize),
                                                   flags: LargeHeap.slabBit, operation: "test") else {
                throw TestFailure("no room for a slab")
            }
            heap.chunkMap[Int(payload >> 16)].store(4, ordering: .relaxed)
        }
        defer { try? ManagedSegment.remove(name) }
        let report = try heap.verify()
        #expect(report.statistics.slabs == 0)
        #expect(report.statistics.used == 0)
        #expect(report.statistics.freeBlocks == 1)
    }

    @Test("an intent log no allocator writes makes the repair fail as corrupt")
    func unknownIntent() throws {
        let (heap, name) = try afterDeath { _, large in
            large.setWord(UInt64(HeapIntent.operationOffset), 99)
        }
        defer { try? ManagedSegment.remove(name) }
        let error = #expect(throws: InterprocessError.self) { _ = try heap.allocate(byteCount: 5000) }
        #expect(error?.code == .corrupt)
    }
}
