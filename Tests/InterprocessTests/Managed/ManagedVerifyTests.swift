import Foundation
@testable import Interprocess
import Testing

/// verify() and statistics: a sound heap passes and adds up; a damaged one is `.corrupt` naming the block.
@Suite("ManagedSegment verify and statistics", .timeLimit(.minutes(1)))
struct ManagedVerifyTests {
    @Test("a heap in use verifies, and its statistics add up")
    func soundHeap() throws {
        let heap = try ManagedSegment.anonymous(size: 4 << 20)
        let empty = try heap.verify()
        #expect(empty.statistics.used == 0)
        #expect(empty.statistics.freeBlocks == 1)
        #expect(empty.statistics.fragmentation == 0)
        var small: [SegmentOffset] = []
        for _ in 0..<100 { small.append(try heap.allocate(byteCount: 64)) }
        let large = try heap.allocate(byteCount: 10_000)
        let report = try heap.verify()
        #expect(report.statistics.smallBlocks == 100)
        #expect(report.statistics.slabs == 1)
        #expect(report.statistics.largeBlocks == 1)
        #expect(report.statistics.used == 100 * 64 + 10_016)
        #expect(report.statistics.used + report.statistics.free <= report.statistics.heapSize)
        #expect(report.heldCacheRecords == 1)
        try heap.deallocate(large)
        for offset in small { try heap.deallocate(offset) }
        let statistics = heap.statistics
        #expect(statistics.problem == nil)
        #expect(statistics.used == 0)
    }

    @Test("damaged headers, free lists and chunk maps are corrupt, naming the block")
    func damage() throws {
        func damaged(_ change: (ManagedSegment, SegmentOffset) -> Void) throws -> InterprocessError? {
            let heap = try ManagedSegment.anonymous(size: 4 << 20)
            let first = try heap.allocate(byteCount: 5000)
            let second = try heap.allocate(byteCount: 5000)
            try heap.deallocate(first)
            _ = try heap.allocate(byteCount: 100)
            change(heap, second)
            return #expect(throws: InterprocessError.self) { _ = try heap.verify() }
        }
        // A block's size word.
        let size = try damaged { heap, offset in
            heap.base.storeBytes(of: UInt64(0x7777_0001), toByteOffset: Int(offset.rawValue) - 16, as: UInt64.self)
        }
        #expect(size?.code == .corrupt)
        #expect(size?.reason.contains("offset") == true)
        // A block's check word.
        var second = SegmentOffset.null
        let check = try damaged { heap, offset in
            second = offset
            heap.base.storeBytes(of: UInt64(1), toByteOffset: Int(offset.rawValue) - 8, as: UInt64.self)
        }
        #expect(check?.code == .corrupt)
        #expect(check?.reason.contains("the block at offset \(second.rawValue - 16)") == true)
        // A free list head pointing at an allocated block.
        let list = try damaged { heap, offset in
            heap.base.storeBytes(of: offset.rawValue - 16, toByteOffset: ManagedLayout.binsOffset + 8 * 63, as: UInt64.self)
        }
        #expect(list?.code == .corrupt)
        // A chunk map byte with no slab behind it.
        let map = try damaged { heap, _ in
            heap.chunkMap[Int(heap.heapStart >> 16) + 20].store(3, ordering: .relaxed)
        }
        #expect(map?.code == .corrupt)
        #expect(map?.reason.contains("chunk") == true)
        // A slab's bitmap with bits past its last block.
        let bitmap = try damaged { heap, _ in
            let small = try! heap.allocate(byteCount: 1024)
            let chunk = Int(small.rawValue >> 16) << 16
            heap.base.storeBytes(of: UInt64.max, toByteOffset: chunk + SlabClass.localBitmap, as: UInt64.self)
        }
        #expect(bitmap?.code == .corrupt)
    }
}
