#if os(Linux)
/// What a publish/subscribe ``Service`` carries and how it treats slow subscribers: stored in
/// the service's shared memory when it is created, and compared field by field when it is
/// opened with a configuration (``Service/init(openOrCreate:configuration:permissions:lifetime:)``).
///
/// ```swift
/// let configuration = ServiceConfiguration(payload: .bytes(maximumSize: 8 << 20),
///                                          maximumSubscribers: 256, bufferCapacity: 64, history: 8)
/// let service = try Service(openOrCreate: "camera-frames", configuration: configuration)
/// ```
public struct ServiceConfiguration: Sendable, Hashable, Codable {
    /// What a sample holds: bytes up to a maximum size, or one fixed-size value.
    public var payload: PayloadType
    /// How many subscribers may be attached at once, in ``Service/maximumSubscribersRange``.
    public var maximumSubscribers: Int
    /// How many of the latest samples stay readable for a subscriber that lags behind, in
    /// ``Service/bufferCapacityRange``. A `.dropOldest` subscriber further behind misses the
    /// oldest ones (and is told how many); the publisher waits for a `.block` subscriber that is
    /// this far behind.
    public var bufferCapacity: Int
    /// How many of the latest samples a subscriber that joins late receives first: from 0 to
    /// ``bufferCapacity``.
    public var history: Int
    /// How many samples one subscriber may hold at once (received and not yet released), in
    /// ``Service/maximumLoansPerSubscriberRange``. The pool is sized so that subscribers holding
    /// this many each never starve the publisher.
    public var maximumLoansPerSubscriber: Int
    /// What a subscriber does when it falls a full buffer behind, unless it chooses otherwise
    /// when it attaches.
    public var overrunPolicy: OverrunPolicy

    /// A configuration; every value is checked when a service is created with it.
    public init(
        payload: PayloadType = .bytes(maximumSize: 1 << 20),
        maximumSubscribers: Int = 16,
        bufferCapacity: Int = 16,
        history: Int = 0,
        maximumLoansPerSubscriber: Int = 2,
        overrunPolicy: OverrunPolicy = .dropOldest
    ) {
        self.payload = payload
        self.maximumSubscribers = maximumSubscribers
        self.bufferCapacity = bufferCapacity
        self.history = history
        self.maximumLoansPerSubscriber = maximumLoansPerSubscriber
        self.overrunPolicy = overrunPolicy
    }

    /// Throws `invalidArgument`, naming the field and the range, for a value out of range.
    func validate(operation: String, name: String) throws(InterprocessError) {
        func check(_ value: Int, _ range: ClosedRange<Int>, _ field: String) throws(InterprocessError) {
            guard range.contains(value) else {
                throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                        reason: "\(field) must be in \(range.lowerBound)...\(range.upperBound) (got \(value))")
            }
        }
        try payload.validate(operation: operation, name: name)
        try check(maximumSubscribers, Service.maximumSubscribersRange, "maximumSubscribers")
        try check(bufferCapacity, Service.bufferCapacityRange, "bufferCapacity")
        try check(history, 0...bufferCapacity, "history")
        try check(maximumLoansPerSubscriber, Service.maximumLoansPerSubscriberRange, "maximumLoansPerSubscriber")
    }

    /// The first field in which `other` differs from this configuration, as "field: a vs b"
    /// (this configuration's value first), or nil when they are the same.
    func firstDifference(from other: ServiceConfiguration) -> String? {
        if payload.typeName != other.payload.typeName { return "payload type: '\(payload.typeName)' vs '\(other.payload.typeName)'" }
        if payload.isFixedSize != other.payload.isFixedSize { return "payload kind: \(payload.kindName) vs \(other.payload.kindName)" }
        if payload.size != other.payload.size { return "payload size: \(payload.size) vs \(other.payload.size)" }
        if payload.alignment != other.payload.alignment { return "payload alignment: \(payload.alignment) vs \(other.payload.alignment)" }
        if maximumSubscribers != other.maximumSubscribers { return "maximumSubscribers: \(maximumSubscribers) vs \(other.maximumSubscribers)" }
        if bufferCapacity != other.bufferCapacity { return "bufferCapacity: \(bufferCapacity) vs \(other.bufferCapacity)" }
        if history != other.history { return "history: \(history) vs \(other.history)" }
        if maximumLoansPerSubscriber != other.maximumLoansPerSubscriber {
            return "maximumLoansPerSubscriber: \(maximumLoansPerSubscriber) vs \(other.maximumLoansPerSubscriber)"
        }
        if overrunPolicy != other.overrunPolicy { return "overrunPolicy: \(overrunPolicy) vs \(other.overrunPolicy)" }
        return nil
    }
}

/// What the samples of a ``Service`` hold.
public struct PayloadType: Sendable, Hashable, Codable {
    /// The name that identifies the payload type: "bytes" for byte samples, the Swift type's
    /// name (or the name the caller gave) for a value. Compared when a service is opened, so that
    /// a subscriber cannot read a service's samples as another type of the same size.
    public var typeName: String
    /// For bytes: the largest sample, in bytes (the pool grows up to it on demand). For a
    /// value: its size, which every sample has.
    public var size: Int
    /// The alignment a payload starts at, in bytes (a power of two, at most 4096).
    public var alignment: Int
    /// Whether every sample has exactly ``size`` bytes (a value) rather than up to it (bytes).
    public var isFixedSize: Bool

    /// The largest `typeName` accepted, in UTF-8 bytes.
    public static let maximumTypeNameLength = 64

    /// Byte samples of any size from 0 to `maximumSize` (in ``Service/maximumPayloadSizeRange``).
    /// The pool starts small and grows as larger samples are sent.
    public static func bytes(maximumSize: Int) -> PayloadType {
        PayloadType(typeName: "bytes", size: maximumSize, alignment: 8, isFixedSize: false)
    }

    /// Samples that each hold one `Value`. `name` identifies the type across processes; by
    /// default the Swift type's name (`String(reflecting:)`), which two programs share when they
    /// use the same module for the type.
    public static func value<Value: InterprocessValue>(_ type: Value.Type, name: String? = nil) -> PayloadType {
        PayloadType(typeName: name ?? String(reflecting: type), size: MemoryLayout<Value>.size,
                    alignment: max(8, MemoryLayout<Value>.alignment), isFixedSize: true)
    }

    /// A payload type from its stored fields (what ``ServiceState`` reports).
    public init(typeName: String, size: Int, alignment: Int, isFixedSize: Bool) {
        self.typeName = typeName
        self.size = size
        self.alignment = alignment
        self.isFixedSize = isFixedSize
    }

    var kindName: String { isFixedSize ? "value" : "bytes" }

    func validate(operation: String, name: String) throws(InterprocessError) {
        func invalid(_ reason: String) -> InterprocessError {
            InterprocessError(.invalidArgument, operation: operation, name: name, reason: reason)
        }
        let range = Service.maximumPayloadSizeRange
        guard range.contains(size) else {
            throw invalid("the payload size must be in \(range.lowerBound)...\(range.upperBound) (got \(size))")
        }
        guard alignment > 0, alignment & (alignment - 1) == 0, alignment <= 4096 else {
            throw invalid("the payload alignment must be a power of two up to 4096 (got \(alignment))")
        }
        guard !typeName.isEmpty, typeName.utf8.count <= PayloadType.maximumTypeNameLength else {
            throw invalid("the payload type name must have 1 to \(PayloadType.maximumTypeNameLength) UTF-8 bytes (got \(typeName.utf8.count))")
        }
    }
}

/// What happens when a subscriber falls a full buffer (``ServiceConfiguration/bufferCapacity``)
/// behind the publisher.
public enum OverrunPolicy: String, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The publisher never waits: the subscriber misses the oldest samples, and learns exactly
    /// how many from the sequence numbers (``ReceivedSample/missedBefore``,
    /// ``Subscriber/missedCount``).
    case dropOldest
    /// Back-pressure: the publisher waits (within its deadline) until the subscriber has read
    /// enough. A dead subscriber never holds the publisher back.
    case block

    /// The policy's name.
    public var description: String { rawValue }
}
#endif
