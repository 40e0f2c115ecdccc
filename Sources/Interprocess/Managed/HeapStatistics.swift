#if os(Linux)
/// What a managed segment's heap holds: sizes, use, free space and how fragmented it is
/// (``ManagedSegment/statistics``; `interprocess inspect` prints it).
public struct HeapStatistics: Sendable, Hashable, Codable {
    /// The segment's size in bytes.
    public var size: Int
    /// The largest size it may grow to.
    public var maximumSize: Int
    /// Bytes of the heap proper (the segment minus its headers and chunk map).
    public var heapSize: Int
    /// Bytes in allocated blocks: large blocks (headers included) and small blocks.
    public var used: Int
    /// Bytes free: free large blocks, and free small blocks in slabs.
    public var free: Int
    /// The largest free large block, in bytes (the largest allocation that needs no growth).
    public var largestFreeBlock: Int
    /// 1 − largest free block ÷ free large-block bytes: 0 when the free space is one block.
    public var fragmentation: Double
    /// Allocated large blocks (slabs not counted).
    public var largeBlocks: Int
    /// Free large blocks.
    public var freeBlocks: Int
    /// Slabs (one 64 KiB chunk each) of small blocks.
    public var slabs: Int
    /// Allocated small blocks.
    public var smallBlocks: Int
    /// Why the numbers could not be gathered (a corrupt heap: run ``ManagedSegment/verify()``), else nil.
    public var problem: String?
}

/// What ``ManagedSegment/verify()`` checked, when every check passed.
public struct HeapReport: Sendable, Hashable, Codable {
    /// Blocks walked (allocated, free and slabs).
    public var blocks: Int
    /// Free blocks found on the free lists (the same as walked).
    public var listedFreeBlocks: Int
    /// Thread-cache records held by processes.
    public var heldCacheRecords: Int
    /// The heap's numbers, from the same walk.
    public var statistics: HeapStatistics
}
#endif
