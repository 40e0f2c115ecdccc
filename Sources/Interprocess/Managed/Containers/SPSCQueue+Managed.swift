#if os(Linux)
extension SPSCQueue {
    /// The name the segment's directory records for a placed SPSC queue.
    static let managedTypeName = "Interprocess.SPSCQueue"

    /// Creates a queue named `name` inside `segment`'s heap: many channels in one segment, each
    /// found by name from any attached process, with the same layout, endpoints and guarantees
    /// as a queue in a segment of its own (`docs/FORMAT.md`, "SPSC queue").
    ///
    /// ```swift
    /// let segment = try ManagedSegment(openOrCreate: "pipeline", size: 64 << 20)
    /// let queue = try SPSCQueue(openOrCreate: "stage-1", in: segment, capacity: 1 << 16, maximumRecordSize: 64)
    /// var producer = try queue.makeProducer()
    /// let record = try segment.allocate(byteCount: 256)    // fill it, then send its offset
    /// try producer.send(record.rawValue)
    /// ```
    ///
    /// A process killed while creating it leaks the queue's block (it is named only once whole).
    ///
    /// - Throws: ``InterprocessError/Code/alreadyExists`` if an object has this name;
    ///   `invalidArgument` for a capacity or maximum out of range; `insufficientSpace`.
    public init(create name: String, in segment: ManagedSegment, capacity: Int, maximumRecordSize: Int) throws(InterprocessError) {
        try self.init(.create, name: name, in: segment, capacity: capacity, maximumRecordSize: maximumRecordSize)
    }

    /// Opens the queue named `name` in `segment`, waiting until `deadline` for it to appear
    /// (default: now, so a missing one fails at once with ``InterprocessError/Code/notFound``);
    /// processes may start in any order.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none; `timedOut` if it did not
    ///   appear in time; `wrongKind` when the name holds another kind of object; `corrupt`.
    public init(open name: String, in segment: ManagedSegment, until deadline: Deadline = .now) throws(InterprocessError) {
        try self.init(.open(until: deadline), name: name, in: segment, capacity: SPSCLayout.capacityRange.lowerBound, maximumRecordSize: 1)
    }

    /// Opens the queue named `name` in `segment`, waiting up to `timeout` for it to appear.
    public init(open name: String, in segment: ManagedSegment, timeout: Duration) throws(InterprocessError) {
        try self.init(open: name, in: segment, until: .after(timeout))
    }

    /// Opens the queue named `name` in `segment`, or creates it if there is none.
    ///
    /// - Throws: ``InterprocessError/Code/incompatibleConfiguration`` naming the field when the
    ///   existing queue has another capacity or maximum record size, and as
    ///   ``init(create:in:capacity:maximumRecordSize:)``.
    public init(openOrCreate name: String, in segment: ManagedSegment, capacity: Int, maximumRecordSize: Int) throws(InterprocessError) {
        try self.init(.openOrCreate, name: name, in: segment, capacity: capacity, maximumRecordSize: maximumRecordSize)
        if self.capacity != capacity {
            throw QueueOpening.incompatible(name, field: "capacity", existing: self.capacity, requested: capacity)
        }
        if self.maximumRecordSize != maximumRecordSize {
            throw QueueOpening.incompatible(name, field: "maximum record size", existing: self.maximumRecordSize, requested: maximumRecordSize)
        }
    }

    init(_ opening: ContainerOpening, name: String, in segment: ManagedSegment, capacity: Int, maximumRecordSize: Int) throws(InterprocessError) {
        let operation = "\(opening.verb) queue '\(name)' in managed segment"
        try SPSCQueue.validate(capacity: capacity, maximumRecordSize: maximumRecordSize, name: name, operation: operation)
        let storage = try segment.placedQueueStorage(
            opening, name: name, typeName: Self.managedTypeName, magic: SPSCLayout.tag, version: SPSCLayout.version,
            controlSize: SPSCLayout.ringOffset, bodySize: SPSCLayout.ringOffset + capacity, operation: operation,
            initialize: { SPSCQueue.initialize($0, capacity: capacity, maximumRecordSize: maximumRecordSize) },
            ringBytes: { header in
                let bytes = UInt64(littleEndian: header.load(fromByteOffset: SPSCLayout.capacityOffset, as: UInt64.self))
                return bytes <= UInt64(SPSCLayout.capacityRange.upperBound) ? bytes : nil
            })
        mapping = try SPSCMapping(storage)
    }

    /// Removes the queue named `name` from `segment` and frees its block. Endpoints still open
    /// on it, in any process, must be gone first (they would use freed memory).
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none; `wrongKind`.
    public static func remove(_ name: String, in segment: ManagedSegment) throws(InterprocessError) {
        try segment.removeContainer(name: name, typeName: managedTypeName, magic: SPSCLayout.tag, version: SPSCLayout.version,
                                    headerSize: SPSCLayout.ringOffset, operation: "remove queue '\(name)' from managed segment") { _ in [] }
    }
}
#endif
