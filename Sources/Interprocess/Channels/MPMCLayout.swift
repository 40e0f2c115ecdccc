#if os(Linux)
#if !(arch(x86_64) || arch(arm64))
#error("MPMCQueue needs 64-bit words and a lock-free 128-bit compare-and-swap (x86_64 or arm64)")
#endif

/// The byte layout of an ``MPMCQueue`` body (offsets from the start of the segment body, which
/// is 128-byte aligned). Documented in `docs/FORMAT.md`; all fields little-endian.
///
/// A ring of `slotCount` fixed-size slots, each starting with a 16-byte control pair
/// (sequence, claimant) that is compare-and-swapped as one 128-bit word, so that claiming a slot
/// and recording who claimed it are one atomic step: a process that dies holding a slot is
/// always identifiable. `tail` (producers) and `head` (consumers) sit on 128-byte lines of
/// their own (x86 fetches lines in pairs).
@usableFromInline
enum MPMCLayout {
    /// `"MPMC"` read as a little-endian UInt32: marks an initialized queue body.
    @usableFromInline static let tag: UInt32 = 0x434D_504D
    /// The body layout version (also the segment header's kind version).
    @usableFromInline static let version: UInt32 = 2

    // Control line: written once by the creator, except the two rarely-bumped counters.
    @usableFromInline static let tagOffset = 0
    @usableFromInline static let versionOffset = 4
    @usableFromInline static let slotCountOffset = 8          // UInt64: a power of two
    @usableFromInline static let slotSizeOffset = 16          // UInt32: largest payload
    @usableFromInline static let slotStrideOffset = 20        // UInt32: bytes from slot to slot
    @usableFromInline static let skippedOffset = 24           // UInt64: slots of dead writers skipped
    @usableFromInline static let redeliveredOffset = 32       // UInt64: records of dead readers delivered again

    // Producers' line: `tail` is compare-and-swapped by producers on every send.
    @usableFromInline static let tailOffset = 128             // UInt64: next position to claim
    @usableFromInline static let consumersWaitingOffset = 136 // UInt32: consumers parked (or about to)
    @usableFromInline static let notEmptyOffset = 140         // UInt32: futex word consumers park on

    // Consumers' line: `head` is compare-and-swapped by consumers on every receive.
    @usableFromInline static let headOffset = 256             // UInt64: next position to receive
    @usableFromInline static let producersWaitingOffset = 264 // UInt32: producers parked (or about to)
    @usableFromInline static let notFullOffset = 268          // UInt32: futex word producers park on

    /// Where slot 0 starts; slot `i` starts at `ringOffset + i * slotStride`.
    @usableFromInline static let ringOffset = 384

    // A slot: the control pair, the payload length, the payload.
    @usableFromInline static let slotSequenceOffset = 0       // UInt64, atomic: state and position
    @usableFromInline static let slotClaimantOffset = 8       // UInt64, atomic: packed identity of the claimant
    @usableFromInline static let slotLengthOffset = 16        // UInt32: payload bytes of the record
    @usableFromInline static let slotPayloadOffset = 24

    /// Sequence bit: a producer holds the slot and is writing the record for the position in
    /// the low bits.
    @usableFromInline static let writingFlag: UInt64 = 1 << 63
    /// Sequence bit: a consumer holds the slot and is reading the record published as the
    /// position in the low bits (the record's position + 1).
    @usableFromInline static let readingFlag: UInt64 = 1 << 62
    /// The position bits of a sequence word (62 bits: 146 years at 10^9 records a second).
    @usableFromInline static let positionMask: UInt64 = (1 << 62) - 1

    /// Slot counts accepted: powers of two in this range.
    static let slotCountRange = 2...(1 << 24)
    /// Slot sizes (largest payloads) accepted.
    static let slotSizeRange = 1...(1 << 24)

    /// The distance from slot to slot for a payload of `slotSize` bytes: the 24-byte slot
    /// header plus the payload, rounded up to 64 bytes, so that no two slots share a cache line.
    static func slotStride(forSlotSize slotSize: Int) -> Int {
        (slotPayloadOffset + slotSize + 63) & ~63
    }
}
#endif
