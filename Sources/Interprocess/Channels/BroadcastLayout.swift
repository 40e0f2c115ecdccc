#if os(Linux)
/// The byte layout of a ``BroadcastStream`` body (offsets from the start of the segment body,
/// which is 128-byte aligned). Documented in `docs/FORMAT.md`; all fields little-endian.
///
/// Only the writer writes the writer line and the ring. Readers write nothing but the parked
/// readers' count, on its own line, and only while going to sleep, so that any number of
/// readers never slow the writer or each other.
@usableFromInline
enum BroadcastLayout {
    /// `"BCST"` read as a little-endian UInt32: marks an initialized stream body.
    @usableFromInline static let tag: UInt32 = 0x5453_4342
    /// The body layout version (also the segment header's kind version).
    @usableFromInline static let version: UInt32 = 1

    // Control line: written once by the creator.
    @usableFromInline static let tagOffset = 0
    @usableFromInline static let versionOffset = 4
    @usableFromInline static let capacityOffset = 8          // UInt64: ring bytes, a power of two
    @usableFromInline static let maximumRecordOffset = 16    // UInt32: largest payload accepted

    // Writer line: written by the writer on every record.
    @usableFromInline static let tailOffset = 128            // UInt64: bytes published, ever (futex word: low half)
    @usableFromInline static let latestOffset = 136          // UInt64: position of the latest whole record; `none`
    @usableFromInline static let sequenceOffset = 144        // UInt64: the sequence number the next record gets
    @usableFromInline static let oldestOffset = 152          // UInt64: position of the oldest record not overwritten
    @usableFromInline static let writerOwnerOffset = 160     // UInt64: packed ProcessIdentity, 0 = free

    // Intent line: written by the writer once per `announcementStep` bytes, so that readers'
    // checks after every copy mostly hit in their own caches.
    @usableFromInline static let intentOffset = 256          // UInt64: bound of the bytes the writer may be writing
    /// Record starts the writer passed at its last announcements, each stored with its intent:
    /// where a lapped reader resumes, well behind the tail (``publishedCheckpoints`` words).
    @usableFromInline static let checkpointsOffset = 264     // UInt64 × 4: data record starts; 0 = the stream's first record
    @usableFromInline static let publishedCheckpoints = 4

    // Readers' line: written only by readers going to sleep.
    @usableFromInline static let parkedReadersOffset = 384   // UInt32: readers (about to be) asleep on the tail

    /// Where the ring of records starts.
    @usableFromInline static let ringOffset = 512

    /// How far past the record it starts writing the writer announces `tailIntent`: an eighth of
    /// the ring (at least 8 bytes). The writer stores the intent again only when a record would
    /// pass it, so readers see it change once per step; in exchange a reader counts as lapped a
    /// step early (it must stay within `capacity - step` bytes of the tail).
    @inlinable @inline(__always)
    static func announcementStep(capacity: Int) -> Int { Swift.max(8, capacity / 8) }

    /// `latest` before any record was published.
    @usableFromInline static let none = UInt64.max

    /// A data record's header: length (UInt32, header included), type (UInt32), sequence (UInt64).
    @usableFromInline static let headerSize = 16
    /// A padding record's header: length (UInt32, the bytes to the ring's end) and type (UInt32) only.
    @usableFromInline static let paddingHeaderSize = 8
    /// Records start on 8-byte boundaries.
    @usableFromInline static let recordAlignment = 8
    /// Record type: a record carrying a payload.
    @usableFromInline static let dataType: UInt32 = 1
    /// Record type: the ring's end, skipped (the next record did not fit there).
    @usableFromInline static let paddingType: UInt32 = 2

    /// The smallest and largest ring capacities. The upper bound keeps the low 32 bits of the
    /// tail (the futex word parked readers sleep on) changing on every publish.
    static let capacityRange = 64...(1 << 31)

    /// The bytes a data record with a payload of `count` occupies in the ring.
    @inlinable @inline(__always)
    static func footprint(_ count: Int) -> Int {
        (count &+ headerSize &+ (recordAlignment &- 1)) & ~(recordAlignment &- 1)
    }

    /// A data record's first header word: its length (header included) and type.
    @inlinable @inline(__always)
    static func dataWord(payload count: Int) -> UInt64 {
        UInt64(dataType) << 32 | UInt64(truncatingIfNeeded: count &+ headerSize)
    }

    /// A padding record's header word: it skips `count` bytes (a multiple of 8, at least 8).
    @inlinable @inline(__always)
    static func paddingWord(_ count: Int) -> UInt64 {
        UInt64(paddingType) << 32 | UInt64(truncatingIfNeeded: count)
    }
}
#endif
