import Foundation
@testable import Interprocess
import Synchronization
import Testing

/// Small blocks: slabs per size class, frees from other threads, adoption of released slabs.
@Suite("ManagedSegment small blocks", .timeLimit(.minutes(1)))
struct ManagedSmallBlockTests {
    @Test("every size class hands out distinct, aligned blocks from slabs; freeing and reallocating reuses them")
    func sizeClasses() throws {
        let heap = try ManagedSegment.anonymous(size: 8 << 20)
        for size in [1, 16, 17, 33, 64, 100, 128, 129, 200, 256, 300, 512, 700, 1000, 1024] {
            var seen: Set<SegmentOffset> = []
            var offsets: [SegmentOffset] = []
            for round in 0..<3000 {
                let offset = try heap.allocate(byteCount: size)
                #expect(offset.rawValue % 16 == 0)
                let fresh = seen.insert(offset).inserted
                #expect(fresh, "block \(offset) handed out twice (size \(size))")
                _ = try heap.withUnsafeMutableBytes(at: offset, byteCount: size) {
                    $0.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: round))
                }
                offsets.append(offset)
            }
            for (round, offset) in offsets.enumerated() {
                let intact = try heap.withUnsafeMutableBytes(at: offset, byteCount: size) {
                    $0.allSatisfy { $0 == UInt8(truncatingIfNeeded: round) }
                }
                #expect(intact, "block \(offset) of size \(size) was overwritten")
                try heap.deallocate(offset)
            }
            // Freed blocks come back: a second round needs no new slab space beyond the first.
            var second: [SegmentOffset] = []
            for _ in 0..<3000 { second.append(try heap.allocate(byteCount: size)) }
            let reused = second.filter { seen.contains($0) }.count
            #expect(reused > 0, "freed blocks of size \(size) are reused")
            for offset in second { try heap.deallocate(offset) }
        }
    }

    @Test("aligned small requests come from power-of-two classes")
    func alignedSmall() throws {
        let heap = try ManagedSegment.anonymous(size: 4 << 20)
        for alignment in [32, 64, 128, 256, 512, 1024] {
            for _ in 0..<100 {
                let offset = try heap.allocate(byteCount: 24, alignment: alignment)
                #expect(offset.rawValue % UInt64(alignment) == 0)
            }
        }
    }

    @Test("a small block freed twice, or at an offset inside it, is invalidArgument")
    func badSmallFrees() throws {
        let heap = try ManagedSegment.anonymous(size: 4 << 20)
        let offset = try heap.allocate(byteCount: 48)
        let inside = #expect(throws: InterprocessError.self) { try heap.deallocate(offset + 16) }
        #expect(inside?.code == .invalidArgument)
        try heap.deallocate(offset)
        let twice = #expect(throws: InterprocessError.self) { try heap.deallocate(offset) }
        #expect(twice?.code == .invalidArgument)
    }

    @Test("a block its owner frees is its next allocation of that size, at once")
    func ownerFreeIsReusedAtOnce() throws {
        let heap = try ManagedSegment.anonymous(size: 4 << 20)
        let kept = try heap.allocate(byteCount: 64)
        let offset = try heap.allocate(byteCount: 64)
        try heap.deallocate(offset)
        #expect(try heap.allocate(byteCount: 64) == offset)
        try heap.deallocate(offset)
        try heap.deallocate(kept)
        #expect(try heap.verify().statistics.smallBlocks == 0)
    }

    @Test("the owner freeing a block another thread already freed is invalidArgument, and the block is freed once")
    func ownerFreeAfterRemoteFree() throws {
        let heap = try ManagedSegment.anonymous(size: 4 << 20)
        let offset = try heap.allocate(byteCount: 96)
        // The other thread's free is published when it exits (its gathered frees are flushed).
        let other = Thread { try! heap.deallocate(offset) }
        other.start()
        while !other.isFinished { usleep(1000) }
        let twice = #expect(throws: InterprocessError.self) { try heap.deallocate(offset) }
        #expect(twice?.code == .invalidArgument)
        // Freed once: the heap is whole and holds no allocated small block.
        #expect(try heap.verify().statistics.smallBlocks == 0)
    }

    @Test("blocks allocated by one thread and freed by another are reused by the allocating thread")
    func producerConsumerThreads() throws {
        let heap = try ManagedSegment.anonymous(size: 4 << 20)
        // ThreadLock, not Mutex: TSan sees a pthread mutex, but not Mutex's futex slow path.
        let handoff = ThreadLock<[SegmentOffset]>([])
        let done = Atomic<Bool>(false)
        let consumer = Thread {
            while true {
                let batch = handoff.withLock { batch in defer { batch.removeAll() }; return batch }
                for offset in batch { try! heap.deallocate(offset) }
                if batch.isEmpty && done.load(ordering: .acquiring) { break }
            }
        }
        consumer.start()
        // 200 000 × 64 B is 12.8 MB: only reuse of freed blocks fits that in a 4 MiB heap.
        for index in 0..<200_000 {
            var offset: SegmentOffset?
            while offset == nil {
                offset = try? heap.allocate(byteCount: 64)
                if offset == nil { usleep(100) }
            }
            try heap.withUnsafeMutableBytes(at: offset!, byteCount: 8) { $0.storeBytes(of: UInt64(index), as: UInt64.self) }
            handoff.withLock { $0.append(offset!) }
        }
        done.store(true, ordering: .releasing)
        while !consumer.isFinished { usleep(1000) }
    }

    @Test("a thread that exits gives its slabs back: another thread adopts them")
    func threadExitReleasesSlabs() throws {
        let heap = try ManagedSegment.anonymous(size: 1 << 20)
        let owned = Mutex<[SegmentOffset]>([])
        let worker = Thread {
            owned.withLock { $0 = (0..<10).map { _ in try! heap.allocate(byteCount: 32) } }
        }
        worker.start()
        while !worker.isFinished { usleep(1000) }
        let fromWorker = owned.withLock { $0 }
        // The heap holds only a few slabs: if the worker's slab were not released, this thread
        // could not keep allocating 32-byte blocks in the space left.
        var mine: [SegmentOffset] = []
        for _ in 0..<5000 { mine.append(try heap.allocate(byteCount: 32)) }
        #expect(Set(mine).isDisjoint(with: fromWorker))
    }
}
