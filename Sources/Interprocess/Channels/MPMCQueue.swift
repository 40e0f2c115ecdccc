#if os(Linux)
public import SystemPackage

/// A bounded queue of fixed-size slots between any number of producer and consumer processes,
/// in a named segment. Lock-free in steady state: no system call and no allocation per record;
/// producers meet on one cache line (`tail`), consumers on another (`head`).
///
/// Create the queue (or open it, from any process, in any order), then make as many producers
/// and consumers as you like:
///
/// ```swift
/// let queue = try MPMCQueue(openOrCreate: "jobs", slotCount: 1024, slotSize: 256)
/// var producer = try queue.makeProducer()   // in any number of processes
/// try producer.send(UInt64(42))
/// var consumer = try queue.makeConsumer()   // in any number of processes
/// let job = try consumer.receive(as: UInt64.self)
/// ```
///
/// **Sharing and lifetime** work as for ``SPSCQueue``: the value is copyable and `Sendable`,
/// it and its endpoints share one mapping, and with ``Lifetime/removedWhenCreatorCloses`` the
/// name is removed when the creating value, its copies and every endpoint made from them are
/// gone — which, with `openOrCreate`, can split peers between the old queue and a new one (see
/// ``Lifetime/removedWhenCreatorCloses``).
///
/// Each record goes to exactly one consumer. Records of one producer reach any one consumer in
/// the order they were sent; there is no order between producers.
///
/// **Crashes.** A slot is claimed by a compare-and-swap that also records the claimant's
/// identity (pid and start time), so a process that dies holding a slot can be recognized:
/// - A producer that dies between claiming a slot and publishing it never exposes the partial
///   record: the first consumer to wait on that slot finds its claimant dead (it looks only
///   after spinning, never on the fast path), skips the slot, and continues with the records
///   after it. Skipped slots are counted in ``MPMCConsumer/skippedRecords``.
/// - A consumer that dies while reading a record (in ``MPMCConsumer/tryReceive(_:)`` and its
///   relatives) does not lose it: a consumer that runs out of records, or a producer that runs
///   out of room at that slot, finds the dead claimant and the record is delivered again, to
///   another consumer. Delivery is thus exactly-once while no consumer crashes, and
///   at-least-once for the record a consumer was reading when it crashed. Counted in
///   ``MPMCConsumer/redeliveredRecords``.
/// - A process that cannot see whether another is alive (`/proc` hidden) treats it as alive:
///   a slot is never taken from a process that may still hold it.
/// - A wake-up lost to a dead process (killed between publishing or freeing a slot and waking
///   the other side) delays a parked endpoint by at most 20 ms: no park lasts longer.
///
/// Slot claims are 128-bit compare-and-swaps (`cmpxchg16b` on x86_64, `casp` on arm64). Code
/// built with ThreadSanitizer emulates those with a lock private to each process, so under TSan
/// the queue is not safe between processes (it is within one).
public struct MPMCQueue: Sendable {
    /// The validated mapping, shared with the endpoints.
    @usableFromInline let mapping: MPMCMapping

    /// The segment kind of a queue.
    public static let kind = SegmentKind.mpmcQueue

    /// The slot counts accepted (each must also be a power of two).
    public static let slotCountRange: ClosedRange<Int> = MPMCLayout.slotCountRange

    /// The slot sizes (largest records, in bytes) accepted.
    public static let slotSizeRange: ClosedRange<Int> = MPMCLayout.slotSizeRange

    /// The queue's name.
    public var name: String { mapping.storage.name }
    /// How many records the queue holds.
    public var slotCount: Int { mapping.slotCount }
    /// The largest record accepted, in bytes.
    public var slotSize: Int { mapping.slotSize }
    /// Whether this value created the queue (always for `create`; for `openOrCreate`, when
    /// there was none).
    public var wasCreated: Bool { mapping.storage.wasCreated }

    /// Creates a queue. The name appears only once the queue is whole.
    ///
    /// - Parameters:
    ///   - name: the queue's name (see ``SegmentName``).
    ///   - slotCount: how many records the queue holds: a power of two within ``slotCountRange``.
    ///   - slotSize: the largest record, in bytes, within ``slotSizeRange``. Each slot takes a
    ///     24-byte header plus `slotSize`, rounded up to a multiple of 64 bytes.
    ///   - permissions: the segment's mode; default `0600`.
    ///   - lifetime: when the name goes away (see ``SPSCQueue``).
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a slot count or size out of
    ///   range (naming it and the range); `alreadyExists`, `invalidName`, `permissionDenied`,
    ///   `insufficientSpace`.
    public init(
        create name: String,
        slotCount: Int,
        slotSize: Int,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        try MPMCQueue.validate(slotCount: slotCount, slotSize: slotSize, name: name)
        let stride = MPMCLayout.slotStride(forSlotSize: slotSize)
        let storage = try QueueOpening.create(name, kind: MPMCQueue.kind, version: MPMCLayout.version,
                                              bodySize: MPMCLayout.ringOffset + slotCount * stride,
                                              permissions: permissions, lifetime: lifetime) { base in
            MPMCQueue.initialize(base, slotCount: slotCount, slotSize: slotSize, stride: stride)
        }
        mapping = try MPMCMapping(storage)
    }

    /// Opens an existing queue; if there is none yet, waits for it to appear until `deadline`
    /// (default: now, so a missing queue fails at once with ``InterprocessError/Code/notFound``).
    ///
    /// - Throws: `notFound`, `timedOut` (it did not appear in time), `wrongKind`,
    ///   `incompatibleVersion`, `corrupt`, `permissionDenied`.
    public init(open name: String, until deadline: Deadline = .now) throws(InterprocessError) {
        mapping = try MPMCMapping(QueueOpening.open(name, kind: MPMCQueue.kind, version: MPMCLayout.version, until: deadline))
    }

    /// Opens an existing queue, waiting up to `timeout` for it to appear.
    public init(open name: String, timeout: Duration) throws(InterprocessError) {
        try self.init(open: name, until: .after(timeout))
    }

    /// Opens the queue, or creates it if there is none; two processes racing end up with one
    /// queue. ``wasCreated`` tells which happened.
    ///
    /// - Throws: ``InterprocessError/Code/incompatibleConfiguration`` naming the field, if the
    ///   existing queue has another slot count or slot size; the errors of `create` and `open`.
    public init(
        openOrCreate name: String,
        slotCount: Int,
        slotSize: Int,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        try MPMCQueue.validate(slotCount: slotCount, slotSize: slotSize, name: name, operation: "open or create queue")
        self = try QueueOpening.openOrCreate(name) { () throws(InterprocessError) in
            try MPMCQueue(create: name, slotCount: slotCount, slotSize: slotSize, permissions: permissions, lifetime: lifetime)
        } open: { () throws(InterprocessError) in
            try MPMCQueue(open: name)
        }
        if self.slotCount != slotCount {
            throw QueueOpening.incompatible(name, field: "slot count", existing: self.slotCount, requested: slotCount)
        }
        if self.slotSize != slotSize {
            throw QueueOpening.incompatible(name, field: "slot size", existing: self.slotSize, requested: slotSize)
        }
    }

    /// Removes a queue's name; endpoints already made keep working until they go away.
    ///
    /// Reads the segment's header first and removes only an MPMC queue (or a broken segment):
    /// another kind under the name is left alone. The check and the removal are two steps, so a
    /// segment removed and created again as another kind in between is removed.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none;
    ///   ``InterprocessError/Code/wrongKind`` if the name holds another kind of segment;
    ///   ``InterprocessError/Code/foreignSegment`` if this library did not make it.
    public static func remove(_ name: String) throws(InterprocessError) {
        try Segment.remove(name, kind: .mpmcQueue, operation: "remove queue")
    }

    /// Makes a producer. Any number may exist at once, in any processes. Throwing, as
    /// ``SPSCQueue/makeProducer()`` does, so both queues read alike (today it never fails).
    public func makeProducer() throws(InterprocessError) -> MPMCProducer {
        MPMCProducer(mapping)
    }

    /// Makes a consumer. Any number may exist at once, in any processes. Throwing, as
    /// ``SPSCQueue/makeConsumer()`` does (today it never fails).
    public func makeConsumer() throws(InterprocessError) -> MPMCConsumer {
        MPMCConsumer(mapping)
    }

    /// Writes a new queue's control words into its zero-filled body.
    static func initialize(_ base: UnsafeMutableRawPointer, slotCount: Int, slotSize: Int, stride: Int) {
        base.storeBytes(of: MPMCLayout.version.littleEndian, toByteOffset: MPMCLayout.versionOffset, as: UInt32.self)
        base.storeBytes(of: UInt64(slotCount).littleEndian, toByteOffset: MPMCLayout.slotCountOffset, as: UInt64.self)
        base.storeBytes(of: UInt32(slotSize).littleEndian, toByteOffset: MPMCLayout.slotSizeOffset, as: UInt32.self)
        base.storeBytes(of: UInt32(stride).littleEndian, toByteOffset: MPMCLayout.slotStrideOffset, as: UInt32.self)
        // The body is zero-filled: counters, indices, waiter counts, futex words and
        // claimants start at 0. Slot i starts free for position i.
        for index in 0..<slotCount {
            base.storeBytes(of: UInt64(index).littleEndian,
                            toByteOffset: MPMCLayout.ringOffset + index * stride + MPMCLayout.slotSequenceOffset, as: UInt64.self)
        }
        base.storeBytes(of: MPMCLayout.tag.littleEndian, toByteOffset: MPMCLayout.tagOffset, as: UInt32.self)
    }

    static func validate(slotCount: Int, slotSize: Int, name: String, operation: String = "create queue") throws(InterprocessError) {
        guard slotCountRange.contains(slotCount), slotCount & (slotCount - 1) == 0 else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the slot count must be a power of two from \(slotCountRange.lowerBound) to \(slotCountRange.upperBound) (got \(slotCount))")
        }
        guard slotSizeRange.contains(slotSize) else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the slot size must be from \(slotSizeRange.lowerBound) to \(slotSizeRange.upperBound) bytes (got \(slotSize))")
        }
    }
}
#endif
