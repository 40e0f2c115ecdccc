#if os(Linux)
import Synchronization

#if os(Linux)
extension LargeHeap {
    /// The block whose payload starts at `payload`, if it is an allocated block of this heap
    /// (`slab`: one holding a slab); nil otherwise.
    func allocatedBlock(atPayload payload: UInt64, slab: Bool = false) -> (block: UInt64, size: UInt64)? {
        let block = payload &- LargeHeap.headerSize
        guard payload >= LargeHeap.headerSize, isBlockOffset(block) else { return nil }
        let header = word(block)
        let size = header & ~LargeHeap.flagMask
        guard header & LargeHeap.allocatedBit != 0, (header & LargeHeap.slabBit != 0) == slab,
              word(block &+ 8) == block ^ LargeHeap.checkSalt,
              size >= LargeHeap.minimumBlock, size <= sentinel &- block
        else { return nil }
        return (block, size)
    }

    /// Frees the allocated block (`block`, `size`) and merges it with free neighbours, recorded
    /// in the intent log first (``HeapIntent/Operation/free``). A slab's block also gets its
    /// chunk map byte cleared (`slabChunk`), inside the same intent.
    func free(
        _ block: UInt64, size: UInt64, slabChunk: UnsafeMutablePointer<Atomic<UInt8>>? = nil, operation: String
    ) throws(InterprocessError) {
        HeapIntent.begin(.free, block: block, size: size, in: self)
        slabChunk?.pointee.store(0, ordering: .releasing)
        var start = block, total = size
        var previousAllocated = word(block) & LargeHeap.previousAllocatedBit != 0
        writeFree(block, size: size, previousAllocated: previousAllocated)
        let next = block &+ size
        setPreviousAllocated(of: next, false)
        if next != sentinel, word(next) & LargeHeap.allocatedBit == 0 {
            let nextSize = try checkedSize(of: next, operation: operation)
            try unlink(next, size: nextSize, operation: operation)
            total &+= nextSize
        }
        if !previousAllocated {
            let previousSize = word(block &- 8)
            let previous = block &- previousSize
            guard previousSize >= LargeHeap.minimumBlock, previousSize <= block &- self.start,
                  word(previous) & ~LargeHeap.flagMask == previousSize, word(previous) & LargeHeap.allocatedBit == 0
            else {
                throw corrupt(operation, "the block before offset \(block) is marked free, but its footer (\(previousSize)) does not lead to a free block of that size")
            }
            try unlink(previous, size: previousSize, operation: operation)
            start = previous
            total &+= previousSize
            previousAllocated = word(previous) & LargeHeap.previousAllocatedBit != 0
        }
        writeFree(start, size: total, previousAllocated: previousAllocated)
        link(start, size: total)
        HeapIntent.end(in: self)
    }
}
#endif
#endif
