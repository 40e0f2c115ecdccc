#if os(Linux)
/// The byte layout of a ``ByteStream`` (offsets from the start of the segment body, which
/// follows the 128-byte segment header). Documented in `docs/FORMAT.md`; little-endian.
///
/// The header page (segment header, then these control words) is mapped once; the data, which
/// starts at file offset `dataOffset` (a page boundary), is mapped twice back to back so that
/// every span handed out is contiguous. Each side's index sits on its own 128-byte line.
@usableFromInline
enum ByteStreamLayout {
    /// `"BSTR"` read as a little-endian UInt32: marks an initialized stream body.
    static let tag: UInt32 = 0x5254_5342
    /// The body layout version (also the segment header's kind version).
    static let version: UInt32 = 1

    // Control line: written once by the creator.
    static let tagOffset = 0
    static let versionOffset = 4
    static let capacityOffset = 8            // UInt64: data bytes, a power of two
    static let dataOffsetOffset = 16         // UInt64: file offset of the data, a page multiple

    // Writer line: `written` is stored by the writer on every commit.
    static let writtenOffset = 128           // UInt64: bytes committed, ever
    static let writerOwnerOffset = 136       // UInt64: packed ProcessIdentity, 0 = free
    static let readerSleepingOffset = 144    // UInt32: 1 while the reader is parked
    static let finishedOffset = 148          // UInt32: 1 once a writer finished (end of stream)

    // Reader line: `read` is stored by the reader on every consume.
    static let readOffset = 256              // UInt64: bytes consumed, ever
    static let readerOwnerOffset = 264       // UInt64: packed ProcessIdentity, 0 = free
    static let writerSleepingOffset = 272    // UInt32: 1 while the writer is parked

    /// The control words' extent.
    static let controlSize = 384

    /// The smallest and largest capacities: one page, and 2^31 (so that the low 32 bits of an
    /// index, the futex word a parked side sleeps on, change on every commit of fewer bytes).
    static var capacityRange: ClosedRange<Int> { MappedRegion.pageSize...(1 << 31) }

    /// Where the data starts in a file made by this process: the first page boundary after the
    /// segment header and the control words.
    static var dataOffset: Int {
        let page = MappedRegion.pageSize
        return (SegmentHeader.size + controlSize + page - 1) / page * page
    }
}
#endif
