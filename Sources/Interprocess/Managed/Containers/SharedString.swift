#if os(Linux)
/// A byte string (UTF-8 text or any bytes) in a ``ManagedSegment``, under a name any attached
/// process finds it by.
///
/// ```swift
/// let status = try SharedString(openOrCreate: "status", in: segment)
/// try status.set("starting")
/// try status.append(" — ready")
/// print(try status.value)          // "starting — ready"
/// ```
///
/// Built as ``SharedVector`` is (a placed ``ProcessRWLock``, one heap block, changes published
/// with one store): a writer killed inside ``set(_:)`` or ``append(_:)`` leaves the old or the new
/// text, never a mix, and leaks at most one block. The layout is in `docs/FORMAT.md` ("Containers").
public final class SharedString: Sendable {
    /// The header magic: "SSTR".
    static var magic: UInt32 { ContainerHeader.tag("SSTR") }
    /// The header layout version.
    static var version: UInt32 { 1 }
    /// The name the segment's directory records for a string.
    static let typeName = "Interprocess.SharedString"

    let buffer: ContainerBuffer
    /// The string's name in the segment.
    public let name: String
    /// The segment the string lives in.
    public let segment: ManagedSegment
    /// Whether this handle created the string.
    public let wasCreated: Bool

    /// Creates the string `name` in `segment`, holding `initialValue`.
    ///
    /// - Throws: ``InterprocessError/Code/alreadyExists`` if an object has this name;
    ///   `invalidName`; `insufficientSpace` when the heap is full.
    public convenience init(create name: String, in segment: ManagedSegment, initialValue: String = "") throws(InterprocessError) {
        try self.init(.create, name: name, in: segment, initialValue: initialValue)
    }

    /// Opens the string `name` in `segment`, waiting until `deadline` for it to appear
    /// (default: now, so a missing one fails at once with ``InterprocessError/Code/notFound``);
    /// processes may start in any order.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none; `timedOut` if it did not
    ///   appear in time; `wrongKind` when the name holds another kind of object; `corrupt`.
    public convenience init(open name: String, in segment: ManagedSegment, until deadline: Deadline = .now) throws(InterprocessError) {
        try self.init(.open(until: deadline), name: name, in: segment, initialValue: "")
    }

    /// Opens the string `name` in `segment`, waiting up to `timeout` for it to appear.
    public convenience init(open name: String, in segment: ManagedSegment, timeout: Duration) throws(InterprocessError) {
        try self.init(.open(until: .after(timeout)), name: name, in: segment, initialValue: "")
    }

    /// Opens the string `name`, or creates it holding `initialValue` if there is none.
    ///
    /// - Throws: as ``init(create:in:initialValue:)`` and ``init(open:in:until:)``.
    public convenience init(openOrCreate name: String, in segment: ManagedSegment, initialValue: String = "") throws(InterprocessError) {
        try self.init(.openOrCreate, name: name, in: segment, initialValue: initialValue)
    }

    init(_ opening: ContainerOpening, name: String, in segment: ManagedSegment, initialValue: String) throws(InterprocessError) {
        let described = "string '\(name)'"
        let operation = "\(opening.verb) \(described)"
        let (header, created) = try segment.containerHeader(
            opening, name: name, typeName: Self.typeName, magic: Self.magic, version: Self.version,
            headerSize: ContainerBuffer.headerSize, operation: operation,
            initialize: { (header) throws(InterprocessError) in
                try ContainerBuffer.initialize(header, stride: 1, alignment: 1, magic: Self.magic, version: Self.version)
                let bytes = Array(initialValue.utf8)
                try ContainerBuffer(segment: segment, header: header, stride: 1, alignment: 1, described: described)
                    .append(bytes.count, operation: operation) { $0.copyBytes(from: bytes) }
            },
            validate: { (header) throws(InterprocessError) in
                try ContainerBuffer.validate(header, stride: 1, alignment: 1, described: described, segment: segment.name)
            },
            discard: { header in for block in ContainerBuffer.blocksForRemoval(header) where !block.isNull { try? segment.deallocate(block) } })
        self.buffer = try ContainerBuffer(segment: segment, header: header, stride: 1, alignment: 1, described: described)
        self.name = name
        self.segment = segment
        self.wasCreated = created
    }

    /// Removes the string `name` from `segment` and frees its memory.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none; `wrongKind` when the name
    ///   holds something else.
    public static func remove(_ name: String, in segment: ManagedSegment) throws(InterprocessError) {
        try segment.removeContainer(name: name, typeName: typeName, magic: magic, version: version,
                                    headerSize: ContainerBuffer.headerSize, operation: "remove string '\(name)'",
                                    blocks: ContainerBuffer.blocksForRemoval)
    }

    /// The text now, decoded as UTF-8 (invalid bytes become U+FFFD).
    public var value: String {
        get throws(InterprocessError) { try withBytes { bytes in String(decoding: bytes, as: UTF8.self) } }
    }

    /// The length in bytes.
    public var byteCount: Int {
        get throws(InterprocessError) { try buffer.withShared(operation: "read shared string") { $0.count } }
    }

    /// Replaces the text with `string`: a new block, switched in with one store.
    public func set(_ string: String) throws(InterprocessError) {
        try set(bytes: string.utf8)
    }

    /// Replaces the contents with `bytes`.
    public func set(bytes: some Collection<UInt8>) throws(InterprocessError) {
        let operation = "set shared string"
        let count = bytes.count
        try buffer.withExclusive(operation: operation) { () throws(InterprocessError) in
            try buffer.replace(count, operation: operation) { target in target.copyBytes(from: bytes.prefix(count)) }
        }
    }

    /// Appends `string`'s UTF-8 bytes, published with one store of the length.
    public func append(_ string: String) throws(InterprocessError) {
        try append(bytes: string.utf8)
    }

    /// Appends `bytes`, published with one store of the length.
    public func append(bytes: some Collection<UInt8>) throws(InterprocessError) {
        let operation = "append to shared string"
        let count = bytes.count
        try buffer.withExclusive(operation: operation) { () throws(InterprocessError) in
            try buffer.append(count, operation: operation) { target in target.copyBytes(from: bytes.prefix(count)) }
        }
    }

    /// Empties the string and frees its block.
    public func removeAll() throws(InterprocessError) {
        let operation = "empty shared string"
        try buffer.withExclusive(operation: operation) { () throws(InterprocessError) in
            try buffer.removeAll(keepingCapacity: false, operation: operation)
        }
    }

    /// Calls `body` with the bytes, read in place (no copy) while holding the shared side of the
    /// lock: writers wait until `body` returns.
    ///
    /// ```swift
    /// let isReady = try status.withBytes { $0.starts(with: "ready".utf8) }
    /// ```
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(InterprocessError) -> R) throws(InterprocessError) -> R {
        try buffer.withShared(operation: "read shared string", body)
    }

    /// Calls `body` with the bytes as a `RawSpan`, read in place while holding the shared side.
    public func withRawSpan<R>(_ body: (RawSpan) throws(InterprocessError) -> R) throws(InterprocessError) -> R {
        try buffer.withShared(operation: "read shared string") { (bytes) throws(InterprocessError) -> R in try body(bytes.bytes) }
    }
}
#endif
