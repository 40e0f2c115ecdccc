#if os(Linux)
public import SystemPackage

/// A bounded queue of prioritized messages between any number of sending and receiving
/// processes, in a named segment — Boost's `message_queue`, robust against crashes.
///
/// Every message has a priority (a `UInt32`, higher first: ``priorityRange``); a receive takes
/// the highest priority present, and among messages of one priority the oldest (FIFO). The
/// queue holds at most ``capacity`` messages of at most ``maximumSize`` bytes each; a send
/// waits while it is full, a receive while it is empty.
///
/// ```swift
/// let queue = try MessageQueue(openOrCreate: "jobs", capacity: 256, maximumSize: 64)
/// try queue.send(UInt64(7), priority: 1)          // in any number of processes
/// try queue.send("urgent", priority: 9)
/// let first = try queue.receive(as: String.self)  // in any number of processes
/// print(first.value, first.priority)              // "urgent" 9
/// let next = try queue.receive(as: UInt64.self, timeout: .seconds(1))
/// ```
///
/// Each send and receive comes in the library's forms (`docs/CONVENTIONS.md`): `trySend` /
/// `tryReceive` answer at once, the plain forms block the thread, `until:` / `timeout:` throw
/// ``InterprocessError/Code/timedOut``, and the `async` forms suspend the task. Receives report
/// each message's priority (``Received``); the closure form lends the message in place.
///
/// **Sharing.** The value is copyable and `Sendable`: copies share one mapping, and any thread
/// of any process may send and receive through any of them at once. There are no endpoints to
/// make and nothing is registered per process.
///
/// **How it works.** One robust ``ProcessMutex`` in the segment serializes every change: a
/// send copies the message into a free slot and pushes its entry onto a binary heap ordered by
/// (priority, sequence); a receive reads the top slot in place and pops it. Uncontended, a send
/// or receive is a compare-and-swap, the copy, O(log n) entry moves and a release — no system
/// call and no allocation (the value and closure forms). Waiting for room or a message parks on
/// a futex word with a waiter count, so nobody calls `FUTEX_WAKE` while
/// nobody sleeps.
///
/// **Crashes.** A process killed at any instruction — holding the lock too — leaves every
/// message either wholly in the queue or wholly out: a slot's sequence word is the one commit
/// point of a send (set) and of a receive (cleared), and the next process to take the lock after
/// a holder's death rebuilds the heap from the slots. A receiver killed inside the closure of
/// ``receive(_:)`` leaves its message in the queue. A wake-up lost to a killed process delays a
/// waiter by at most 20 ms (every sleep is that short at most). A holder that is stopped (not
/// dead) holds the lock: the deadline forms (blocking and `async`) throw `timedOut` rather than
/// wait past their deadline for it, while `trySend` / `tryReceive`, which never wait for room or
/// a message, do wait for the lock (as Boost's `try_send` does).
///
/// **Shared memory is hostile input**: every index and length read from the segment is checked
/// before use; words no queue writes are ``InterprocessError/Code/corrupt``, never a trap.
public struct MessageQueue: Sendable {
    /// The validated mapping, shared by the copies.
    @usableFromInline let mapping: MessageQueueMapping

    /// The segment kind of a message queue.
    public static let kind = SegmentKind.messageQueue

    /// The capacities (most messages held) accepted.
    public static let capacityRange: ClosedRange<Int> = MessageQueueLayout.capacityRange

    /// The largest message sizes accepted, in bytes.
    public static let maximumSizeRange: ClosedRange<Int> = MessageQueueLayout.maximumSizeRange

    /// The priorities: every `UInt32`, higher received first (as Boost's `unsigned int`).
    public static let priorityRange: ClosedRange<UInt32> = 0...UInt32.max

    /// The queue's name.
    public var name: String { mapping.storage.name }
    /// The most messages the queue holds.
    public var capacity: Int { mapping.capacity }
    /// The largest message accepted, in bytes.
    public var maximumSize: Int { mapping.maximumSize }
    /// Whether this value created the queue (always for `create`; for `openOrCreate`, when
    /// there was none).
    public var wasCreated: Bool { mapping.storage.wasCreated }

    /// Creates a queue. The name appears only once the queue is whole.
    ///
    /// - Parameters:
    ///   - name: the queue's name (see ``SegmentName``).
    ///   - capacity: the most messages it holds, within ``capacityRange``.
    ///   - maximumSize: the largest message, in bytes, within ``maximumSizeRange``. Each message
    ///     takes a 16-byte slot header and a 16-byte heap entry besides, rounded up to 16 bytes.
    ///   - permissions: the segment's mode; default `0600`.
    ///   - lifetime: when the name goes away (see ``Lifetime``).
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a capacity or size out of range
    ///   (naming it and the range); `alreadyExists`, `invalidName`, `permissionDenied`,
    ///   `insufficientSpace`.
    public init(
        create name: String,
        capacity: Int,
        maximumSize: Int,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        try MessageQueue.validate(capacity: capacity, maximumSize: maximumSize, name: name)
        let storage = try QueueOpening.create(name, kind: MessageQueue.kind, version: MessageQueueLayout.version,
                                              bodySize: MessageQueueLayout.bodySize(capacity: capacity, maximumSize: maximumSize),
                                              permissions: permissions, lifetime: lifetime) { base in
            MessageQueueMapping.initialize(base, capacity: capacity, maximumSize: maximumSize)
        }
        mapping = try MessageQueueMapping(storage, operation: "create queue")
    }

    /// Opens an existing queue; if there is none yet, waits for it to appear until `deadline`
    /// (default: now, so a missing queue fails at once with ``InterprocessError/Code/notFound``).
    ///
    /// - Throws: `notFound`, `timedOut` (it did not appear in time), `wrongKind`,
    ///   `incompatibleVersion`, `corrupt`, `permissionDenied`.
    public init(open name: String, until deadline: Deadline = .now) throws(InterprocessError) {
        mapping = try MessageQueueMapping(QueueOpening.open(name, kind: MessageQueue.kind, version: MessageQueueLayout.version, until: deadline))
    }

    /// Opens an existing queue, waiting up to `timeout` for it to appear.
    public init(open name: String, timeout: Duration) throws(InterprocessError) {
        try self.init(open: name, until: .after(timeout))
    }

    /// Opens the queue, or creates it if there is none; two processes racing end up with one
    /// queue. ``wasCreated`` tells which happened.
    ///
    /// - Throws: ``InterprocessError/Code/incompatibleConfiguration`` naming the field
    ///   ("capacity" or "maximum size") if the existing queue has another; the errors of
    ///   `create` and `open`.
    public init(
        openOrCreate name: String,
        capacity: Int,
        maximumSize: Int,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        try MessageQueue.validate(capacity: capacity, maximumSize: maximumSize, name: name, operation: "open or create queue")
        self = try QueueOpening.openOrCreate(name) { () throws(InterprocessError) in
            try MessageQueue(create: name, capacity: capacity, maximumSize: maximumSize, permissions: permissions, lifetime: lifetime)
        } open: { () throws(InterprocessError) in
            try MessageQueue(open: name)
        }
        try checkConfiguration(capacity: capacity, maximumSize: maximumSize)
    }

    /// Removes a queue's name; values already open keep working until they go away.
    ///
    /// Reads the segment's header first and removes only a message queue (or a broken
    /// segment): another kind under the name is left alone.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none;
    ///   ``InterprocessError/Code/wrongKind`` if the name holds another kind of segment;
    ///   ``InterprocessError/Code/foreignSegment`` if this library did not make it.
    public static func remove(_ name: String) throws(InterprocessError) {
        try Segment.remove(name, kind: .messageQueue, operation: "remove queue")
    }

    init(mapping: MessageQueueMapping) {
        self.mapping = mapping
    }

    /// Throws `incompatibleConfiguration` naming the first field that differs from the request.
    func checkConfiguration(capacity: Int, maximumSize: Int) throws(InterprocessError) {
        if self.capacity != capacity {
            throw QueueOpening.incompatible(name, field: "capacity", existing: self.capacity, requested: capacity)
        }
        if self.maximumSize != maximumSize {
            throw QueueOpening.incompatible(name, field: "maximum size", existing: self.maximumSize, requested: maximumSize)
        }
    }

    static func validate(capacity: Int, maximumSize: Int, name: String, operation: String = "create queue") throws(InterprocessError) {
        guard capacityRange.contains(capacity) else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the capacity must be from \(capacityRange.lowerBound) to \(capacityRange.upperBound) messages (got \(capacity))")
        }
        guard maximumSizeRange.contains(maximumSize) else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the maximum size must be from \(maximumSizeRange.lowerBound) to \(maximumSizeRange.upperBound) bytes (got \(maximumSize))")
        }
        let body = MessageQueueLayout.bodySize(capacity: capacity, maximumSize: maximumSize)
        guard body <= MessageQueueLayout.maximumBodySize else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "\(capacity) messages of \(maximumSize) bytes take \(body) bytes; at most \(MessageQueueLayout.maximumBodySize) are allowed")
        }
    }
}

extension MessageQueue {
    /// A received message and its priority.
    ///
    /// ```swift
    /// let message = try queue.receive(as: UInt64.self)
    /// if message.priority > 5 { handleNow(message.value) }
    /// ```
    @frozen
    public struct Received<Value> {
        /// The message.
        public var value: Value
        /// The priority it was sent with.
        public var priority: UInt32

        /// A message and its priority.
        @inlinable
        public init(value: Value, priority: UInt32) {
            self.value = value
            self.priority = priority
        }
    }
}

extension MessageQueue.Received: Sendable where Value: Sendable {}
extension MessageQueue.Received: Equatable where Value: Equatable {}
extension MessageQueue.Received: Hashable where Value: Hashable {}
#endif
