#if os(Linux)
/// The large-block heap of a managed segment, seen while holding its heap lock: blocks with
/// boundary tags, segregated free lists, best fit, coalescing on free (`docs/FORMAT.md`,
/// "Managed segments").
///
/// A block starts with a 16-byte header: `size | flags` (size a multiple of 16; bit 0 allocated,
/// bit 1 the previous block is allocated, bit 2 the block holds a slab) and a check word
/// (`offset ^ checkSalt` while allocated). A free block keeps its free-list links at +16 (next)
/// and +24 (previous) and its size again in its last 8 bytes (the footer). A zero-size allocated
/// header at `end - 16` (the sentinel) ends the heap. The headers are the ground truth; the
/// free lists are an index rebuilt from them after a crash (``rebuild()``).
///
/// Every word is read as hostile input: sizes and links are checked against the heap's bounds
/// and every walk is bounded, so a bad word is ``InterprocessError/Code/corrupt`` naming the
/// block, never a trap, an access outside the mapping, or a hang.
struct LargeHeap {
    /// The segment's first byte (mapped read-write up to `end`).
    let base: UnsafeMutableRawPointer
    /// Where the first block starts.
    let start: UInt64
    /// The segment's current size; the sentinel is at `end - 16`.
    let end: UInt64
    /// The segment's name, for messages.
    let name: String

    static let allocatedBit: UInt64 = 1
    static let previousAllocatedBit: UInt64 = 2
    static let slabBit: UInt64 = 4
    static let flagMask: UInt64 = 15
    static let headerSize: UInt64 = 16
    static let minimumBlock: UInt64 = 64
    /// Mixed into an allocated block's check word ("MHEAPBLK").
    static let checkSalt: UInt64 = 0x4B4C_4250_4145_484D

    /// The sentinel's offset.
    var sentinel: UInt64 { end &- LargeHeap.headerSize }
    /// The most steps any walk takes: one per smallest block.
    var stepLimit: Int { Int((end &- start) / LargeHeap.minimumBlock) &+ 2 }

    // MARK: Words

    @inline(__always)
    func word(_ offset: UInt64) -> UInt64 {
        UInt64(littleEndian: base.load(fromByteOffset: Int(offset), as: UInt64.self))
    }

    @inline(__always)
    func setWord(_ offset: UInt64, _ value: UInt64) {
        base.storeBytes(of: value.littleEndian, toByteOffset: Int(offset), as: UInt64.self)
    }

    func binHead(_ bin: Int) -> UInt64 { word(UInt64(ManagedLayout.binsOffset + 8 * bin)) }
    func setBinHead(_ bin: Int, _ value: UInt64) { setWord(UInt64(ManagedLayout.binsOffset + 8 * bin), value) }

    /// The bin of free blocks of `size` bytes: 64-byte steps below 2 KiB, then four bins per
    /// power of two, the last one open-ended.
    static func bin(forSize size: UInt64) -> Int {
        if size < 2048 { return Int(size >> 6) }
        let log = 63 - size.leadingZeroBitCount
        let sub = Int((size >> UInt64(log - 2)) & 3)
        return min(ManagedLayout.binCount - 1, 32 + (log - 11) * 4 + sub)
    }

    func corrupt(_ operation: String, _ reason: String) -> InterprocessError {
        InterprocessError(.corrupt, operation: operation, name: name, reason: reason)
    }

    /// Whether `offset` can be a block header below the sentinel.
    func isBlockOffset(_ offset: UInt64) -> Bool {
        offset >= start && offset < sentinel && offset & 15 == 0
    }

    /// The size of the block at `offset` after checking it fits before the sentinel.
    func checkedSize(of offset: UInt64, operation: String) throws(InterprocessError) -> UInt64 {
        let size = word(offset) & ~LargeHeap.flagMask
        guard size >= LargeHeap.minimumBlock, size <= sentinel &- offset else {
            throw corrupt(operation, "the block at offset \(offset) has size \(size), which does not fit between \(offset) and the heap's end at \(sentinel)")
        }
        return size
    }

    // MARK: Free lists

    func link(_ block: UInt64, size: UInt64) {
        let bin = LargeHeap.bin(forSize: size)
        let head = binHead(bin)
        setWord(block &+ 16, head)
        setWord(block &+ 24, 0)
        if head != 0 { setWord(head &+ 24, block) }
        setBinHead(bin, block)
    }

    func unlink(_ block: UInt64, size: UInt64, operation: String) throws(InterprocessError) {
        let next = word(block &+ 16), previous = word(block &+ 24)
        guard next == 0 || isBlockOffset(next), previous == 0 || isBlockOffset(previous) else {
            throw corrupt(operation, "the free block at offset \(block) links to \(next) and \(previous), outside the heap")
        }
        if previous == 0 {
            let bin = LargeHeap.bin(forSize: size)
            guard binHead(bin) == block else {
                throw corrupt(operation, "the free block at offset \(block) has no predecessor but is not the head of its list")
            }
            setBinHead(bin, next)
        } else {
            setWord(previous &+ 16, next)
        }
        if next != 0 { setWord(next &+ 24, previous) }
    }

    /// Marks the block at `offset` free with `size` (keeping `previousAllocated`) and writes its footer.
    func writeFree(_ offset: UInt64, size: UInt64, previousAllocated: Bool) {
        setWord(offset, size | (previousAllocated ? LargeHeap.previousAllocatedBit : 0))
        setWord(offset &+ 8, 0)
        setWord(offset &+ size &- 8, size)
    }

    func setPreviousAllocated(of offset: UInt64, _ allocated: Bool) {
        let header = word(offset)
        setWord(offset, allocated ? header | LargeHeap.previousAllocatedBit : header & ~LargeHeap.previousAllocatedBit)
    }
}
#endif
