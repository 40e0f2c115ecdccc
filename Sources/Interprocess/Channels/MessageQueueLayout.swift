#if os(Linux)
/// The byte layout of a ``MessageQueue`` body (offsets from the start of the segment body, which
/// is 128-byte aligned). Documented in `docs/FORMAT.md`, "Message queue"; all fields little-endian.
///
/// A control line, the queue's robust lock, a line of waiter counts and futex words, then the
/// *order*: `capacity` 16-byte entries (sequence, priority, slot) whose first `count` form a
/// binary heap, highest priority first and oldest first within a priority, and whose rest
/// name the free slots. Then `capacity` slots, each a 16-byte header (sequence, priority,
/// length) and the payload. A slot's sequence word is the one commit point of both sides: not
/// zero means the slot holds a message; the order is only an index, rebuilt from the slots
/// after a holder of the lock died.
@usableFromInline
enum MessageQueueLayout {
    /// `"MSGQ"` read as a little-endian UInt32: marks an initialized queue body.
    @usableFromInline static let tag: UInt32 = 0x5147_534D
    /// The body layout version (also the segment header's kind version).
    @usableFromInline static let version: UInt32 = 1

    // Control line: the configuration (written once by the creator), then the words changed
    // under the lock.
    @usableFromInline static let tagOffset = 0
    @usableFromInline static let versionOffset = 4
    @usableFromInline static let capacityOffset = 8           // UInt32: the most messages held
    @usableFromInline static let maximumSizeOffset = 12       // UInt32: the largest message, bytes
    @usableFromInline static let slotStrideOffset = 16        // UInt32: bytes from slot to slot
    @usableFromInline static let nextSequenceOffset = 24      // UInt64: the next message's sequence (under the lock)
    @usableFromInline static let countOffset = 32             // UInt32: messages held (under the lock; read by waiters)
    @usableFromInline static let repairsOffset = 40           // UInt64: rebuilds after a dead holder of the lock

    /// The robust ``ProcessMutex`` (128 bytes) that serializes every change.
    @usableFromInline static let lockOffset = 128

    // Waiting line.
    @usableFromInline static let receiversWaitingOffset = 256 // UInt32: receivers parked (or about to)
    @usableFromInline static let notEmptyOffset = 260         // UInt32: futex word receivers park on
    @usableFromInline static let sendersWaitingOffset = 264   // UInt32: senders parked (or about to)
    @usableFromInline static let notFullOffset = 268          // UInt32: futex word senders park on

    /// Where the order starts: `capacity` entries of ``entryStride`` bytes.
    @usableFromInline static let orderOffset = 384
    @usableFromInline static let entryStride = 16
    @usableFromInline static let entrySequenceOffset = 0      // UInt64
    @usableFromInline static let entryPriorityOffset = 8      // UInt32
    @usableFromInline static let entrySlotOffset = 12         // UInt32

    // A slot: its header, then the payload.
    @usableFromInline static let slotSequenceOffset = 0       // UInt64: 0 when free, else the message's sequence
    @usableFromInline static let slotPriorityOffset = 8       // UInt32
    @usableFromInline static let slotLengthOffset = 12        // UInt32: payload bytes
    @usableFromInline static let slotPayloadOffset = 16

    /// Capacities (most messages held) accepted.
    static let capacityRange = 1...(1 << 20)
    /// Largest message sizes accepted, in bytes.
    static let maximumSizeRange = 1...(1 << 24)
    /// The largest body accepted (order and slots): 16 GiB.
    static let maximumBodySize = 1 << 34

    /// Where the first slot starts for `capacity` entries: after the order, on a 64-byte line.
    static func slotsOffset(capacity: Int) -> Int {
        (orderOffset + capacity * entryStride + 63) & ~63
    }

    /// The distance from slot to slot for a payload of `maximumSize` bytes: the 16-byte header
    /// plus the payload, rounded up to 16 bytes (payloads stay 16-byte aligned).
    static func slotStride(forMaximumSize maximumSize: Int) -> Int {
        (slotPayloadOffset + maximumSize + 15) & ~15
    }

    /// The body's size for a queue of this configuration.
    static func bodySize(capacity: Int, maximumSize: Int) -> Int {
        slotsOffset(capacity: capacity) + capacity * slotStride(forMaximumSize: maximumSize)
    }
}
#endif
