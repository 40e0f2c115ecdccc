#if os(Linux)
/// The byte layout of an ``SPSCQueue`` body (offsets from the start of the segment body, which
/// is 128-byte aligned). Documented in `docs/FORMAT.md`; all fields little-endian.
///
/// Each side's index sits on its own 128-byte line (x86 fetches lines in pairs), so the producer
/// and the consumer each write only their own line in steady state.
@usableFromInline
enum SPSCLayout {
    /// `"SPSC"` read as a little-endian UInt32: marks an initialized queue body.
    @usableFromInline static let tag: UInt32 = 0x4353_5053
    /// The body layout version (also the segment header's kind version).
    @usableFromInline static let version: UInt32 = 2

    // Control line: written once by the creator.
    @usableFromInline static let tagOffset = 0
    @usableFromInline static let versionOffset = 4
    @usableFromInline static let capacityOffset = 8          // UInt64: ring bytes, a power of two
    @usableFromInline static let maximumRecordOffset = 16    // UInt32: largest payload accepted

    // Producer line: `tail` is written by the producer on every publish.
    @usableFromInline static let tailOffset = 128            // UInt64: bytes committed, ever
    @usableFromInline static let producerOwnerOffset = 136   // UInt64: packed ProcessIdentity, 0 = free
    @usableFromInline static let consumerSleepingOffset = 144 // UInt32: 1 while the consumer is parked

    // Consumer line: `head` is written by the consumer on every release.
    @usableFromInline static let headOffset = 256            // UInt64: bytes released, ever
    @usableFromInline static let consumerOwnerOffset = 264   // UInt64: packed ProcessIdentity, 0 = free
    @usableFromInline static let producerSleepingOffset = 272 // UInt32: 1 while the producer is parked

    /// Where the ring of records starts.
    @usableFromInline static let ringOffset = 384

    /// Every record starts with 8 bytes: the payload length (UInt32) and flags (UInt32).
    @usableFromInline static let recordHeaderSize = 8
    /// Records start on 8-byte boundaries.
    @usableFromInline static let recordAlignment = 8
    /// Flag bit: the record only fills the ring's end; the next record starts at offset 0.
    @usableFromInline static let paddingFlag: UInt32 = 1

    /// The smallest and largest ring capacities. The upper bound keeps the low 32 bits of an
    /// index (the futex word a parked side sleeps on) changing on every publish.
    static let capacityRange = 64...(1 << 31)

    /// The bytes a record with a payload of `count` occupies in the ring.
    @inlinable @inline(__always)
    static func footprint(_ count: Int) -> Int {
        (count &+ recordHeaderSize &+ (recordAlignment &- 1)) & ~(recordAlignment &- 1)
    }
}
#endif
