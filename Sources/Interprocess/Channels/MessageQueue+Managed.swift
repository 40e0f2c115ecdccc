#if os(Linux)
extension MessageQueue {
    /// The name the segment's directory records for a placed message queue.
    static let managedTypeName = "Interprocess.MessageQueue"

    /// Creates a queue named `name` inside `segment`'s heap, with the same layout and crash
    /// guarantees as a queue in a segment of its own (`docs/FORMAT.md`, "Message queue"). In a
    /// managed segment backed by a file, the queue persists: its messages survive every process
    /// (and, once the page cache is written back, a reboot).
    ///
    /// ```swift
    /// let file = try ManagedSegment(openOrCreate: "spool", size: 1 << 20,
    ///                               backing: .file(path: "/var/lib/app/spool.heap"))
    /// let jobs = try MessageQueue(openOrCreate: "jobs", in: file, capacity: 128, maximumSize: 256)
    /// try jobs.send("resize 42.png", priority: 2)      // still there after a restart
    /// ```
    ///
    /// A process killed while creating it leaks the queue's block (it is named only once whole).
    ///
    /// - Throws: ``InterprocessError/Code/alreadyExists`` if an object has this name;
    ///   `invalidArgument` for a capacity or size out of range; `insufficientSpace`.
    public init(create name: String, in segment: ManagedSegment, capacity: Int, maximumSize: Int) throws(InterprocessError) {
        try self.init(.create, name: name, in: segment, capacity: capacity, maximumSize: maximumSize)
    }

    /// Opens the queue named `name` in `segment`, waiting until `deadline` for it to appear
    /// (default: now, so a missing one fails at once with ``InterprocessError/Code/notFound``).
    ///
    /// - Throws: ``InterprocessError/Code/notFound``; `timedOut`; `wrongKind` when the name holds
    ///   another kind of object; `corrupt`.
    public init(open name: String, in segment: ManagedSegment, until deadline: Deadline = .now) throws(InterprocessError) {
        try self.init(.open(until: deadline), name: name, in: segment, capacity: 1, maximumSize: 1)
    }

    /// Opens the queue named `name` in `segment`, waiting up to `timeout` for it to appear.
    public init(open name: String, in segment: ManagedSegment, timeout: Duration) throws(InterprocessError) {
        try self.init(open: name, in: segment, until: .after(timeout))
    }

    /// Opens the queue named `name` in `segment`, or creates it if there is none.
    ///
    /// - Throws: ``InterprocessError/Code/incompatibleConfiguration`` naming the field when the
    ///   existing queue has another capacity or maximum size, and as ``init(create:in:capacity:maximumSize:)``.
    public init(openOrCreate name: String, in segment: ManagedSegment, capacity: Int, maximumSize: Int) throws(InterprocessError) {
        try self.init(.openOrCreate, name: name, in: segment, capacity: capacity, maximumSize: maximumSize)
        try checkConfiguration(capacity: capacity, maximumSize: maximumSize)
    }

    init(_ opening: ContainerOpening, name: String, in segment: ManagedSegment, capacity: Int, maximumSize: Int) throws(InterprocessError) {
        let operation = "\(opening.verb) queue '\(name)' in managed segment"
        try MessageQueue.validate(capacity: capacity, maximumSize: maximumSize, name: name, operation: operation)
        let bodySize = MessageQueueLayout.bodySize(capacity: capacity, maximumSize: maximumSize)
        let control = MessageQueueLayout.orderOffset
        let storage = try segment.placedQueueStorage(
            opening, name: name, typeName: Self.managedTypeName, magic: MessageQueueLayout.tag, version: MessageQueueLayout.version,
            controlSize: control, bodySize: bodySize, operation: operation,
            initialize: { MessageQueueMapping.initialize($0, capacity: capacity, maximumSize: maximumSize) },
            ringBytes: { header in
                let capacity = Int(UInt32(littleEndian: header.load(fromByteOffset: MessageQueueLayout.capacityOffset, as: UInt32.self)))
                let size = Int(UInt32(littleEndian: header.load(fromByteOffset: MessageQueueLayout.maximumSizeOffset, as: UInt32.self)))
                guard MessageQueueLayout.capacityRange.contains(capacity), MessageQueueLayout.maximumSizeRange.contains(size) else { return nil }
                return UInt64(MessageQueueLayout.bodySize(capacity: capacity, maximumSize: size) - control)
            })
        self.init(mapping: try MessageQueueMapping(storage, operation: operation))
    }

    /// Removes the queue named `name` from `segment` and frees its block. Values still open on
    /// it, in any process, must be gone first (they would use freed memory).
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none; `wrongKind`.
    public static func remove(_ name: String, in segment: ManagedSegment) throws(InterprocessError) {
        try segment.removeContainer(name: name, typeName: managedTypeName, magic: MessageQueueLayout.tag, version: MessageQueueLayout.version,
                                    headerSize: MessageQueueLayout.orderOffset, operation: "remove queue '\(name)' from managed segment") { _ in [] }
    }
}
#endif
