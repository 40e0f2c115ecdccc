#if os(Linux)
/// The size classes of small blocks (16 B to 1 KiB) and where things sit in a slab of each.
///
/// A slab is one chunk (64 KiB, chunk-aligned): a 128-byte header line (tag, class, owner,
/// the owner's hint), the owner's free bitmap, the bitmap of blocks freed by others (on lines
/// of its own), then the blocks from ``firstBlock`` (a multiple of 1024, so a power-of-two
/// class's blocks are aligned to their size).
struct SlabClass {
    /// The block size.
    let size: Int
    /// Where the first block starts, from the chunk's start.
    let firstBlock: Int
    /// How many blocks the slab holds.
    let count: Int
    /// 64-bit words per bitmap.
    let words: Int
    /// Where the remote-free bitmap starts, from the chunk's start (the local one is at 128).
    let remoteBitmap: Int
    /// ⌈2³² / size⌉: `(rel * reciprocal) >> 32` is `rel / size` exactly for `rel` < 2¹⁶.
    let reciprocal: UInt64

    /// The block sizes, smallest first; a chunk map byte is a class's index + 1.
    static let sizes = [16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024]
    /// The largest small block.
    static let largest = 1024
    /// Where the local bitmap starts.
    static let localBitmap = 128

    // The slab header's fields, from the chunk's start.
    /// uint32 `SLAB`.
    static let tagOffset = 0
    /// uint32: the class index + 1.
    static let classOffset = 4
    /// uint64 (atomic): the owning thread-cache record's index + 1, or 0 when no thread owns it.
    static let ownerOffset = 8
    /// uint32: the owner's next bitmap word to look at.
    static let hintOffset = 16
    /// The slab tag: ASCII `SLAB`.
    static let tag: UInt32 = 0x4241_4C53

    init(size: Int) {
        self.size = size
        let most = ManagedLayout.chunkSize / size
        words = (most + 63) / 64
        let bitmapBytes = (words * 8 + 127) & ~127
        remoteBitmap = SlabClass.localBitmap + bitmapBytes
        firstBlock = (remoteBitmap + bitmapBytes + 1023) & ~1023
        count = (ManagedLayout.chunkSize - firstBlock) / size
        reciprocal = ((1 << 32) + UInt64(size) - 1) / UInt64(size)
    }

    /// The smallest class index for `byteCount` bytes aligned to `alignment`, or nil when the
    /// block must come from the large heap. Alignments above 16 take a power-of-two class at
    /// least that large (its blocks are aligned to their size).
    @inline(__always)
    static func index(forByteCount byteCount: Int, alignment: Int) -> Int? {
        if alignment <= 16 {
            if byteCount <= 128 { return byteCount <= 16 ? 0 : (byteCount &- 1) >> 4 }
            guard byteCount <= largest else { return nil }
            return lookup(byteCount)
        }
        let needed = max(byteCount, alignment)
        guard needed <= largest else { return nil }
        let power = needed <= 1 ? 1 : 1 << (Int.bitWidth - (needed &- 1).leadingZeroBitCount)
        return lookup(max(power, 16))
    }

    private static func lookup(_ byteCount: Int) -> Int {
        var index = 7
        while sizes[index] < byteCount { index &+= 1 }
        return index
    }
}
#endif
