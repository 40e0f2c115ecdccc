#if os(Linux)
public import SystemPackage
public import Synchronization

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
    public static let maximumNameLength = SegmentName.maximumLength - 24

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
        let operation = "create service"
        try configuration.validate(operation: operation, name: name)
        try Service.validateName(name, operation: operation)
        let geometry = ServiceGeometry(configuration)
        let segment: Segment
        do throws(InterprocessError) {
            segment = try Segment(create: name, kind: Service.kind, kindVersion: ServiceLayout.version,
                                  bodySize: geometry.bodySize, permissions: permissions, lifetime: lifetime) { body in
                ServiceStorage.initialize(body.baseAddress!, configuration: configuration, geometry: geometry,
                                          poolMode: UInt32(permissions.rawValue))
            }
        } catch {
            throw error.reported(as: operation)
        }
        storage = try ServiceStorage(segment, lifetime: lifetime, operation: operation)
    }

    /// Opens an existing service.
    ///
    /// - Throws: `notFound` at once if there is none; `wrongKind`, `foreignSegment`, `corrupt`,
    ///   `incompatibleVersion` for a segment that is not a sound service.
    public init(open name: String) throws(InterprocessError) {
        try self.init(open: name, until: .now)
    }

    /// Opens a service, waiting until `deadline` for it to appear.
    ///
    /// - Throws: `timedOut` if it did not appear in time; otherwise as ``init(open:)``.
    public init(open name: String, until deadline: Deadline) throws(InterprocessError) {
        let operation = "open service"
        let segment: Segment
        do throws(InterprocessError) {
            try Service.validateName(name, operation: operation)
            segment = try Segment(open: name, kind: Service.kind, kindVersion: ServiceLayout.version, until: deadline)
        } catch {
            throw error.reported(as: operation)
        }
        storage = try ServiceStorage(segment, lifetime: .persistent, operation: operation)
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
        let operation = "open or create service"
        try configuration.validate(operation: operation, name: name)
        self = try CreateOrOpen.run(operation: operation) { () throws(InterprocessError) in
            try Service(create: name, configuration: configuration, permissions: permissions, lifetime: lifetime)
        } open: { () throws(InterprocessError) in
            try Service(open: name)
        }
        if let difference = self.configuration.firstDifference(from: configuration) {
            throw InterprocessError(.incompatibleConfiguration, operation: operation, name: name,
                                    reason: "it exists with another configuration (existing vs requested) — \(difference)")
        }
    }

    /// Removes the service's name and its pool segments. Processes that have it open keep
    /// working with what they mapped.
    ///
    /// - Throws: `notFound` if there is none; `wrongKind` for another kind of segment.
    public static func remove(_ name: String) throws(InterprocessError) {
        // The pools are named after the instance: read its number first (a control segment that
        // cannot be read leaves its pools to `interprocess gc`; one without a whole header is
        // not opened, which would wait 2 s for a creator that may have died before writing it).
        let nonce = Segment.hasValidHeader(name) ? (try? Service(open: name))?.storage.poolNonce : nil
        try Segment.remove(name, kind: .service, operation: "remove service")
        if let nonce { SamplePool.removeAll(of: name, nonce: nonce) }
    }

    /// Throws `invalidName` for a name too long to leave room for the pool suffix.
    static func validateName(_ name: String, operation: String) throws(InterprocessError) {
        _ = try SegmentName(name)
        guard name.utf8.count <= maximumNameLength else {
            throw InterprocessError(.invalidName, operation: operation, name: name,
                                    reason: "a service name has at most \(maximumNameLength) bytes, to leave room for its pools' suffix (got \(name.utf8.count))")
        }
    }
}

/// The mapping of one service's control segment, validated, shared by a ``Service`` value and
/// the endpoints made from it (which copy the raw pointers they use out of it).
@usableFromInline
final class ServiceStorage: @unchecked Sendable {
    // @unchecked: immutable after init; the pointers are into the mapping `segment` keeps
    // alive, and every access through them is atomic or part of the protocol in docs/FORMAT.md.
    let segment: Segment
    let configuration: ServiceConfiguration
    let geometry: ServiceGeometry
    /// The permission bits pool segments are created with.
    let poolMode: UInt32
    /// The random number in this service instance's pool names.
    let poolNonce: UInt32
    let lifetime: Lifetime
    @usableFromInline let base: UnsafeMutableRawPointer

    init(_ segment: consuming Segment, lifetime: Lifetime, operation: String) throws(InterprocessError) {
        let body = segment.body
        let (configuration, geometry, poolMode, poolNonce) = try ServiceStorage.readConfiguration(
            body, name: segment.name.rawValue, operation: operation)
        self.base = body.baseAddress!
        self.configuration = configuration
        self.geometry = geometry
        self.poolMode = poolMode
        self.poolNonce = poolNonce
        self.lifetime = lifetime
        self.segment = segment
    }

    deinit {
        // The control segment's name went with the creator's handle; its pools go too.
        if lifetime == .removedWhenCreatorCloses && segment.wasCreated { SamplePool.removeAll(of: name, nonce: poolNonce) }
    }

    @usableFromInline var name: String { segment.name.rawValue }
    var wasCreated: Bool { segment.memory.wasCreated }

    /// The atomic 64-bit word at `offset` in the body.
    @usableFromInline func word64(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (base + offset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// The atomic 32-bit word at `offset` in the body.
    @usableFromInline func word32(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (base + offset).assumingMemoryBound(to: Atomic<UInt32>.self)
    }

    /// Slot record `index` (ring entry `index` and the state of slot `index`).
    func record(_ index: Int) -> UnsafeMutableRawPointer {
        base + ServiceLayout.recordsOffset + index * geometry.recordStride
    }

    /// Subscriber entry `index`.
    func subscriberEntry(_ index: Int) -> UnsafeMutableRawPointer {
        base + geometry.subscribersOffset + index * ServiceLayout.subscriberEntrySize
    }

    /// The generation table entry of `generation`.
    func generationEntry(_ generation: Int) -> UnsafeMutableRawPointer {
        base + ServiceLayout.generationTableOffset + generation * ServiceLayout.generationEntrySize
    }

    /// Parking for subscribers waiting for a publication.
    var publicationParking: FutexParking {
        FutexParking(word: word32(ServiceLayout.publicationWordOffset), waiters: word32(ServiceLayout.publicationWaitersOffset))
    }

    /// Parking for the publisher waiting for `.block` subscribers.
    var progressParking: FutexParking {
        FutexParking(word: word32(ServiceLayout.progressWordOffset), waiters: word32(ServiceLayout.progressWaitersOffset),
                     sleepers: .single)
    }
}
#endif
