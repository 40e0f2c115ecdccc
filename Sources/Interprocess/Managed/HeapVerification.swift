#if os(Linux)
import Synchronization

/// The heap's fsck: one walk of every block, then the free lists, the chunk map and the
/// thread-cache records against it. Runs holding the heap lock (small allocations go on
/// meanwhile; the slab checks hold whatever their bitmaps say).
struct HeapVerification {
    let heap: LargeHeap
    let chunkMap: UnsafeMutablePointer<Atomic<UInt8>>
    let classes: UnsafeMutablePointer<SlabClass>
    let maximumSize: Int
    let operation: String

    func fail(_ block: UInt64, _ what: String) -> InterprocessError {
        InterprocessError(.corrupt, operation: operation, name: heap.name, reason: "the block at offset \(block): \(what)")
    }

    /// Checks everything; the statistics of the same walk.
    func run() throws(InterprocessError) -> HeapReport {
        var statistics = HeapStatistics(size: Int(heap.end), maximumSize: maximumSize, heapSize: Int(heap.end &- heap.start),
                                        used: 0, free: 0, largestFreeBlock: 0, fragmentation: 0, largeBlocks: 0,
                                        freeBlocks: 0, slabs: 0, smallBlocks: 0, problem: nil)
        let intent = HeapIntent.read(heap)
        guard intent.operation == 0 else {
            throw InterprocessError(.corrupt, operation: operation, name: heap.name,
                                    reason: "its intent log holds operation \(intent.operation) while nobody holds the heap lock")
        }
        var freeBlocks: Set<UInt64> = []
        var slabChunks: Set<Int> = []
        var block = heap.start
        var previousAllocated = true
        var blocks = 0
        var freeLarge = 0
        while block != heap.sentinel {
            blocks += 1
            guard blocks <= heap.stepLimit, heap.isBlockOffset(block) else { throw fail(block, "the walk left the heap") }
            let header = heap.word(block)
            let size = header & ~LargeHeap.flagMask
            guard size >= LargeHeap.minimumBlock, size <= heap.sentinel &- block else {
                throw fail(block, "its size \(size) does not fit before the heap's end at \(heap.sentinel)")
            }
            guard (header & LargeHeap.previousAllocatedBit != 0) == previousAllocated else {
                throw fail(block, "its previous-allocated bit says \(!previousAllocated), but the block before it is \(previousAllocated ? "allocated" : "free")")
            }
            guard header & 8 == 0 else { throw fail(block, "it has unknown flag bits 0x\(String(header & LargeHeap.flagMask, radix: 16))") }
            if header & LargeHeap.allocatedBit == 0 {
                guard header & LargeHeap.slabBit == 0 else { throw fail(block, "it is free but marked as a slab") }
                guard previousAllocated else { throw fail(block, "it is free and so is the block before it (they were not merged)") }
                guard heap.word(block &+ size &- 8) == size else { throw fail(block, "its footer says \(heap.word(block &+ size &- 8)), not its size \(size)") }
                freeBlocks.insert(block)
                statistics.free += Int(size)
                freeLarge += Int(size)
                statistics.largestFreeBlock = max(statistics.largestFreeBlock, Int(size))
                statistics.freeBlocks += 1
                previousAllocated = false
            } else {
                guard heap.word(block &+ 8) == block ^ LargeHeap.checkSalt else { throw fail(block, "its check word is wrong") }
                if header & LargeHeap.slabBit != 0 {
                    let chunk = try checkSlab(block, size: size, statistics: &statistics)
                    slabChunks.insert(chunk)
                } else {
                    statistics.used += Int(size)
                    statistics.largeBlocks += 1
                }
                previousAllocated = true
            }
            block &+= size
        }
        let sentinel = heap.word(heap.sentinel)
        guard sentinel & ~LargeHeap.flagMask == 0, sentinel & LargeHeap.allocatedBit != 0,
              (sentinel & LargeHeap.previousAllocatedBit != 0) == previousAllocated
        else { throw fail(heap.sentinel, "the sentinel that ends the heap is damaged (0x\(String(sentinel, radix: 16)))") }
        let listed = try checkFreeLists(freeBlocks)
        try checkChunkMap(slabChunks)
        statistics.fragmentation = freeLarge == 0 ? 0 : 1 - Double(statistics.largestFreeBlock) / Double(freeLarge)
        return HeapReport(blocks: blocks, listedFreeBlocks: listed, heldCacheRecords: try checkRecords(slabChunks),
                          statistics: statistics)
    }

    /// Checks a slab's block, header and bitmaps; its chunk.
    private func checkSlab(_ block: UInt64, size: UInt64, statistics: inout HeapStatistics) throws(InterprocessError) -> Int {
        let payload = block &+ LargeHeap.headerSize
        let chunkSize = UInt64(ManagedLayout.chunkSize)
        guard payload % chunkSize == 0, size >= chunkSize &+ LargeHeap.headerSize else {
            throw fail(block, "it is marked as a slab but does not hold a whole aligned chunk")
        }
        let chunk = Int(payload / chunkSize)
        let tag = Int(chunkMap[chunk].load(ordering: .acquiring))
        guard tag >= 1, tag <= SlabClass.sizes.count else {
            throw fail(block, "it holds a slab, but the chunk map says \(tag) for chunk \(chunk)")
        }
        let slab = Slab(heap.base + Int(payload))
        guard slab.tag == SlabClass.tag, slab.classTag == UInt32(tag) else {
            throw fail(block, "its slab header (tag 0x\(String(slab.tag, radix: 16)), class \(slab.classTag)) disagrees with the chunk map (class \(tag))")
        }
        let owner = slab.owner.pointee.load(ordering: .acquiring)
        guard owner <= UInt64(ManagedLayout.cacheCount) || owner == ManagedSegment.returningSlab else {
            throw fail(block, "its slab's owner word is \(owner), not a thread-cache record")
        }
        let slabClass = classes[tag - 1]
        var remaining = slabClass.count
        var free = 0
        for word in 0..<slabClass.words {
            let valid = remaining >= 64 ? UInt64.max : remaining <= 0 ? 0 : (UInt64(1) << UInt64(remaining)) &- 1
            let local = slab.local(word).pointee.load(ordering: .relaxed)
            let remote = slab.remote(word, slabClass).pointee.load(ordering: .relaxed)
            guard (local | remote) & ~valid == 0 else {
                throw fail(block, "its slab's bitmaps mark blocks beyond its \(slabClass.count) as free")
            }
            free += (local | remote).nonzeroBitCount
            remaining -= 64
        }
        statistics.slabs += 1
        statistics.smallBlocks += slabClass.count - free
        statistics.used += (slabClass.count - free) * slabClass.size
        statistics.free += free * slabClass.size
        return chunk
    }

    /// Checks that the free lists hold exactly the free blocks, each in its bin, doubly linked.
    private func checkFreeLists(_ freeBlocks: Set<UInt64>) throws(InterprocessError) -> Int {
        var seen: Set<UInt64> = []
        for bin in 0..<ManagedLayout.binCount {
            var block = heap.binHead(bin)
            var previous: UInt64 = 0
            while block != 0 {
                guard freeBlocks.contains(block), seen.insert(block).inserted else {
                    throw fail(block, "free list \(bin) holds it, but it is not a free block (or is listed twice: a cycle)")
                }
                let size = heap.word(block) & ~LargeHeap.flagMask
                guard LargeHeap.bin(forSize: size) == bin else { throw fail(block, "it is on free list \(bin), but its size \(size) belongs on \(LargeHeap.bin(forSize: size))") }
                guard heap.word(block &+ 24) == previous else { throw fail(block, "its back link is \(heap.word(block &+ 24)), not \(previous)") }
                previous = block
                block = heap.word(block &+ 16)
            }
        }
        if let missing = freeBlocks.subtracting(seen).min() { throw fail(missing, "it is free but on no free list") }
        return seen.count
    }

    /// Checks that the chunk map names exactly the slabs.
    private func checkChunkMap(_ slabChunks: Set<Int>) throws(InterprocessError) {
        let chunks = (maximumSize + ManagedLayout.chunkSize - 1) / ManagedLayout.chunkSize
        for chunk in 0..<chunks where chunkMap[chunk].load(ordering: .acquiring) != 0 && !slabChunks.contains(chunk) {
            throw InterprocessError(.corrupt, operation: operation, name: heap.name,
                                    reason: "the chunk map marks chunk \(chunk) (offset \(chunk << ManagedLayout.chunkShift)) as a slab, but no slab block holds it")
        }
    }

    /// Checks that every held record's current slabs are slabs of their class; how many are held.
    private func checkRecords(_ slabChunks: Set<Int>) throws(InterprocessError) -> Int {
        var held = 0
        for index in 0..<ManagedLayout.cacheCount {
            let record = CacheRecord(base: heap.base, index: index)
            guard record.claim.pointee.load(ordering: .acquiring) != 0 else { continue }
            held += 1
            for classIndex in 0..<SlabClass.sizes.count {
                let chunk = Int(CacheRecord.current(record.address, classIndex).pointee)
                guard chunk != 0 else { continue }
                guard slabChunks.contains(chunk), Int(chunkMap[chunk].load(ordering: .acquiring)) == classIndex + 1 else {
                    throw InterprocessError(.corrupt, operation: operation, name: heap.name,
                                            reason: "thread-cache record \(index) names chunk \(chunk) as its slab of \(SlabClass.sizes[classIndex]) B blocks, but it is not one")
                }
            }
        }
        return held
    }
}
#endif
