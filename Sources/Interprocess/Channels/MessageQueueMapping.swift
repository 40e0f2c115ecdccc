#if os(Linux)
public import Synchronization

/// What every handle of a ``MessageQueue`` finds in an opened queue body, after validating it:
/// the configuration (read once, then trusted from this process's memory), the addresses of the
/// shared words, and the queue's robust lock.
///
/// One object per opened queue, shared by the copies of the queue value; it keeps the segment
/// mapped (through ``QueueStorage``) for as long as any copy lives. Per-message code reads only
/// its immutable stored properties: no reference counting, no exclusivity checks.
@usableFromInline
final class MessageQueueMapping: @unchecked Sendable {
    // @unchecked: immutable after init; the pointers address a mapping `storage` keeps alive,
    // and every shared word behind them is changed under `lock` or atomically.
    @usableFromInline let storage: QueueStorage
    @usableFromInline let base: UnsafeMutableRawPointer
    /// The order: heap entries, then free-slot entries.
    @usableFromInline let order: UnsafeMutableRawPointer
    @usableFromInline let slots: UnsafeMutableRawPointer
    @usableFromInline let capacity: Int
    @usableFromInline let maximumSize: Int
    @usableFromInline let stride: Int
    /// The queue's lock, placed at ``MessageQueueLayout/lockOffset``.
    @usableFromInline let lock: ProcessMutex
    /// The message count, changed under the lock, read by waiters without it.
    @usableFromInline let count: UnsafeMutablePointer<Atomic<UInt32>>
    @usableFromInline let receiversWaiting: UnsafeMutablePointer<Atomic<UInt32>>
    @usableFromInline let sendersWaiting: UnsafeMutablePointer<Atomic<UInt32>>

    init(_ storage: QueueStorage, operation: String = "open queue") throws(InterprocessError) {
        let body = storage.body
        let name = storage.name
        guard body.count > MessageQueueLayout.orderOffset else {
            throw InterprocessError(.corrupt, operation: operation, name: name, reason: "its body of \(body.count) bytes is too small for a message queue")
        }
        let base = body.baseAddress!
        let tag = UInt32(littleEndian: base.load(fromByteOffset: MessageQueueLayout.tagOffset, as: UInt32.self))
        let version = UInt32(littleEndian: base.load(fromByteOffset: MessageQueueLayout.versionOffset, as: UInt32.self))
        let capacity = Int(UInt32(littleEndian: base.load(fromByteOffset: MessageQueueLayout.capacityOffset, as: UInt32.self)))
        let size = Int(UInt32(littleEndian: base.load(fromByteOffset: MessageQueueLayout.maximumSizeOffset, as: UInt32.self)))
        let stride = Int(UInt32(littleEndian: base.load(fromByteOffset: MessageQueueLayout.slotStrideOffset, as: UInt32.self)))
        guard tag == MessageQueueLayout.tag else {
            throw InterprocessError(.corrupt, operation: operation, name: name, reason: "its body does not start with the message queue tag")
        }
        guard version == MessageQueueLayout.version else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its body says layout version \(version), but its header says \(MessageQueueLayout.version)")
        }
        // Each word is at most 2^32, so no product below overflows.
        guard MessageQueueLayout.capacityRange.contains(capacity), MessageQueueLayout.maximumSizeRange.contains(size),
              stride == MessageQueueLayout.slotStride(forMaximumSize: size),
              body.count == MessageQueueLayout.bodySize(capacity: capacity, maximumSize: size)
        else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its capacity \(capacity), largest message \(size) and stride \(stride) do not fit its body of \(body.count) bytes")
        }
        do throws(InterprocessError) {
            lock = try ProcessMutex(placedAt: base + MessageQueueLayout.lockOffset)
        } catch {
            throw InterprocessError(error.code, operation: operation, name: name, reason: "its lock is unusable: \(error.reason)")
        }
        self.storage = storage
        self.base = base
        self.order = base + MessageQueueLayout.orderOffset
        self.slots = base + MessageQueueLayout.slotsOffset(capacity: capacity)
        self.capacity = capacity
        self.maximumSize = size
        self.stride = stride
        self.count = (base + MessageQueueLayout.countOffset).bindMemory(to: Atomic<UInt32>.self, capacity: 1)
        self.receiversWaiting = (base + MessageQueueLayout.receiversWaitingOffset).bindMemory(to: Atomic<UInt32>.self, capacity: 1)
        self.sendersWaiting = (base + MessageQueueLayout.sendersWaitingOffset).bindMemory(to: Atomic<UInt32>.self, capacity: 1)
    }

    /// Writes a new queue's words into its zero-filled body: every slot free, every order entry
    /// naming its slot (all of them free).
    static func initialize(_ base: UnsafeMutableRawPointer, capacity: Int, maximumSize: Int) {
        base.storeBytes(of: MessageQueueLayout.version.littleEndian, toByteOffset: MessageQueueLayout.versionOffset, as: UInt32.self)
        base.storeBytes(of: UInt32(capacity).littleEndian, toByteOffset: MessageQueueLayout.capacityOffset, as: UInt32.self)
        base.storeBytes(of: UInt32(maximumSize).littleEndian, toByteOffset: MessageQueueLayout.maximumSizeOffset, as: UInt32.self)
        base.storeBytes(of: UInt32(MessageQueueLayout.slotStride(forMaximumSize: maximumSize)).littleEndian,
                        toByteOffset: MessageQueueLayout.slotStrideOffset, as: UInt32.self)
        base.storeBytes(of: UInt64(1).littleEndian, toByteOffset: MessageQueueLayout.nextSequenceOffset, as: UInt64.self)
        for index in 0..<capacity {
            base.storeBytes(of: UInt32(index).littleEndian,
                            toByteOffset: MessageQueueLayout.orderOffset + index * MessageQueueLayout.entryStride + MessageQueueLayout.entrySlotOffset,
                            as: UInt32.self)
        }
        // The lock cannot fail here: the body is 128-byte aligned.
        try? ProcessMutex.initialize(at: base + MessageQueueLayout.lockOffset)
        base.storeBytes(of: MessageQueueLayout.tag.littleEndian, toByteOffset: MessageQueueLayout.tagOffset, as: UInt32.self)
    }

    /// The atomic 32-bit word at `offset` in the body.
    func word32(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (base + offset).bindMemory(to: Atomic<UInt32>.self, capacity: 1)
    }

    /// The atomic 64-bit word at `offset` in the body.
    func word64(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
    }

    /// The slot `index` (checked by the caller to be below ``capacity``).
    @inlinable @inline(__always)
    func slot(_ index: Int) -> UnsafeMutableRawPointer {
        slots + index &* stride
    }

    /// The next sequence number (under the lock).
    @inlinable @inline(__always)
    var nextSequence: UInt64 {
        get { base.load(fromByteOffset: MessageQueueLayout.nextSequenceOffset, as: UInt64.self) }
        set { base.storeBytes(of: newValue, toByteOffset: MessageQueueLayout.nextSequenceOffset, as: UInt64.self) }
    }
}
#endif
