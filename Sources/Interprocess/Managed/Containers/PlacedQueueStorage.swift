#if os(Linux)
extension ManagedSegment {
    /// The body of a queue placed in this segment under `name` (``SPSCQueue`` or
    /// ``MPMCQueue``): its block found or made as a container's header, then its extent checked.
    ///
    /// - Parameters:
    ///   - controlSize: the queue's control words, before its ring.
    ///   - bodySize: the whole body a new queue takes (control words and ring).
    ///   - initialize: writes a new queue's words into its zero-filled body.
    ///   - ringBytes: the ring's size in bytes as the queue's own words give it, or nil when
    ///     they are out of range (the body is shared memory: any process may have written it).
    func placedQueueStorage(
        _ opening: ContainerOpening, name: String, typeName: String, magic: UInt32, version: UInt32,
        controlSize: Int, bodySize: Int, operation: String,
        initialize: (UnsafeMutableRawPointer) -> Void,
        ringBytes: (UnsafeMutableRawPointer) -> UInt64?
    ) throws(InterprocessError) -> QueueStorage {
        let (header, created) = try containerHeader(
            opening, name: name, typeName: typeName, magic: magic, version: version,
            // An existing queue is checked for its control words only (its own words give its
            // ring), so one of another size is told apart by the caller, not called corrupt.
            headerSize: controlSize, newSize: bodySize, operation: operation,
            initialize: { (base) throws(InterprocessError) in
                base.initializeMemory(as: UInt8.self, repeating: 0, count: bodySize)
                initialize(base)
            },
            validate: { _ in },
            discard: { _ in })
        // The queue's mapping checks the rest of its words once the whole body is known to lie
        // inside the heap.
        guard let ring = ringBytes(header), ring <= UInt64(Int.max / 2), let start = offset(of: header),
              let body = try? pointer(at: start, byteCount: controlSize + Int(ring))
        else {
            throw InterprocessError(.corrupt, operation: operation, name: self.name,
                                    reason: "queue '\(name)' claims a ring past the heap")
        }
        return QueueStorage(placedIn: self, name: name,
                            body: UnsafeMutableRawBufferPointer(start: body, count: controlSize + Int(ring)), wasCreated: created)
    }
}
#endif
