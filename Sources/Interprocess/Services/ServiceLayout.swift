#if os(Linux)
/// The byte layout of a ``Service``'s control segment body and of its pool generations
/// (offsets from the start of a segment body, which is 128-byte aligned). Documented in
/// `docs/FORMAT.md` ("Services"); all fields little-endian.
///
/// Words written by different processes live on different 128-byte lines: the publisher's line
/// (claim, head, publication word), the subscribers' shared line (their waiter count, the
/// progress word, the membership counter), the publisher's parking line, then one record per
/// slot (a ring entry on one line, written by the publisher as it publishes, and the state of
/// the slot normally bound to it on the next: the tag the publisher sets when it prepares the
/// slot and the subscribers' pins), then one 128-byte entry per subscriber.
@usableFromInline
enum ServiceLayout {
    /// `"SRVC"` read as a little-endian UInt32: marks an initialized control segment body.
    static let tag: UInt32 = 0x4356_5253
    /// The body layout version (also the segment header's kind version).
    static let version: UInt32 = 2

    // Configuration line (written once, by the creator).
    static let tagOffset = 0                    // UInt32
    static let versionOffset = 4                // UInt32
    static let payloadSizeOffset = 8            // UInt64: PayloadType.size
    static let payloadAlignmentOffset = 16      // UInt32
    static let payloadFlagsOffset = 20          // UInt32: bit 0 = fixed size (a value)
    static let maximumSubscribersOffset = 24    // UInt32
    static let bufferCapacityOffset = 28        // UInt32
    static let historyOffset = 32               // UInt32
    static let maximumLoansOffset = 36          // UInt32
    static let overrunPolicyOffset = 40         // UInt32: 0 dropOldest, 1 block
    static let ringSizeOffset = 44              // UInt32: power of two > bufferCapacity
    static let slotCountOffset = 48             // UInt32
    static let recordStrideOffset = 52          // UInt32
    static let typeNameLengthOffset = 56        // UInt32
    static let poolModeOffset = 60              // UInt32: permission bits of the pool segments
    static let typeNameOffset = 64              // UInt8[64]: PayloadType.typeName, UTF-8

    // Publisher line: written by the publisher.
    @usableFromInline static let publisherOffset = 128          // UInt64: claim word, 0 = free
    @usableFromInline static let headOffset = 136               // UInt64: next sequence to publish
    @usableFromInline static let publicationWordOffset = 144    // UInt32: futex word subscribers sleep on

    // Subscribers' line: written by subscribers, rarely.
    @usableFromInline static let publicationWaitersOffset = 256 // UInt32: subscribers (about to be) asleep
    @usableFromInline static let progressWordOffset = 260       // UInt32: futex word the publisher sleeps on
    @usableFromInline static let membershipOffset = 264         // UInt64: bumped on every join and leave

    // Publisher's parking line.
    @usableFromInline static let progressWaitersOffset = 384    // UInt32: 1 while the publisher is (about to be) asleep

    // Pool line and generation table: written by the publisher on growth.
    static let currentGenerationOffset = 512    // UInt32
    static let poolNonceOffset = 516            // UInt32: random, in this service's pool names
    static let generationTableOffset = 640      // maximumGenerations × 16 bytes
    static let generationEntrySize = 16
    static let generationSlotSizeOffset = 0     // UInt64: the slots' payload size, 0 = never made
    static let generationStateOffset = 8        // UInt32: GenerationState
    /// How many pool generations a service can have: sizes at least double per generation, from
    /// 1 byte to 1 GiB, so 32 is more than ever needed.
    @usableFromInline static let maximumGenerations = 32

    /// Where the slot records start.
    static let recordsOffset = 1152
    // A record: ring entry (its own line), then slot state (from the next line on). A publication
    // writes the entry's line and not the state's, so a subscriber's pin does not wait for it.
    @usableFromInline static let entrySequenceOffset = 0        // UInt64: sequence published, `noSequence` when none
    @usableFromInline static let entrySlotOffset = 8            // UInt32: the slot holding it
    @usableFromInline static let entryGenerationOffset = 12     // UInt32: the slot's generation then (for tools)
    /// The word at `entrySlotOffset` (and a subscriber's guess for an entry): the slot in the low
    /// half, its generation in the high half.
    @inlinable @inline(__always)
    static func location(slot: Int, generation: Int) -> UInt64 {
        UInt64(truncatingIfNeeded: slot) | UInt64(truncatingIfNeeded: generation) << 32
    }
    @usableFromInline static let slotTagOffset = 128            // UInt64: sequence the slot holds, `freeTag` when none
    @usableFromInline static let slotGenerationOffset = 136     // UInt32: the generation its content lives in
    @usableFromInline static let slotPinsOffset = 144           // UInt64 × pinWords: bit j = subscriber j holds it

    // A subscriber entry (128 bytes).
    static let subscriberEntrySize = 128
    @usableFromInline static let subscriberClaimOffset = 0      // UInt64: claim word, 0 = free
    @usableFromInline static let subscriberPolicyOffset = 8     // UInt32: 0 dropOldest, 1 block
    @usableFromInline static let subscriberHeldOffset = 12      // UInt32: samples held past a receive
    @usableFromInline static let subscriberCursorOffset = 16    // UInt64: next sequence to read
    @usableFromInline static let subscriberMissedOffset = 24    // UInt64
    @usableFromInline static let subscriberReceivedOffset = 32  // UInt64
    @usableFromInline static let subscriberParkedOffset = 40    // UInt32: 1 while counted in publicationWaiters
    /// The policy word of an entry that is free or not yet set up: snapshots and gating skip it.
    static let joiningPolicy = UInt32.max

    /// An entry with nothing published yet.
    @usableFromInline static let noSequence = UInt64.max
    /// A sample header's sequence once its ring entry's next sample goes to another slot (or
    /// generation): subscribers that look there first go to the ring entry.
    @usableFromInline static let movedSequence = UInt64.max - 1
    /// A slot holding no sample.
    @usableFromInline static let freeTag = UInt64.max

    /// The payload size of generation 0's slots for a byte service (the pool grows from there).
    static let initialSlotPayloadSize = 256

    // Pool segment body (kind `.samplePool`).
    /// `"POOL"` read as a little-endian UInt32.
    static let poolTag: UInt32 = 0x4C4F_4F50
    static let poolVersion: UInt32 = 2
    static let poolTagOffset = 0                // UInt32
    static let poolVersionOffset = 4            // UInt32
    static let poolGenerationOffset = 8         // UInt32
    static let poolSlotCountOffset = 12         // UInt32
    static let poolSlotPayloadSizeOffset = 16   // UInt64
    static let poolSlotStrideOffset = 24        // UInt64
    static let poolPayloadOffsetOffset = 32     // UInt32: payload offset within a slot
    static let poolSlotsOffsetOffset = 36       // UInt32: where slot 0 starts in the body
    // The sample header at the start of each slot, written by the publisher: its sequence store
    // is the publication (subscribers watch it), the byte count is the sample's size.
    @usableFromInline static let sampleSequenceOffset = 0         // UInt64: `noSequence` until the slot's first sample
    @usableFromInline static let sampleByteCountOffset = 8        // UInt32
    static let sampleGenerationOffset = 12      // UInt32
    /// The sample header's size: a payload aligned to at most this many bytes starts on the
    /// header's cache line, so a subscriber that sees the sequence has the payload's first bytes.
    static let sampleHeaderSize = 16

    /// What a generation table entry says about its pool segment.
    enum GenerationState: UInt32 {
        /// Never made.
        case none = 0
        /// Exists; slots may hold content in it.
        case live = 1
        /// Removed: no slot's content lives in it any more.
        case retired = 2
    }
}

/// The sizes that follow from a configuration: how many ring entries and slots, and where
/// everything is. Computed the same way by the creator and by every opener (which then checks
/// the stored words against it).
@usableFromInline
struct ServiceGeometry: Sendable, Equatable {
    /// Ring entries: the power of two above `bufferCapacity` (one entry is always the
    /// publisher's next sample, so `ringSize - 1 >= bufferCapacity` stay readable).
    let ringSize: Int
    /// Slots: one per ring entry plus what subscribers can hold outside the ring.
    let slotCount: Int
    /// 64-bit pin words per slot.
    let pinWords: Int
    /// Bytes per slot record (ring entry + slot state), a multiple of 128.
    let recordStride: Int
    let maximumSubscribers: Int

    init(_ configuration: ServiceConfiguration) {
        var ring = 2
        while ring <= configuration.bufferCapacity { ring <<= 1 }
        ringSize = ring
        slotCount = ring + configuration.maximumSubscribers * configuration.maximumLoansPerSubscriber + 1
        pinWords = (configuration.maximumSubscribers + 63) / 64
        recordStride = (ServiceLayout.slotPinsOffset + 8 * pinWords + 127) & ~127
        maximumSubscribers = configuration.maximumSubscribers
    }

    /// Where the subscriber table starts.
    var subscribersOffset: Int { ServiceLayout.recordsOffset + slotCount * recordStride }
    /// The control segment's body size.
    var bodySize: Int { subscribersOffset + maximumSubscribers * ServiceLayout.subscriberEntrySize }
}

/// Where things are in one pool generation, from its slot payload size and the payload alignment.
@usableFromInline
struct PoolGeometry: Sendable, Equatable {
    let slotPayloadSize: Int
    /// Offset of the payload within a slot: right after the 16-byte sample header, aligned.
    let payloadOffset: Int
    let slotStride: Int
    /// Offset of slot 0 in the body: the segment's start plus this is a multiple of the alignment.
    let slotsOffset: Int
    let slotCount: Int

    init(slotPayloadSize: Int, alignment: Int, slotCount: Int) {
        self.slotPayloadSize = slotPayloadSize
        payloadOffset = Swift.max(ServiceLayout.sampleHeaderSize, alignment)
        // Slots start on 128-byte boundaries: a slot's header line never shares the pair of
        // lines the CPU fetches together with another slot's.
        let line = Swift.max(128, alignment)
        slotStride = (payloadOffset + slotPayloadSize + line - 1) / line * line
        slotsOffset = (SegmentHeader.size + 128 + line - 1) / line * line - SegmentHeader.size
        self.slotCount = slotCount
    }

    var bodySize: Int { slotsOffset + slotCount * slotStride }

    /// The slot payload size of the generation after one of `current` bytes, for a sample of
    /// `needed` bytes: the next power of two at least both, capped at `maximum`.
    static func grownSize(current: Int, needed: Int, maximum: Int) -> Int {
        var size = 1
        let target = Swift.max(needed, current * 2)
        while size < target { size <<= 1 }
        return Swift.min(size, maximum)
    }
}
#endif
