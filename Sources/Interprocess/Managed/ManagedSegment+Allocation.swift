#if os(Linux)
import Synchronization

extension ManagedSegment {
    /// Allocates `byteCount` bytes aligned to `alignment` and returns their offset, valid in
    /// every process attached to the segment.
    ///
    /// Small blocks (up to 1 KiB) come from this thread's slab of their size class without a
    /// lock or a system call; larger ones from the large-block heap under its robust lock.
    ///
    /// - Parameters:
    ///   - byteCount: the bytes wanted (0 gives the smallest block).
    ///   - alignment: a power of two from 1 to 65536 (default 16).
    /// - Throws: ``InterprocessError/Code/insufficientSpace`` when no free block is large enough
    ///   (``grow(to:)`` the segment), `invalidArgument` for a bad alignment or size, `corrupt`
    ///   when the heap's words are broken.
    public func allocate(byteCount: Int, alignment: Int = 16) throws(InterprocessError) -> SegmentOffset {
        let operation = "allocate in managed segment"
        guard alignment > 0, alignment & (alignment &- 1) == 0, alignment <= ManagedLayout.chunkSize else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the alignment must be a power of two from 1 to \(ManagedLayout.chunkSize) (got \(alignment))")
        }
        guard let need = LargeHeap.blockSize(forPayload: byteCount), byteCount >= 0 else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the byte count must be from 0 to \(maximumSize) (got \(byteCount))")
        }
        return try allocateLarge(need: need, alignment: UInt64(max(16, alignment)), byteCount: byteCount, operation: operation)
    }

    /// Allocates a block of the large heap.
    func allocateLarge(need: UInt64, alignment: UInt64, byteCount: Int, operation: String) throws(InterprocessError) -> SegmentOffset {
        try withHeap(operation: operation) { (heap) throws(InterprocessError) -> SegmentOffset in
            guard let payload = try heap.allocate(need: need, alignment: alignment, operation: operation) else {
                throw InterprocessError(.insufficientSpace, operation: operation, name: name,
                                        reason: "no free block holds \(byteCount) bytes aligned to \(alignment) in its \(heap.end) bytes; grow it (up to \(maximumSize))")
            }
            return SegmentOffset(rawValue: payload)
        }
    }

    /// Gives back a block ``allocate(byteCount:alignment:)`` returned, from any process.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` when `offset` is not the start of an
    ///   allocated block (never freed twice, never a write elsewhere); `corrupt` when the heap's
    ///   words are broken.
    public func deallocate(_ offset: SegmentOffset) throws(InterprocessError) {
        let operation = "deallocate in managed segment"
        try withHeap(operation: operation) { (heap) throws(InterprocessError) in
            guard let block = heap.allocatedBlock(atPayload: offset.rawValue) else {
                throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                        reason: "offset \(offset.rawValue) is not the start of an allocated block")
            }
            try heap.free(block.block, size: block.size, operation: operation)
        }
    }

    /// Runs `body` holding the heap lock, with the heap as mapped now. A previous holder that
    /// died is repaired after first (``LargeHeap/repair(chunkMap:operation:)``).
    func withHeap<R>(operation: String, _ body: (LargeHeap) throws(InterprocessError) -> R) throws(InterprocessError) -> R {
        try heapLock.withLock(onOwnerDeath: { (_: ProcessIdentity) throws(InterprocessError) in
            try repairHeap(operation: operation)
        }) { () throws(InterprocessError) -> R in
            try body(lockedHeap())
        }
    }

    /// The heap, after mapping up to the shared size (call holding the heap lock).
    func lockedHeap() throws(InterprocessError) -> LargeHeap {
        if sizeWord.pointee.load(ordering: .acquiring) != UInt64(mappedSize.load(ordering: .acquiring)) { try remap() }
        return LargeHeap(base: base, start: heapStart, end: UInt64(mappedSize.load(ordering: .acquiring)), name: name)
    }

    /// Repairs the heap after a holder of its lock died.
    func repairHeap(operation: String) throws(InterprocessError) {
        try settleInterruptedResize(operation: operation)
        try lockedHeap().repair(chunkMap: chunkMap, operation: operation)
    }
}
#endif
