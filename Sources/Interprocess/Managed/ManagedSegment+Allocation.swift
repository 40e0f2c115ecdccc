#if os(Linux)
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

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
        // The fast path: this thread's current slab of the class has a free block in its local bitmap.
        if UInt(bitPattern: byteCount) <= UInt(SlabClass.largest), alignment == 16 || alignment == 8 || alignment == 1,
           let record = threadEntry()?.pointee.record {
            let classIndex = Int(classByGranule[(byteCount &+ 15) >> 4])
            let chunk = CacheRecord.current(record, classIndex).pointee
            if chunk != 0 {
                let slabClass = classes[classIndex]
                let slabOffset = Int(chunk) << ManagedLayout.chunkShift
                if let block = Slab(base + slabOffset).takeLocal(slabClass) {
                    return SegmentOffset(rawValue: UInt64(slabOffset &+ slabClass.firstBlock &+ block &* slabClass.size))
                }
            }
        }
        return try allocateChecked(byteCount: byteCount, alignment: alignment)
    }

    /// Everything but the fast path: checks the arguments, then a small block from a new or
    /// adopted slab, or a large block.
    private func allocateChecked(byteCount: Int, alignment: Int) throws(InterprocessError) -> SegmentOffset {
        let operation = "allocate in managed segment"
        guard alignment > 0, alignment & (alignment &- 1) == 0, alignment <= ManagedLayout.chunkSize else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the alignment must be a power of two from 1 to \(ManagedLayout.chunkSize) (got \(alignment))")
        }
        guard let need = LargeHeap.blockSize(forPayload: byteCount), byteCount >= 0 else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the byte count must be from 0 to \(maximumSize) (got \(byteCount))")
        }
        if let classIndex = SlabClass.index(forByteCount: byteCount, alignment: alignment), let record = threadRecord(),
           let offset = try allocateSmall(classIndex: classIndex, record: record, operation: operation) {
            return offset
        }
        return try allocateLarge(need: need, alignment: UInt64(max(16, alignment)), byteCount: byteCount, operation: operation)
    }

    /// The calling thread's cache record in this segment, claimed on first use; nil when none
    /// is to be had (small blocks then come from the large heap).
    @inline(__always)
    func threadRecord() -> UnsafeMutableRawPointer? { threadEntry()?.pointee.record }

    /// Allocates a block of the large heap.
    func allocateLarge(need: UInt64, alignment: UInt64, byteCount: Int, operation: String) throws(InterprocessError) -> SegmentOffset {
        var payload = try withHeap(operation: operation) { (heap) throws(InterprocessError) -> UInt64? in
            try heap.allocate(need: need, alignment: alignment, operation: operation)
        }
        if payload == nil, try returnEmptySlabs(operation: operation) > 0 {
            payload = try withHeap(operation: operation) { (heap) throws(InterprocessError) -> UInt64? in
                try heap.allocate(need: need, alignment: alignment, operation: operation)
            }
        }
        guard let payload else {
            let end = mappedSize.load(ordering: .relaxed)
            throw InterprocessError(.insufficientSpace, operation: operation, name: name,
                                    reason: "no free block holds \(byteCount) bytes aligned to \(alignment) in its \(end) bytes; grow it (up to \(maximumSize))")
        }
        return SegmentOffset(rawValue: payload)
    }

    /// Gives back a block ``allocate(byteCount:alignment:)`` returned, from any process.
    ///
    /// A small block's free is gathered with the calling thread's other frees into the same
    /// 64-block bitmap word and published with one atomic OR when the thread frees into another
    /// word, checks the heap (``verify()``), exits, or closes the handle: until then the block
    /// counts as used. A process killed meanwhile leaks those blocks (at most 64 per thread).
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` when `offset` is not the start of an
    ///   allocated block, or is freed twice (detected unless the first free is still unpublished
    ///   in another thread or handle: as with `free(3)`, freeing twice is a bug, and a block
    ///   freed twice that way is freed once); `corrupt` when the heap's words are broken.
    public func deallocate(_ offset: SegmentOffset) throws(InterprocessError) {
        let raw = offset.rawValue
        if raw < UInt64(mappedSize.load(ordering: .relaxed)), raw >= heapStart {
            let chunk = Int(raw >> UInt64(ManagedLayout.chunkShift))
            let tag = Int(chunkMap[chunk].load(ordering: .acquiring))
            if tag != 0 {
                guard tag <= SlabClass.sizes.count else { throw badChunkTag(tag, chunk: chunk) }
                let slabClass = classes[tag &- 1]
                let relative = (raw & UInt64(ManagedLayout.chunkSize &- 1)) &- UInt64(slabClass.firstBlock)
                let index = Int(truncatingIfNeeded: (relative &* slabClass.reciprocal) >> 32)
                guard relative < UInt64(slabClass.count &* slabClass.size), UInt64(index &* slabClass.size) == relative else {
                    throw notABlock(offset)
                }
                let slab = Slab(base + chunk << ManagedLayout.chunkShift)
                let word = index >> 6, bit = UInt64(1) << UInt64(index & 63)
                guard slab.local(word).pointee.load(ordering: .relaxed) & bit == 0 else { throw notABlock(offset) }
                let remote = slab.remote(word, slabClass)
                guard let entry = threadEntry() else {
                    // Release: the block's contents happen-before the owner's acquiring collection.
                    let before = remote.pointee.bitwiseOr(bit, ordering: .releasing).oldValue
                    guard before & bit == 0 else { throw notABlock(offset) }
                    return
                }
                let pending = entry.pointee.pendingWord == remote ? entry.pointee.pendingBits : 0
                let token = entry.pointee.token
                if token != 0, slab.owner.pointee.load(ordering: .relaxed) == token {
                    // The slab is this thread's: the block goes straight back to its local
                    // bitmap with a plain store (nobody else writes it while this thread owns
                    // it), ready for this thread's next allocation.
                    let local = slab.local(word)
                    let bits = local.pointee.load(ordering: .relaxed)
                    guard (bits | pending | remote.pointee.load(ordering: .relaxed)) & bit == 0 else { throw notABlock(offset) }
                    local.pointee.store(bits | bit, ordering: .relaxed)
                    return
                }
                // Gathered with this thread's other frees into the same word (see ThreadCaches.Entry).
                if entry.pointee.pendingWord != remote { entry.pointee.flush() }
                guard (pending | remote.pointee.load(ordering: .relaxed)) & bit == 0 else { throw notABlock(offset) }
                entry.pointee.pendingWord = remote
                entry.pointee.pendingBits |= bit
                return
            }
        }
        try deallocateLarge(offset)
    }

    /// The calling thread's row of its cache table for this segment (made, with a record
    /// claimed, on first use); nil when its table is full.
    @inline(__always)
    func threadEntry() -> UnsafeMutablePointer<ThreadCaches.Entry>? {
        if let table = HeapThreadTableSlot.table {
            let entries = table.assumingMemoryBound(to: ThreadCaches.Entry.self)
            var row = 0
            while row < ThreadCaches.capacity {
                if entries[row].serial == serial { return entries + row }
                row &+= 1
            }
        }
        return ThreadCaches.entry(serial: serial, key: threadKey, segment: self)
    }

    /// Frees a block of the large heap.
    private func deallocateLarge(_ offset: SegmentOffset) throws(InterprocessError) {
        let operation = "deallocate in managed segment"
        try withHeap(operation: operation) { (heap) throws(InterprocessError) in
            guard let block = heap.allocatedBlock(atPayload: offset.rawValue) else { throw notABlock(offset) }
            try heap.free(block.block, size: block.size, operation: operation)
        }
    }

    private func notABlock(_ offset: SegmentOffset) -> InterprocessError {
        InterprocessError(.invalidArgument, operation: "deallocate in managed segment", name: name,
                          reason: "offset \(offset.rawValue) is not the start of an allocated block")
    }

    private func badChunkTag(_ tag: Int, chunk: Int) -> InterprocessError {
        InterprocessError(.corrupt, operation: "deallocate in managed segment", name: name,
                          reason: "the chunk map names size class \(tag) for chunk \(chunk); there are \(SlabClass.sizes.count)")
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
        let shared = sizeWord.pointee.load(ordering: .acquiring)
        if shared > UInt64(mappedSize.load(ordering: .acquiring)) { try remap() }
        guard shared >= UInt64(attachment.initialSize), shared <= UInt64(mappedSize.load(ordering: .acquiring)) else {
            throw InterprocessError(.corrupt, operation: "use managed segment", name: name,
                                    reason: "its size word is \(shared), outside \(attachment.initialSize)...\(mappedSize.load(ordering: .relaxed))")
        }
        return LargeHeap(base: base, start: heapStart, end: shared, name: name)
    }

    /// Repairs the heap after a holder of its lock died.
    func repairHeap(operation: String) throws(InterprocessError) {
        try settleInterruptedResize(operation: operation)
        try lockedHeap().repair(chunkMap: chunkMap, operation: operation)
    }
}
#endif
