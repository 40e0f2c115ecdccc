#if os(Linux)
public import SystemPackage

/// A named request/response service: any number of ``Client``s (up to
/// ``RequestResponseConfiguration/maximumClients``) send requests to one ``Server``, which
/// answers each with one response or a stream of them. Zero-copy: a client writes its request
/// in place in shared memory, the server reads it there and writes its responses in place too.
///
/// ```swift
/// // the server process
/// let service = try RequestResponseService(openOrCreate: "square", configuration: .init())
/// var server = try Server(service: service)
/// while true {
///     var request = try server.receive()
///     let x = try request.load(as: Int.self)
///     try request.respond(x * x)
/// }
///
/// // any number of client processes, started in any order
/// var client = try Client(open: "square", timeout: .seconds(5))
/// let square = try await client.request(12, as: Int.self)   // 144
/// ```
///
/// A service value is copyable and `Sendable`; it and the endpoints made from it share one
/// mapping. A server or a client that dies is noticed by the other side (pid and start time):
/// a dead client's seat and pending responses are reclaimed, and a dead server turns every
/// request waiting on it into ``InterprocessError/Code/peerDied`` at once; a new server takes
/// the dead one's place.
public struct RequestResponseService: Sendable {
    /// The mapping, shared with the endpoints.
    let storage: RequestResponseStorage

    /// The segment kind of a request/response service.
    public static let kind = SegmentKind.requestResponse

    /// Request and response sizes accepted, in bytes (up to 16 MiB).
    public static let messageSizeRange: ClosedRange<Int> = 1...(16 << 20)
    /// Client limits accepted (``RequestResponseConfiguration/maximumClients``).
    public static let maximumClientsRange: ClosedRange<Int> = 1...4096
    /// Requests in flight per client accepted (``RequestResponseConfiguration/requestsInFlightPerClient``).
    public static let requestsInFlightRange: ClosedRange<Int> = 1...64
    /// Buffered responses per request accepted (``RequestResponseConfiguration/responsesPerRequest``).
    public static let responsesPerRequestRange: ClosedRange<Int> = 1...1024
    /// The largest segment body a configuration may need: 16 GiB.
    public static let maximumBodySize = 1 << 34

    /// The service's name.
    public var name: String { storage.name }
    /// The configuration stored in the service.
    public var configuration: RequestResponseConfiguration { storage.configuration }
    /// Whether this value created the service.
    public var wasCreated: Bool { storage.segment.memory.wasCreated }

    /// Creates a service. The name appears only once the service is whole.
    ///
    /// - Throws: `alreadyExists`, `invalidName`, `invalidArgument` (a configuration value out of
    ///   range, naming the field), `insufficientSpace`, `permissionDenied`.
    public init(
        create name: String, configuration: RequestResponseConfiguration,
        permissions: FilePermissions = .ownerReadWrite, lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        let operation = "create request-response service"
        try configuration.validate(operation: operation, name: name)
        let geometry = RequestResponseGeometry(configuration)
        let segment: Segment
        do throws(InterprocessError) {
            segment = try Segment(create: name, kind: Self.kind, kindVersion: RequestResponseLayout.version,
                                  bodySize: geometry.bodySize, permissions: permissions, lifetime: lifetime) { body in
                RequestResponseStorage.initialize(body.baseAddress!, configuration: configuration, geometry: geometry)
            }
        } catch {
            throw error.reported(as: operation)
        }
        storage = try RequestResponseStorage(segment, operation: operation)
    }

    /// Opens an existing service.
    ///
    /// - Throws: `notFound` at once if there is none; `wrongKind`, `foreignSegment`, `corrupt`,
    ///   `incompatibleVersion` for a segment that is not a sound request/response service.
    public init(open name: String) throws(InterprocessError) {
        try self.init(open: name, until: .now)
    }

    /// Opens a service, waiting until `deadline` for it to appear.
    ///
    /// - Throws: `timedOut` if it did not appear in time; otherwise as ``init(open:)``.
    public init(open name: String, until deadline: Deadline) throws(InterprocessError) {
        let operation = "open request-response service"
        let segment: Segment
        do throws(InterprocessError) {
            segment = try Segment(open: name, kind: Self.kind, kindVersion: RequestResponseLayout.version, until: deadline)
        } catch {
            throw error.reported(as: operation)
        }
        storage = try RequestResponseStorage(segment, operation: operation)
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
        openOrCreate name: String, configuration: RequestResponseConfiguration,
        permissions: FilePermissions = .ownerReadWrite, lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        let operation = "open or create request-response service"
        try configuration.validate(operation: operation, name: name)
        self = try CreateOrOpen.run(operation: operation) { () throws(InterprocessError) in
            try RequestResponseService(create: name, configuration: configuration, permissions: permissions, lifetime: lifetime)
        } open: { () throws(InterprocessError) in
            try RequestResponseService(open: name)
        }
        if let difference = self.configuration.firstDifference(from: configuration) {
            throw InterprocessError(.incompatibleConfiguration, operation: operation, name: name,
                                    reason: "it exists with another configuration (existing vs requested) — \(difference)")
        }
    }

    /// Removes the service's name. Processes that have it open keep working with what they mapped.
    ///
    /// - Throws: `notFound` if there is none; `wrongKind` for another kind of segment.
    public static func remove(_ name: String) throws(InterprocessError) {
        try Segment.remove(name, kind: kind, operation: "remove request-response service")
    }
}
#endif
