#if os(Linux)
/// A growable array of plain-data elements in a ``ManagedSegment``, under a name any attached
/// process finds it by.
///
/// ```swift
/// let segment = try ManagedSegment(openOrCreate: "telemetry", size: 1 << 20)
/// let samples = try SharedVector<Double>(openOrCreate: "samples", in: segment)
/// try samples.append(21.5)
/// let mean = try samples.withSpan { span in
///     (0..<span.count).reduce(0) { $0 + span[$1] } / Double(max(span.count, 1))
/// }
/// ```
///
/// Readers share a placed ``ProcessRWLock``; writers take its exclusive side. The elements live
/// in one heap block that grows by doubling (a copy into a new block, switched in with one store,
/// then the old one freed). Every change but ``updateElement(at:to:)`` is published with one
/// atomic store, so a writer killed at any point leaves the vector whole: what it half-did is
/// invisible, and it leaks at most one block. ``updateElement(at:to:)`` writes in place: killed
/// inside, it leaves that element torn. The layout is in `docs/FORMAT.md` ("Containers").
///
/// The handle is `Sendable`; share it between threads. It keeps `segment` alive. Removing the
/// vector (``remove(_:in:elementTypeName:)``) while other processes use it leaves their handles dangling, as
/// ``ManagedSegment/destroy(named:)`` does.
public final class SharedVector<Element: BitwiseCopyable>: Sendable {
    /// The header magic: "SVEC".
    static var magic: UInt32 { ContainerHeader.tag("SVEC") }
    /// The header layout version.
    static var version: UInt32 { 1 }

    let buffer: ContainerBuffer
    /// The vector's name in the segment.
    public let name: String
    /// The segment the vector lives in.
    public let segment: ManagedSegment
    /// Whether this handle created the vector.
    public let wasCreated: Bool

    /// The name the segment's directory records for a vector of `elementTypeName`.
    static func typeName(_ elementTypeName: String) -> String { "Interprocess.SharedVector<\(elementTypeName)>" }

    /// Creates an empty vector named `name` in `segment`.
    ///
    /// - Parameters:
    ///   - name: the vector's name in the segment's directory.
    ///   - segment: the managed segment it lives in.
    ///   - capacity: elements to allocate room for now (0: none until the first append).
    ///   - elementTypeName: the element type's identity together with its size and alignment;
    ///     by default `String(reflecting: Element.self)`. Every program that opens the vector
    ///     must use the same string (see ``ManagedSegment/construct(_:named:count:typeName:initializer:)``).
    /// - Throws: ``InterprocessError/Code/alreadyExists`` if an object has this name;
    ///   `invalidName`; `insufficientSpace` when the heap is full.
    public convenience init(create name: String, in segment: ManagedSegment, capacity: Int = 0,
                            elementTypeName: String = String(reflecting: Element.self)) throws(InterprocessError) {
        try self.init(.create, name: name, in: segment, capacity: capacity, elementTypeName: elementTypeName)
    }

    /// Opens the vector named `name` in `segment`, waiting until `deadline` for it to appear
    /// (default: now, so a missing one fails at once with ``InterprocessError/Code/notFound``);
    /// processes may start in any order.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none; `timedOut` if it did not
    ///   appear in time; `wrongKind` naming both types when it holds another element type (or is
    ///   another kind of object); `corrupt`.
    public convenience init(open name: String, in segment: ManagedSegment, until deadline: Deadline = .now,
                            elementTypeName: String = String(reflecting: Element.self)) throws(InterprocessError) {
        try self.init(.open(until: deadline), name: name, in: segment, capacity: 0, elementTypeName: elementTypeName)
    }

    /// Opens the vector named `name` in `segment`, waiting up to `timeout` for it to appear.
    public convenience init(open name: String, in segment: ManagedSegment, timeout: Duration,
                            elementTypeName: String = String(reflecting: Element.self)) throws(InterprocessError) {
        try self.init(.open(until: .after(timeout)), name: name, in: segment, capacity: 0, elementTypeName: elementTypeName)
    }

    /// Opens the vector named `name`, or creates it empty if there is none. Processes racing
    /// to do this end up with one vector.
    ///
    /// - Throws: as ``init(create:in:capacity:elementTypeName:)`` and ``init(open:in:until:elementTypeName:)``.
    public convenience init(openOrCreate name: String, in segment: ManagedSegment, capacity: Int = 0,
                            elementTypeName: String = String(reflecting: Element.self)) throws(InterprocessError) {
        try self.init(.openOrCreate, name: name, in: segment, capacity: capacity, elementTypeName: elementTypeName)
    }

    init(_ opening: ContainerOpening, name: String, in segment: ManagedSegment, capacity: Int, elementTypeName: String) throws(InterprocessError) {
        let stride = MemoryLayout<Element>.stride, alignment = MemoryLayout<Element>.alignment
        let described = "vector '\(name)'"
        let operation = "\(opening.verb) \(described)"
        guard capacity >= 0, stride > 0 else {
            throw InterprocessError(.invalidArgument, operation: operation, name: segment.name,
                                    reason: "the capacity must be at least 0 and the element type not empty (capacity \(capacity), stride \(stride))")
        }
        let (header, created) = try segment.containerHeader(
            opening, name: name, typeName: Self.typeName(elementTypeName), magic: Self.magic, version: Self.version,
            headerSize: ContainerBuffer.headerSize, operation: operation,
            initialize: { (header) throws(InterprocessError) in
                try ContainerBuffer.initialize(header, stride: stride, alignment: alignment, magic: Self.magic, version: Self.version)
                if capacity > 0 {
                    _ = try ContainerBuffer(segment: segment, header: header, stride: stride, alignment: alignment, described: described)
                        .reserve(capacity, operation: operation)
                }
            },
            validate: { (header) throws(InterprocessError) in
                try ContainerBuffer.validate(header, stride: stride, alignment: alignment, described: described, segment: segment.name)
            },
            discard: { header in for block in ContainerBuffer.blocksForRemoval(header) where !block.isNull { try? segment.deallocate(block) } })
        self.buffer = try ContainerBuffer(segment: segment, header: header, stride: stride, alignment: alignment, described: described)
        self.name = name
        self.segment = segment
        self.wasCreated = created
    }

    /// Removes the vector named `name` from `segment` and frees its memory.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none; `wrongKind` when the name
    ///   holds something else.
    public static func remove(_ name: String, in segment: ManagedSegment,
                              elementTypeName: String = String(reflecting: Element.self)) throws(InterprocessError) {
        try segment.removeContainer(name: name, typeName: typeName(elementTypeName), magic: magic, version: version,
                                    headerSize: ContainerBuffer.headerSize, operation: "remove vector '\(name)'",
                                    blocks: ContainerBuffer.blocksForRemoval)
    }

    /// The number of elements now.
    public var count: Int {
        get throws(InterprocessError) { try buffer.withShared(operation: "count shared vector") { $0.count / buffer.stride } }
    }

    /// Whether the vector is empty now.
    public var isEmpty: Bool { get throws(InterprocessError) { try count == 0 } }

    /// The elements the storage block holds room for.
    public var capacity: Int {
        get throws(InterprocessError) {
            let operation = "read shared vector"
            return try buffer.withShared(operation: operation) { (_) throws(InterprocessError) in try buffer.block(operation: operation)?.capacity ?? 0 }
        }
    }

    /// Appends `element`: written, then published with one store of the count.
    public func append(_ element: Element) throws(InterprocessError) {
        let operation = "append to shared vector"
        try buffer.withExclusive(operation: operation) { () throws(InterprocessError) in
            try buffer.append(1, operation: operation) { $0.storeBytes(of: element, as: Element.self) }
        }
    }

    /// Appends `elements` all at once: other processes see none of them or all of them.
    public func append(contentsOf elements: some Collection<Element>) throws(InterprocessError) {
        let operation = "append to shared vector"
        let count = elements.count
        try buffer.withExclusive(operation: operation) { () throws(InterprocessError) in
            try buffer.append(count, operation: operation) { bytes in
                var offset = 0
                for element in elements.prefix(count) {
                    bytes.storeBytes(of: element, toByteOffset: offset, as: Element.self)
                    offset += MemoryLayout<Element>.stride
                }
            }
        }
    }

    /// The element at `index`.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for an index outside `0..<count`.
    public func element(at index: Int) throws(InterprocessError) -> Element {
        let operation = "read shared vector"
        return try buffer.withShared(operation: operation) { (bytes) throws(InterprocessError) -> Element in
            let count = bytes.count / MemoryLayout<Element>.stride
            guard index >= 0, index < count else { throw buffer.outOfRange(index, count: count, operation: operation) }
            return bytes.loadUnaligned(fromByteOffset: index * MemoryLayout<Element>.stride, as: Element.self)
        }
    }

    /// Overwrites the element at `index` in place. Not atomic for elements wider than 8 bytes: a
    /// writer killed inside leaves this element torn (readers holding the shared side never see
    /// it half-written while the writer lives).
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for an index outside `0..<count`.
    public func updateElement(at index: Int, to element: Element) throws(InterprocessError) {
        let operation = "update shared vector"
        try buffer.withExclusive(operation: operation) { () throws(InterprocessError) in
            try buffer.write(at: index, operation: operation) { $0.storeBytes(of: element, as: Element.self) }
        }
    }

    /// Removes and returns the last element, or nil when the vector is empty.
    @discardableResult
    public func removeLast() throws(InterprocessError) -> Element? {
        let operation = "remove from shared vector"
        return try buffer.withExclusive(operation: operation) { () throws(InterprocessError) -> Element? in
            var last: Element?
            _ = try buffer.removeLast(1, operation: operation) { last = $0.loadUnaligned(as: Element.self) }
            return last
        }
    }

    /// Removes every element; frees the storage block unless `keepingCapacity`.
    public func removeAll(keepingCapacity: Bool = false) throws(InterprocessError) {
        let operation = "empty shared vector"
        try buffer.withExclusive(operation: operation) { () throws(InterprocessError) in
            try buffer.removeAll(keepingCapacity: keepingCapacity, operation: operation)
        }
    }

    /// Makes room for at least `capacity` elements without further growth.
    public func reserveCapacity(_ capacity: Int) throws(InterprocessError) {
        let operation = "reserve capacity in shared vector"
        try buffer.withExclusive(operation: operation) { () throws(InterprocessError) in
            _ = try buffer.reserve(max(capacity, 0), operation: operation)
        }
    }

    /// Calls `body` with the elements, read in place (no copy) while holding the shared side of
    /// the lock: writers wait until `body` returns, readers don't.
    ///
    /// ```swift
    /// let total = try vector.withSpan { span in (0..<span.count).reduce(0) { $0 + span[$1] } }
    /// ```
    public func withSpan<R>(_ body: (Span<Element>) throws(InterprocessError) -> R) throws(InterprocessError) -> R {
        try buffer.withShared(operation: "read shared vector") { (bytes) throws(InterprocessError) -> R in
            let elements = UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: Element.self),
                                               count: bytes.count / MemoryLayout<Element>.stride)
            return try body(elements.span)
        }
    }

    /// A copy of the elements as they are now: an `Array`, for Swift's collection algorithms.
    public var elements: [Element] {
        get throws(InterprocessError) {
            try withSpan { span in (0..<span.count).map { span[$0] } }
        }
    }
}
#endif
