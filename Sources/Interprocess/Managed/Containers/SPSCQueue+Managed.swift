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
        let (header, created) = try segment.containerHeader(
            opening, name: name, typeName: Self.managedTypeName, magic: SPSCLayout.tag, version: SPSCLayout.version,
            headerSize: SPSCLayout.ringOffset + (opening.onlyOpens ? 0 : capacity), operation: operation,
            initialize: { (base) throws(InterprocessError) in
                base.initializeMemory(as: UInt8.self, repeating: 0, count: SPSCLayout.ringOffset + capacity)
                SPSCQueue.initialize(base, capacity: capacity, maximumRecordSize: maximumRecordSize)
            },
            validate: { _ in },
            discard: { _ in })
        // The ring's size is in the queue's words: checked against the range, then the whole
        // body against the heap; SPSCMapping checks the rest.
        let words = UInt64(littleEndian: header.load(fromByteOffset: SPSCLayout.capacityOffset, as: UInt64.self))
        guard words <= UInt64(SPSCLayout.capacityRange.upperBound), let start = segment.offset(of: header),
              let body = try? segment.pointer(at: start, byteCount: SPSCLayout.ringOffset + Int(words))
        else {
            throw InterprocessError(.corrupt, operation: operation, name: segment.name,
                                    reason: "queue '\(name)' claims a ring of \(words) bytes, past the heap")
        }
        let storage = QueueStorage(placedIn: segment, name: name,
                                   body: UnsafeMutableRawBufferPointer(start: body, count: SPSCLayout.ringOffset + Int(words)),
                                   wasCreated: created)
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
