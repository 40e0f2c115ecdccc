#if os(Linux)
public import SystemPackage
import Synchronization

/// A named event service: ``Notifier``s signal event ids, and every ``Listener`` attached takes
/// the ids notified since its last wait. Listeners plug into a ``WaitSet``, so one thread can
/// serve hundreds of services.
///
/// ```swift
/// // process A
/// let service = try EventService(openOrCreate: "jobs", configuration: .init(maximumEventID: 15))
/// var listener = try Listener(service: service)
/// for id in try listener.wait(timeout: .seconds(5)) { print("event", id) }
///
/// // process B
/// let notifier = try Notifier(service: EventService(open: "jobs", timeout: .seconds(5)))
/// try notifier.notify(3)
/// ```
///
/// No id is ever lost: a notification sets the id's bit in each listener's pending words in
/// shared memory, and a wait takes them all. Notifications of one id between two waits
/// coalesce into one. A service value is copyable and `Sendable`; it and its endpoints share one
/// mapping.
public struct EventService: Sendable {
    @usableFromInline let storage: EventServiceStorage

    /// The segment kind of an event service.
    public static let kind = SegmentKind.eventService

    /// Largest event ids accepted (``EventServiceConfiguration/maximumEventID``): up to 4,095.
    public static let maximumEventIDRange: ClosedRange<Int> = 0...4095
    /// Listener limits accepted (``EventServiceConfiguration/maximumListeners``).
    public static let maximumListenersRange: ClosedRange<Int> = 1...4096
    /// Notifier limits accepted (``EventServiceConfiguration/maximumNotifiers``).
    public static let maximumNotifiersRange: ClosedRange<Int> = 1...4096

    /// The service's name.
    public var name: String { storage.name }
    /// The configuration stored in the service.
    public var configuration: EventServiceConfiguration { storage.configuration }
    /// Whether this value created the service.
    public var wasCreated: Bool { storage.segment.wasCreated }

    /// Creates an event service. The name appears only once the service is whole.
    ///
    /// - Throws: `alreadyExists`, `invalidName`, `invalidArgument` (a configuration value out of
    ///   range, naming the field), `insufficientSpace`, `permissionDenied`.
    public init(
        create name: String, configuration: EventServiceConfiguration,
        permissions: FilePermissions = .ownerReadWrite, lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        let operation = "create event service"
        try configuration.validate(operation: operation, name: name)
        let geometry = EventServiceGeometry(configuration)
        let segment: Segment
        do throws(InterprocessError) {
            segment = try Segment(create: name, kind: EventService.kind, kindVersion: EventServiceLayout.version,
                                  bodySize: geometry.bodySize, permissions: permissions, lifetime: lifetime) { body in
                EventServiceStorage.initialize(body.baseAddress!, configuration: configuration, geometry: geometry)
            }
        } catch {
            throw error.reported(as: operation)
        }
        storage = try EventServiceStorage(segment, operation: operation)
    }

    /// Opens an existing event service.
    ///
    /// - Throws: `notFound` at once if there is none; `wrongKind`, `foreignSegment`, `corrupt`,
    ///   `incompatibleVersion` for a segment that is not a sound event service.
    public init(open name: String) throws(InterprocessError) {
        try self.init(open: name, until: .now)
    }

    /// Opens an event service, waiting until `deadline` for it to appear.
    ///
    /// - Throws: `timedOut` if it did not appear in time; otherwise as ``init(open:)``.
    public init(open name: String, until deadline: Deadline) throws(InterprocessError) {
        let operation = "open event service"
        let segment: Segment
        do throws(InterprocessError) {
            segment = try Segment(open: name, kind: EventService.kind, kindVersion: EventServiceLayout.version, until: deadline)
        } catch {
            throw error.reported(as: operation)
        }
        storage = try EventServiceStorage(segment, operation: operation)
    }

    /// Opens an event service, waiting up to `timeout` for it to appear.
    public init(open name: String, timeout: Duration) throws(InterprocessError) {
        try self.init(open: name, until: .after(timeout))
    }

    /// Opens the service, or creates it if there is none; processes racing end with one service.
    ///
    /// - Throws: `incompatibleConfiguration` naming the first field that differs from the
    ///   existing service's; otherwise as ``init(create:configuration:permissions:lifetime:)``.
    public init(
        openOrCreate name: String, configuration: EventServiceConfiguration,
        permissions: FilePermissions = .ownerReadWrite, lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        let operation = "open or create event service"
        try configuration.validate(operation: operation, name: name)
        self = try CreateOrOpen.run(operation: operation) { () throws(InterprocessError) in
            try EventService(create: name, configuration: configuration, permissions: permissions, lifetime: lifetime)
        } open: { () throws(InterprocessError) in
            try EventService(open: name)
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
        try Segment.remove(name, kind: .eventService, operation: "remove event service")
    }

    /// A notifier of this service (see ``Notifier/init(service:)``).
    public func makeNotifier() throws(InterprocessError) -> Notifier { try Notifier(service: self) }

    /// A listener of this service (see ``Listener/init(service:)``).
    public func makeListener() throws(InterprocessError) -> Listener { try Listener(service: self) }
}

/// The mapping of one event service, validated, shared by the service value and its endpoints.
@usableFromInline
final class EventServiceStorage: @unchecked Sendable {
    // @unchecked: immutable after init; the pointers are into the mapping `segment` keeps alive,
    // and every access through them is atomic.
    let segment: Segment
    let configuration: EventServiceConfiguration
    let geometry: EventServiceGeometry
    @usableFromInline let base: UnsafeMutableRawPointer

    init(_ segment: consuming Segment, operation: String) throws(InterprocessError) {
        let body = segment.body
        let name = segment.name.rawValue
        (configuration, geometry) = try EventServiceStorage.readConfiguration(body, name: name, operation: operation)
        base = body.baseAddress!
        self.segment = segment
    }

    @usableFromInline var name: String { segment.name.rawValue }

    /// Writes the configuration into a new body (zero-filled: every entry free).
    static func initialize(_ base: UnsafeMutableRawPointer, configuration: EventServiceConfiguration, geometry: EventServiceGeometry) {
        func store(_ value: Int, at offset: Int) { base.storeBytes(of: UInt32(value).littleEndian, toByteOffset: offset, as: UInt32.self) }
        base.storeBytes(of: EventServiceLayout.tag.littleEndian, toByteOffset: EventServiceLayout.tagOffset, as: UInt32.self)
        base.storeBytes(of: EventServiceLayout.version.littleEndian, toByteOffset: EventServiceLayout.versionOffset, as: UInt32.self)
        store(configuration.maximumEventID, at: EventServiceLayout.maximumEventIDOffset)
        store(configuration.maximumListeners, at: EventServiceLayout.maximumListenersOffset)
        store(configuration.maximumNotifiers, at: EventServiceLayout.maximumNotifiersOffset)
        store(geometry.eventWords, at: EventServiceLayout.eventWordsOffset)
        store(geometry.listenerStride, at: EventServiceLayout.listenerStrideOffset)
    }

    /// The one choke point for the configuration words: each in range, and the derived sizes
    /// equal to what they imply and within the body. Everything later indexes within them.
    static func readConfiguration(
        _ body: UnsafeMutableRawBufferPointer, name: String, operation: String
    ) throws(InterprocessError) -> (EventServiceConfiguration, EventServiceGeometry) {
        func corrupt(_ reason: String) -> InterprocessError {
            InterprocessError(.corrupt, operation: operation, name: name, reason: reason)
        }
        guard body.count >= EventServiceLayout.occupancyOffset else { throw corrupt("its body (\(body.count) bytes) is too small for an event service") }
        func word(_ offset: Int) -> Int { Int(UInt32(littleEndian: body.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
        guard UInt32(word(EventServiceLayout.tagOffset)) == EventServiceLayout.tag else { throw corrupt("its body does not start with the event service tag") }
        guard UInt32(word(EventServiceLayout.versionOffset)) == EventServiceLayout.version else {
            throw InterprocessError(.incompatibleVersion, operation: operation, name: name,
                                    reason: "event service layout \(word(EventServiceLayout.versionOffset)); this library reads \(EventServiceLayout.version)")
        }
        let configuration = EventServiceConfiguration(
            maximumEventID: word(EventServiceLayout.maximumEventIDOffset),
            maximumListeners: word(EventServiceLayout.maximumListenersOffset),
            maximumNotifiers: word(EventServiceLayout.maximumNotifiersOffset))
        do throws(InterprocessError) {
            try configuration.validate(operation: operation, name: name)
        } catch {
            throw corrupt("its stored configuration is out of range: \(error.reason)")
        }
        let geometry = EventServiceGeometry(configuration)
        guard word(EventServiceLayout.eventWordsOffset) == geometry.eventWords,
              word(EventServiceLayout.listenerStrideOffset) == geometry.listenerStride
        else { throw corrupt("its stored sizes do not match its configuration") }
        guard geometry.bodySize <= body.count else {
            throw corrupt("its configuration needs \(geometry.bodySize) bytes but the body has \(body.count)")
        }
        return (configuration, geometry)
    }

    @inline(__always) func word64(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (base + offset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    @inline(__always) func word32(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (base + offset).assumingMemoryBound(to: Atomic<UInt32>.self)
    }

    /// Listener entry `index` (in range: the caller's loop is bounded by the configuration).
    @inline(__always) func listener(_ index: Int) -> UnsafeMutableRawPointer {
        base + geometry.listenersOffset + index &* geometry.listenerStride
    }

    /// Notifier entry `index`.
    func notifier(_ index: Int) -> UnsafeMutableRawPointer {
        base + geometry.notifiersOffset + index * EventServiceLayout.notifierEntrySize
    }

    /// Occupancy word `index` (of `geometry.occupancyWords`).
    @inline(__always) func occupancy(_ index: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        word64(EventServiceLayout.occupancyOffset + index &* 8)
    }
}
#endif
