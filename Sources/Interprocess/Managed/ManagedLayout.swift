#if os(Linux)
/// The byte layout of a managed segment (`docs/FORMAT.md`, "Managed segments"): the library's
/// ``SegmentHeader``, then the managed header at fixed offsets, the thread-cache table, the
/// chunk map, and the heap. Offsets are from the start of the segment; words little-endian.
enum ManagedLayout {
    /// The body layout version (``SegmentHeader/kindVersion``).
    static let version: UInt32 = 1

    // The managed header, right after the 128-byte segment header.
    /// uint32: the chunk size (``chunkSize``), for readers in other languages.
    static let chunkSizeOffset = 128
    /// uint32: how many thread-cache records the table has (``cacheCount``).
    static let cacheCountOffset = 132
    /// uint64: the largest size the segment may grow to (its address-space reservation).
    static let maximumSizeOffset = 136
    /// uint64: where the heap's first block starts.
    static let heapStartOffset = 144
    /// uint64 (atomic): the segment's current size; grows with ``ManagedSegment/grow(to:)``.
    static let sizeOffset = 152
    /// uint64 (atomic): incremented by every size change, so a process can tell it must remap.
    static let generationOffset = 160
    /// uint64 (atomic): the named-object directory's offset, 0 until it exists.
    static let directoryRootOffset = 168
    /// uint64: the segment's size at creation (never shrunk below).
    static let initialSizeOffset = 176
    /// The heap lock: a placed ``ProcessMutex`` (128 bytes).
    static let heapLockOffset = 256
    /// The intent record of the operation in progress under the heap lock (``HeapIntent``).
    static let intentOffset = 384
    /// The segregated free lists' heads: ``binCount`` uint64 offsets of first free blocks.
    static let binsOffset = 512
    /// The thread-cache table: ``cacheCount`` records of ``cacheRecordSize`` bytes.
    static let cacheTableOffset = 2048
    /// The chunk map: one byte per chunk of ``ManagedSegment`` up to its maximum size.
    static let chunkMapOffset = cacheTableOffset + cacheCount * cacheRecordSize

    /// Slabs are one chunk, chunk-aligned.
    static let chunkShift = 16
    /// 64 KiB.
    static let chunkSize = 1 << chunkShift
    /// How many free-list bins the large heap has.
    static let binCount = 64
    /// How many threads (of all processes) may hold a cache of current slabs at once.
    static let cacheCount = 128
    /// One thread-cache record: owner (8), thread id (4), reserved (4), then one uint32 chunk
    /// index per size class (0: none).
    static let cacheRecordSize = 128
    /// The largest maximum size accepted: 1 TiB (its chunk map is 16 MiB of address space,
    /// only touched where the heap reaches).
    static let largestMaximumSize = 1 << 40
    /// The maximum size when none is given: 4 GiB (a chunk map of 64 KiB).
    static let defaultMaximumSize = 1 << 32

    /// Where the heap starts for a segment of `maximumSize` bytes: after the chunk map, on a
    /// 64-byte boundary.
    static func heapStart(maximumSize: Int) -> Int {
        (chunkMapOffset + (maximumSize + chunkSize - 1) / chunkSize + 63) & ~63
    }

    /// The smallest segment: the header, the chunk map and room for one slab.
    static func minimumSize(maximumSize: Int) -> Int {
        roundUpToPage(heapStart(maximumSize: maximumSize) + 2 * chunkSize)
    }

    /// `value` rounded up to the system page.
    static func roundUpToPage(_ value: Int) -> Int {
        let page = MappedRegion.pageSize
        return (value + page - 1) / page * page
    }
}
#endif
