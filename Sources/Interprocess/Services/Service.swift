#if os(Linux)
public import SystemPackage

/// A named publish/subscribe service: one ``Publisher`` hands samples to any number of
/// ``Subscriber``s (up to ``ServiceConfiguration/maximumSubscribers``), zero-copy — the
/// publisher writes a sample in place in a shared pool and every subscriber reads that same
/// memory, mapped read-only.
///
/// ```swift
/// // process A
/// let service = try Service(openOrCreate: "ticks", configuration: .init(payload: .value(Tick.self)))
/// var publisher = try Publisher(service: service)
/// try publisher.send(Tick(price: 101.5))
///
/// // any number of other processes
/// var subscriber = try Subscriber(service: Service(open: "ticks", timeout: .seconds(5)))
/// let tick = try subscriber.receive(as: Tick.self)
/// ```
///
/// A service value is copyable and `Sendable`; it and the endpoints made from it share one
/// mapping of the service's control segment.
public struct Service: Sendable {
    /// The control segment, shared with the endpoints.
    @usableFromInline let storage: ServiceStorage

    /// The segment kind of a service's control segment.
    public static let kind = SegmentKind.service

    /// Subscriber limits accepted (``ServiceConfiguration/maximumSubscribers``).
    public static let maximumSubscribersRange: ClosedRange<Int> = 1...1024
    /// Buffer capacities accepted (``ServiceConfiguration/bufferCapacity``).
    public static let bufferCapacityRange: ClosedRange<Int> = 1...65_536
    /// Per-subscriber loan limits accepted (``ServiceConfiguration/maximumLoansPerSubscriber``).
    public static let maximumLoansPerSubscriberRange: ClosedRange<Int> = 1...64
    /// Payload sizes accepted, in bytes (``PayloadType/size``): up to 1 GiB per sample.
    public static let maximumPayloadSizeRange: ClosedRange<Int> = 1...(1 << 30)
    /// The longest service name: a segment name's limit less room for the pool suffix.
    public static let maximumNameLength = SegmentName.maximumLength - 16

    /// The service's name.
    public var name: String { storage.name }
    /// The configuration stored in the service.
    public var configuration: ServiceConfiguration { storage.configuration }
    /// Whether this value created the service.
    public var wasCreated: Bool { storage.wasCreated }

    /// Creates a service. The name appears only once the service is whole.
    ///
    /// - Throws: `alreadyExists`, `invalidName`, `invalidArgument` (a configuration value out of
    ///   range, naming the field), `insufficientSpace`, `permissionDenied`.
    public init(
        create name: String, configuration: ServiceConfiguration,
        permissions: FilePermissions = .ownerReadWrite, lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        unimplementedService()
    }

    /// Opens an existing service.
    ///
    /// - Throws: `notFound` at once if there is none; `wrongKind`, `foreignSegment`, `corrupt`,
    ///   `incompatibleVersion` for a segment that is not a sound service.
    public init(open name: String) throws(InterprocessError) {
        unimplementedService()
    }

    /// Opens a service, waiting until `deadline` for it to appear.
    ///
    /// - Throws: `timedOut` if it did not appear in time; otherwise as ``init(open:)``.
    public init(open name: String, until deadline: Deadline) throws(InterprocessError) {
        unimplementedService()
    }

    /// Opens a service, waiting up to `timeout` for it to appear.
    public init(open name: String, timeout: Duration) throws(InterprocessError) {
        try self.init(open: name, until: .after(timeout))
    }

    /// Opens the service, or creates it if there is none; processes racing end with one service.
    ///
    /// - Throws: `incompatibleConfiguration` naming the first field that differs from the
    ///   existing service's; otherwise as ``init(create:configuration:permissions:lifetime:)``.
    public init(
        openOrCreate name: String, configuration: ServiceConfiguration,
        permissions: FilePermissions = .ownerReadWrite, lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        unimplementedService()
    }

    /// Removes the service's name and its pool segments. Processes that have it open keep
    /// working with what they mapped.
    ///
    /// - Throws: `notFound` if there is none; `wrongKind` for another kind of segment.
    public static func remove(_ name: String) throws(InterprocessError) {
        unimplementedService()
    }

    /// A snapshot of the service (see ``ServiceState``).
    public var state: ServiceState { unimplementedService() }

    /// A snapshot of every service in the shared-memory directory that can be opened, sorted
    /// by name (services that cannot be read are left out).
    public static func all() -> [ServiceState] { unimplementedService() }
}

/// The mapping of one service's control segment, shared by a ``Service`` value and the
/// endpoints made from it.
@usableFromInline
final class ServiceStorage: Sendable {
    let segment: Segment
    let configuration: ServiceConfiguration

    init(_ segment: consuming Segment, configuration: ServiceConfiguration) {
        self.segment = segment
        self.configuration = configuration
    }

    var name: String { segment.name.rawValue }
    var wasCreated: Bool { segment.memory.wasCreated }
}
#endif
