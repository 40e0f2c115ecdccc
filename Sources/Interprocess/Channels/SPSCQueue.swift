#if os(Linux)
public import SystemPackage
import Synchronization

/// A queue of variable-size records from exactly one producer process to exactly one consumer
/// process, in a named segment. Lock-free: in steady state neither side makes a system call or
/// allocates; each side writes only its own cache line.
///
/// Create the queue (or open it, from any process, in any order), then make its one producer
/// and its one consumer:
///
/// ```swift
/// // process A
/// let queue = try SPSCQueue(create: "ticks", capacity: 1 << 20, maximumRecordSize: 4096,
///                           lifetime: .removedWhenCreatorCloses)
/// var producer = try queue.makeProducer()
/// try producer.send(UInt64(42))
/// try producer.send("hello")
///
/// // process B
/// var consumer = try SPSCQueue(open: "ticks", timeout: .seconds(5)).makeConsumer()
/// let value = try consumer.receive(as: UInt64.self)
/// let text = try consumer.receive(as: String.self)
/// ```
///
/// **Sharing.** A queue value is copyable and `Sendable`: pass it to other tasks and threads.
/// It and every endpoint made from it share one mapping of the segment (a reference-counted
/// object): the segment stays mapped while any of them lives. Endpoints are `~Copyable` and keep
/// raw pointers into the mapping, so sending and receiving cause no reference counting.
///
/// **Lifetime.** With ``Lifetime/removedWhenCreatorCloses`` the name is removed when the
/// creating queue value, all its copies, *and* every endpoint made from them are gone; other
/// processes that opened it keep using it. The default, ``Lifetime/persistent``, keeps it until
/// ``remove(_:)``. With ``init(openOrCreate:capacity:maximumRecordSize:permissions:lifetime:)``,
/// `removedWhenCreatorCloses` can split peers: after the creator goes, a peer that had it open
/// keeps the old queue while a later `openOrCreate` makes a new one (see
/// ``Lifetime/removedWhenCreatorCloses``).
///
/// **Endpoints.** One live producer and one live consumer at a time, across all processes:
/// ``makeProducer()`` fails with ``InterprocessError/Code/alreadyExists`` while another live
/// process holds that side. A side whose process died is taken over by the next one made.
///
/// **Crash safety.** A record becomes visible only when its producer publishes it, so a record
/// is never seen half-written, even if the producer is killed while writing it. A producer or
/// consumer that dies leaves its place to the next process that takes it, which continues from
/// the last published (producer) or released (consumer) position; a record that was borrowed
/// but not released is delivered again. A parked side re-checks the other's index at least
/// every 20 ms, so a wake-up lost to a dead process delays it by at most 20 ms.
public struct SPSCQueue: Sendable {
    /// The validated mapping, shared with the endpoints.
    @usableFromInline let mapping: SPSCMapping

    /// The segment kind of a queue.
    public static let kind = SegmentKind.spscQueue

    /// The ring capacities accepted, in bytes (each must also be a power of two). The upper bound
    /// keeps the low 32 bits of an index (the futex word a parked side sleeps on) changing on
    /// every publish.
    public static let capacityRange: ClosedRange<Int> = SPSCLayout.capacityRange

    /// The largest-record sizes accepted for a ring of `capacity` bytes: from 1 to
    /// `capacity / 2 - 8`, so that a record always fits, even after padding at the ring's end.
    public static func maximumRecordSizeRange(for capacity: Int) -> ClosedRange<Int> {
        1...Swift.max(1, capacity / 2 - SPSCLayout.recordHeaderSize)
    }

    /// The queue's name.
    public var name: String { mapping.storage.name }
    /// The ring's size in bytes.
    public var capacity: Int { mapping.capacity }
    /// The largest record accepted, in bytes.
    public var maximumRecordSize: Int { mapping.maximumRecordSize }
    /// Whether this value created the queue (always for `create`; for `openOrCreate`, when
    /// there was none).
    public var wasCreated: Bool { mapping.storage.wasCreated }

    /// Creates a queue. The name appears only once the queue is whole.
    ///
    /// - Parameters:
    ///   - name: the queue's name (see ``SegmentName``).
    ///   - capacity: the ring's size in bytes: a power of two within ``capacityRange``. Each
    ///     record takes its payload plus an 8-byte header, rounded up to 8 bytes.
    ///   - maximumRecordSize: the largest payload accepted, within
    ///     ``maximumRecordSizeRange(for:)``.
    ///   - permissions: the segment's mode; default `0600`.
    ///   - lifetime: when the name goes away (see the type's documentation).
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a capacity or maximum out of
    ///   range (naming it and the range); `alreadyExists`, `invalidName`, `permissionDenied`,
    ///   `insufficientSpace`.
    public init(
        create name: String,
        capacity: Int,
        maximumRecordSize: Int,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        try SPSCQueue.validate(capacity: capacity, maximumRecordSize: maximumRecordSize, name: name)
        let storage = try QueueOpening.create(name, kind: SPSCQueue.kind, version: SPSCLayout.version,
                                              bodySize: SPSCLayout.ringOffset + capacity,
                                              permissions: permissions, lifetime: lifetime) { base in
            SPSCQueue.initialize(base, capacity: capacity, maximumRecordSize: maximumRecordSize)
        }
        mapping = try SPSCMapping(storage)
    }

    /// Opens an existing queue; if there is none yet, waits for it to appear until `deadline`
    /// (default: now, so a missing queue fails at once with ``InterprocessError/Code/notFound``).
    ///
    /// - Throws: `notFound`, `timedOut` (it did not appear in time), `wrongKind`,
    ///   `incompatibleVersion`, `corrupt`, `permissionDenied`.
    public init(open name: String, until deadline: Deadline = .now) throws(InterprocessError) {
        mapping = try SPSCMapping(QueueOpening.open(name, kind: SPSCQueue.kind, version: SPSCLayout.version, until: deadline))
    }

    /// Opens an existing queue, waiting up to `timeout` for it to appear.
    public init(open name: String, timeout: Duration) throws(InterprocessError) {
        try self.init(open: name, until: .after(timeout))
    }

    /// Opens the queue, or creates it if there is none; two processes racing end up with one
    /// queue. ``wasCreated`` tells which happened.
    ///
    /// - Throws: ``InterprocessError/Code/incompatibleConfiguration`` naming the field, if the
    ///   existing queue has another capacity or maximum record size; the errors of `create` and
    ///   `open`.
    public init(
        openOrCreate name: String,
        capacity: Int,
        maximumRecordSize: Int,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        try SPSCQueue.validate(capacity: capacity, maximumRecordSize: maximumRecordSize, name: name, operation: "open or create queue")
        self = try QueueOpening.openOrCreate(name) { () throws(InterprocessError) in
            try SPSCQueue(create: name, capacity: capacity, maximumRecordSize: maximumRecordSize,
                          permissions: permissions, lifetime: lifetime)
        } open: { () throws(InterprocessError) in
            try SPSCQueue(open: name)
        }
        if self.capacity != capacity {
            throw QueueOpening.incompatible(name, field: "capacity", existing: self.capacity, requested: capacity)
        }
        if self.maximumRecordSize != maximumRecordSize {
            throw QueueOpening.incompatible(name, field: "maximum record size", existing: self.maximumRecordSize,
                                            requested: maximumRecordSize)
        }
    }

    /// Removes a queue's name; endpoints already made keep working until they go away.
    ///
    /// Reads the segment's header first and removes only an SPSC queue (or a broken segment):
    /// another kind under the name is left alone. The check and the removal are two steps, so a
    /// segment removed and created again as another kind in between is removed.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none;
    ///   ``InterprocessError/Code/wrongKind`` if the name holds another kind of segment;
    ///   ``InterprocessError/Code/foreignSegment`` if this library did not make it.
    public static func remove(_ name: String) throws(InterprocessError) {
        try Segment.remove(name, kind: .spscQueue, operation: "remove queue")
    }

    /// Makes the queue's producer: continues after the last record published.
    ///
    /// - Throws: ``InterprocessError/Code/alreadyExists`` while another live process (or
    ///   another producer in this one) is the producer; `corrupt` for indices no queue can have.
    public func makeProducer() throws(InterprocessError) -> SPSCProducer {
        try SPSCProducer(mapping)
    }

    /// Makes the queue's consumer: continues after the last record released.
    ///
    /// - Throws: ``InterprocessError/Code/alreadyExists`` while another live process (or
    ///   another consumer in this one) is the consumer; `corrupt` for indices no queue can have.
    public func makeConsumer() throws(InterprocessError) -> SPSCConsumer {
        try SPSCConsumer(mapping)
    }

    /// Writes a new queue's control words into its zero-filled body.
    static func initialize(_ base: UnsafeMutableRawPointer, capacity: Int, maximumRecordSize: Int) {
        base.storeBytes(of: SPSCLayout.version.littleEndian, toByteOffset: SPSCLayout.versionOffset, as: UInt32.self)
        base.storeBytes(of: UInt64(capacity).littleEndian, toByteOffset: SPSCLayout.capacityOffset, as: UInt64.self)
        base.storeBytes(of: UInt32(maximumRecordSize).littleEndian, toByteOffset: SPSCLayout.maximumRecordOffset, as: UInt32.self)
        for offset in [SPSCLayout.tailOffset, SPSCLayout.producerOwnerOffset, SPSCLayout.headOffset, SPSCLayout.consumerOwnerOffset] {
            (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1).initialize(to: Atomic(0))
        }
        for offset in [SPSCLayout.consumerSleepingOffset, SPSCLayout.producerSleepingOffset] {
            (base + offset).bindMemory(to: Atomic<UInt32>.self, capacity: 1).initialize(to: Atomic(0))
        }
        base.storeBytes(of: SPSCLayout.tag.littleEndian, toByteOffset: SPSCLayout.tagOffset, as: UInt32.self)
    }

    static func validate(capacity: Int, maximumRecordSize: Int, name: String, operation: String = "create queue") throws(InterprocessError) {
        guard capacityRange.contains(capacity), capacity & (capacity - 1) == 0 else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the capacity must be a power of two from \(capacityRange.lowerBound) to \(capacityRange.upperBound) bytes (got \(capacity))")
        }
        let range = maximumRecordSizeRange(for: capacity)
        guard range.contains(maximumRecordSize) else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the maximum record size must be from \(range.lowerBound) to \(range.upperBound) bytes for a capacity of \(capacity) (got \(maximumRecordSize))")
        }
    }
}

/// What both endpoints find in an opened queue segment, after validating it.
///
/// Copyable: the queue value and each endpoint hold one, all sharing the one ``QueueStorage``
/// that owns the segment; the pointers stay valid while any of them lives.
@usableFromInline
struct SPSCMapping: @unchecked Sendable {
    // @unchecked: immutable after init; the pointers are into a mapping `storage` keeps alive,
    // and every access through them is atomic or a protocol the endpoints own.
    @usableFromInline let storage: QueueStorage
    @usableFromInline let base: UnsafeMutableRawPointer
    @usableFromInline let ring: UnsafeMutableRawPointer
    @usableFromInline let capacity: Int
    @usableFromInline let maximumRecordSize: Int

    init(_ storage: QueueStorage) throws(InterprocessError) {
        let body = storage.body
        let name = storage.name
        let operation = "open queue"
        guard body.count > SPSCLayout.ringOffset else {
            throw InterprocessError(.corrupt, operation: operation, name: name, reason: "its body of \(body.count) bytes is too small for a queue")
        }
        let base = body.baseAddress!
        let tag = UInt32(littleEndian: base.load(fromByteOffset: SPSCLayout.tagOffset, as: UInt32.self))
        let capacity = Int(truncatingIfNeeded: UInt64(littleEndian: base.load(fromByteOffset: SPSCLayout.capacityOffset, as: UInt64.self)))
        let maximum = Int(UInt32(littleEndian: base.load(fromByteOffset: SPSCLayout.maximumRecordOffset, as: UInt32.self)))
        guard tag == SPSCLayout.tag else {
            throw InterprocessError(.corrupt, operation: operation, name: name, reason: "its body does not start with the queue tag")
        }
        guard SPSCLayout.capacityRange.contains(capacity), capacity & (capacity - 1) == 0,
              capacity == body.count - SPSCLayout.ringOffset,
              maximum >= 1, maximum <= capacity / 2 - SPSCLayout.recordHeaderSize
        else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its capacity \(capacity) and maximum record size \(maximum) do not fit its body of \(body.count) bytes")
        }
        self.base = base
        self.ring = base + SPSCLayout.ringOffset
        self.capacity = capacity
        self.maximumRecordSize = maximum
        self.storage = storage
    }

    /// The atomic 64-bit word at `offset` in the body, bound for this process.
    func word64(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
    }

    /// The atomic 32-bit word at `offset` in the body, bound for this process.
    func word32(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (base + offset).bindMemory(to: Atomic<UInt32>.self, capacity: 1)
    }

    /// The 32-bit futex word a parked side sleeps on: the low half of the 64-bit index at
    /// `offset` (little-endian), which changes on every publish (capacity is below 2^32).
    func futexWord(_ offset: Int) -> UnsafeMutablePointer<UInt32> {
        // The kernel reads the word; Swift never accesses it through this pointer.
        UnsafeMutablePointer(OpaquePointer(base + offset))
    }
}
#endif
