#if os(Linux)
extension MPMCQueue {
    /// The name the segment's directory records for a placed MPMC queue.
    static let managedTypeName = "Interprocess.MPMCQueue"

    /// Creates a queue named `name` inside `segment`'s heap: many channels in one segment, each
    /// found by name from any attached process, with the same layout, endpoints and crash
    /// guarantees as a queue in a segment of its own (`docs/FORMAT.md`, "MPMC queue").
    ///
    /// ```swift
    /// let segment = try ManagedSegment(openOrCreate: "pipeline", size: 64 << 20)
    /// let jobs = try MPMCQueue(openOrCreate: "jobs", in: segment, slotCount: 1024, slotSize: 8)
    /// var producer = try jobs.makeProducer()                // in any number of processes
    /// let record = try segment.allocate(byteCount: 256)     // fill it, then send its offset
    /// try producer.send(record.rawValue)
    /// ```
    ///
    /// A process killed while creating it leaks the queue's block (it is named only once whole).
    ///
    /// - Parameters:
    ///   - name: the queue's name in the segment's directory of named objects.
    ///   - segment: the managed segment whose heap holds the queue.
    ///   - slotCount: how many records the queue holds: a power of two within ``slotCountRange``.
    ///   - slotSize: the largest record, in bytes, within ``slotSizeRange``.
    /// - Throws: ``InterprocessError/Code/alreadyExists`` if an object has this name;
    ///   `invalidArgument` for a slot count or size out of range; `insufficientSpace`.
    public init(create name: String, in segment: ManagedSegment, slotCount: Int, slotSize: Int) throws(InterprocessError) {
        try self.init(.create, name: name, in: segment, slotCount: slotCount, slotSize: slotSize)
    }

    /// Opens the queue named `name` in `segment`, waiting until `deadline` for it to appear
    /// (default: now, so a missing one fails at once with ``InterprocessError/Code/notFound``);
    /// processes may start in any order.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none; `timedOut` if it did not
    ///   appear in time; `wrongKind` when the name holds another kind of object; `corrupt`.
    public init(open name: String, in segment: ManagedSegment, until deadline: Deadline = .now) throws(InterprocessError) {
        try self.init(.open(until: deadline), name: name, in: segment, slotCount: MPMCLayout.slotCountRange.lowerBound, slotSize: 1)
    }

    /// Opens the queue named `name` in `segment`, waiting up to `timeout` for it to appear.
    public init(open name: String, in segment: ManagedSegment, timeout: Duration) throws(InterprocessError) {
        try self.init(open: name, in: segment, until: .after(timeout))
    }

    /// Opens the queue named `name` in `segment`, or creates it if there is none; two processes
    /// racing end up with one queue.
    ///
    /// - Parameters:
    ///   - name: the queue's name in the segment's directory of named objects.
    ///   - segment: the managed segment whose heap holds the queue.
    ///   - slotCount: how many records the queue holds, if this call creates it.
    ///   - slotSize: the largest record, in bytes, if this call creates it.
    /// - Throws: ``InterprocessError/Code/incompatibleConfiguration`` naming the field when the
    ///   existing queue has another slot count or slot size, and as
    ///   ``init(create:in:slotCount:slotSize:)``.
    public init(openOrCreate name: String, in segment: ManagedSegment, slotCount: Int, slotSize: Int) throws(InterprocessError) {
        try self.init(.openOrCreate, name: name, in: segment, slotCount: slotCount, slotSize: slotSize)
        if self.slotCount != slotCount {
            throw QueueOpening.incompatible(name, field: "slot count", existing: self.slotCount, requested: slotCount)
        }
        if self.slotSize != slotSize {
            throw QueueOpening.incompatible(name, field: "slot size", existing: self.slotSize, requested: slotSize)
        }
    }

    init(_ opening: ContainerOpening, name: String, in segment: ManagedSegment, slotCount: Int, slotSize: Int) throws(InterprocessError) {
        let operation = "\(opening.verb) queue '\(name)' in managed segment"
        try MPMCQueue.validate(slotCount: slotCount, slotSize: slotSize, name: name, operation: operation)
        let stride = MPMCLayout.slotStride(forSlotSize: slotSize)
        let storage = try segment.placedQueueStorage(
            opening, name: name, typeName: Self.managedTypeName, magic: MPMCLayout.tag, version: MPMCLayout.version,
            controlSize: MPMCLayout.ringOffset, bodySize: MPMCLayout.ringOffset + slotCount * stride, operation: operation,
            initialize: { MPMCQueue.initialize($0, slotCount: slotCount, slotSize: slotSize, stride: stride) },
            ringBytes: { header in
                let count = UInt64(littleEndian: header.load(fromByteOffset: MPMCLayout.slotCountOffset, as: UInt64.self))
                let stride = UInt64(UInt32(littleEndian: header.load(fromByteOffset: MPMCLayout.slotStrideOffset, as: UInt32.self)))
                guard count <= UInt64(MPMCLayout.slotCountRange.upperBound) else { return nil }
                return count &* stride
            })
        mapping = try MPMCMapping(storage)
    }

    /// Removes the queue named `name` from `segment` and frees its block. Endpoints still open
    /// on it, in any process, must be gone first (they would use freed memory).
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none; `wrongKind`.
    public static func remove(_ name: String, in segment: ManagedSegment) throws(InterprocessError) {
        try segment.removeContainer(name: name, typeName: managedTypeName, magic: MPMCLayout.tag, version: MPMCLayout.version,
                                    headerSize: MPMCLayout.ringOffset, operation: "remove queue '\(name)' from managed segment") { _ in [] }
    }
}
#endif
