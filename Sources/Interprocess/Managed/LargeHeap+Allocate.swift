#if os(Linux)
extension LargeHeap {
    /// The total block size for `byteCount` bytes of payload: header included, a multiple of 16,
    /// at least ``minimumBlock``; nil when it cannot fit any heap.
    static func blockSize(forPayload byteCount: Int) -> UInt64? {
        guard byteCount >= 0, byteCount <= Int.max - 64 else { return nil }
        return max(minimumBlock, (UInt64(byteCount) + headerSize + 15) & ~15)
    }

    /// Allocates a block of `need` bytes (from ``blockSize(forPayload:)``) whose payload is
    /// aligned to `alignment` (a power of two, at least 16), and returns the payload's offset;
    /// nil when no free block fits. `flags` go into the new header.
    ///
    /// Best fit within the block's own bin, first fit in the larger ones. The split is recorded
    /// in the intent log first (``HeapIntent/Operation/allocate``). With ``slabBit`` in `flags`
    /// it is recorded as `carveSlab` of the payload's chunk, and left open: the caller ends it
    /// once the slab is published.
    func allocate(
        need: UInt64, alignment: UInt64, flags: UInt64 = 0, operation: String
    ) throws(InterprocessError) -> UInt64? {
        var steps = 0
        let limit = stepLimit
        for bin in LargeHeap.bin(forSize: need)..<ManagedLayout.binCount {
            var best: (block: UInt64, size: UInt64, lead: UInt64)?
            var block = binHead(bin)
            var previous: UInt64 = 0
            while block != 0 {
                steps &+= 1
                guard steps <= limit, isBlockOffset(block) else {
                    throw corrupt(operation, "the free list of bin \(bin) reaches offset \(block) after \(steps) steps (outside the heap, or a cycle)")
                }
                let header = word(block)
                guard header & LargeHeap.allocatedBit == 0, word(block &+ 24) == previous else {
                    throw corrupt(operation, "the block at offset \(block) is on free list \(bin) but is allocated or badly linked")
                }
                let size = try checkedSize(of: block, operation: operation)
                let lead = LargeHeap.lead(for: block, alignment: alignment)
                if lead <= size, need <= size &- lead, best.map({ size < $0.size }) ?? true {
                    best = (block, size, lead)
                    // First fit beyond the block's own bin: every block there is big enough.
                    if bin != LargeHeap.bin(forSize: need) || size == need &+ lead { break }
                }
                previous = block
                block = word(block &+ 16)
            }
            if let best {
                return try carve(best.block, size: best.size, lead: best.lead, need: need, flags: flags,
                                 operation: operation)
            }
        }
        return nil
    }

    /// The bytes to leave free before `block` so that its payload is aligned to `alignment`:
    /// 0, or at least ``minimumBlock`` (a lead block of its own).
    static func lead(for block: UInt64, alignment: UInt64) -> UInt64 {
        let payload = block &+ headerSize
        let mask = alignment &- 1
        if payload & mask == 0 { return 0 }
        let aligned = (payload &+ minimumBlock &+ mask) & ~mask
        return aligned &- headerSize &- block
    }

    /// Splits the free block (`block`, `size`) into an optional free lead, the allocated block
    /// of `need` bytes, and an optional free remainder.
    private func carve(
        _ block: UInt64, size: UInt64, lead: UInt64, need: UInt64, flags: UInt64, operation: String
    ) throws(InterprocessError) -> UInt64 {
        let previousAllocated = word(block) & LargeHeap.previousAllocatedBit != 0
        let slab = flags & LargeHeap.slabBit != 0
        let chunk = (block &+ lead &+ LargeHeap.headerSize) >> UInt64(ManagedLayout.chunkShift)
        HeapIntent.begin(slab ? .carveSlab : .allocate, block: block, size: size, extra: slab ? chunk : 0, in: self)
        try unlink(block, size: size, operation: operation)
        var start = block
        if lead > 0 {
            writeFree(block, size: lead, previousAllocated: previousAllocated)
            link(block, size: lead)
            start = block &+ lead
        }
        var taken = need
        let rest = size &- lead &- need
        if rest >= LargeHeap.minimumBlock {
            let remainder = start &+ need
            writeFree(remainder, size: rest, previousAllocated: true)
            link(remainder, size: rest)
        } else {
            taken = size &- lead
            setPreviousAllocated(of: start &+ taken, true)
        }
        let previousBit = lead > 0 ? 0 : (previousAllocated ? LargeHeap.previousAllocatedBit : 0)
        setWord(start &+ 8, start ^ LargeHeap.checkSalt)
        setWord(start, taken | LargeHeap.allocatedBit | previousBit | flags)
        if !slab { HeapIntent.end(in: self) }
        return start &+ LargeHeap.headerSize
    }
}
#endif
