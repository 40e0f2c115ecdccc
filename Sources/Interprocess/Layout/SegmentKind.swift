#if os(Linux)
/// What a segment holds, recorded in its header so that opening a queue as a mutex is an error
/// (``InterprocessError/Code/wrongKind``) and not corruption.
///
/// Kinds are fixed numbers in the file format (`docs/FORMAT.md`); each layer of the library
/// registers its own. Numbers from 0x8000_0000 up are left for applications.
public struct SegmentKind: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The number stored in the header.
    public let rawValue: UInt32

    /// A kind with the given number.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// A plain segment: the header, then bytes the application lays out itself
    /// (what `interprocess create` makes).
    public static let raw = SegmentKind(rawValue: 1)

    /// A named ``ProcessMutex`` (plain or recursive).
    public static let mutex = SegmentKind(rawValue: 2)
    /// A named ``ProcessCondition``.
    public static let condition = SegmentKind(rawValue: 3)
    /// A named ``ProcessSemaphore``.
    public static let semaphore = SegmentKind(rawValue: 4)
    /// A named ``ProcessRWLock``.
    public static let rwLock = SegmentKind(rawValue: 5)
    /// A named ``ProcessEvent``.
    public static let event = SegmentKind(rawValue: 6)

    /// A named ``SPSCQueue``.
    public static let spscQueue = SegmentKind(rawValue: 7)
    /// A named ``MPMCQueue``.
    public static let mpmcQueue = SegmentKind(rawValue: 8)

    /// A publish/subscribe ``Service``: its control segment (configuration, publisher,
    /// subscribers, the ring of published samples).
    public static let service = SegmentKind(rawValue: 9)
    /// One generation of a ``Service``'s sample pool (`<service>.pool-<nonce>-<generation>`): the
    /// payloads, mapped read-only by subscribers.
    public static let samplePool = SegmentKind(rawValue: 10)
    /// A named ``BroadcastStream``.
    public static let broadcastStream = SegmentKind(rawValue: 11)
    /// A ``ManagedSegment``: a heap that grows, with named objects.
    public static let managedSegment = SegmentKind(rawValue: 12)
    /// A named ``Blackboard``: key → latest value, one writer, lock-free readers.
    public static let blackboard = SegmentKind(rawValue: 13)
    /// A request/response service (``RequestResponseService``): its configuration, server, client seats and their messages.
    public static let requestResponse = SegmentKind(rawValue: 15)
    /// An ``EventService``: notifiers, listeners and their pending event ids.
    public static let eventService = SegmentKind(rawValue: 14)
    /// A named ``ByteStream``: a byte ring mapped twice (mirrored), one writer, one reader.
    public static let byteStream = SegmentKind(rawValue: 17)
    /// A named ``MessageQueue``: prioritized messages under a robust lock.
    public static let messageQueue = SegmentKind(rawValue: 16)
    /// A ``MappedArray``'s file: a header, then the elements (it grows: the file may be larger
    /// than the header's `totalSize`).
    public static let mappedArray = SegmentKind(rawValue: 20)
    /// One cycle file of a ``Journal``: records and their sparse index.
    public static let journalCycle = SegmentKind(rawValue: 18)
    /// The control file of a ``Journal``: configuration, writer, named tailers, wake-up word.
    public static let journalControl = SegmentKind(rawValue: 19)

    /// The kinds the library knows, with their names.
    public static let known: [SegmentKind: String] = [
        .raw: "raw", .mutex: "mutex", .condition: "condition", .semaphore: "semaphore", .rwLock: "rwlock", .event: "event",
        .spscQueue: "spsc-queue", .mpmcQueue: "mpmc-queue",
        .service: "service", .samplePool: "sample-pool", .broadcastStream: "broadcast-stream",
        .managedSegment: "managed-segment",
        .blackboard: "blackboard",
        .requestResponse: "request-response",
        .eventService: "event-service",
        .byteStream: "byte-stream",
        .messageQueue: "message-queue",
        .mappedArray: "mapped-array",
        .journalCycle: "journal-cycle", .journalControl: "journal-control",
    ]

    /// The kind's name, or "kind N" for one this library does not know.
    public var name: String { SegmentKind.known[self] ?? "kind \(rawValue)" }

    /// The kind's name.
    public var description: String { name }

    /// The kind in words, with its article, for error messages: "an SPSC queue", "a mutex".
    var phrase: String {
        switch self {
        case .raw: "a raw segment"
        case .mutex: "a mutex"
        case .condition: "a condition"
        case .semaphore: "a semaphore"
        case .rwLock: "a reader-writer lock"
        case .event: "an event"
        case .spscQueue: "an SPSC queue"
        case .mpmcQueue: "an MPMC queue"
        case .service: "a service"
        case .samplePool: "a service's sample pool"
        case .broadcastStream: "a broadcast stream"
        case .managedSegment: "a managed segment"
        case .blackboard: "a blackboard"
        case .requestResponse: "a request-response service"
        case .eventService: "an event service"
        case .byteStream: "a byte stream"
        case .messageQueue: "a message queue"
        case .mappedArray: "a mapped array"
        case .journalCycle: "a journal cycle"
        case .journalControl: "a journal control file"
        default: "a segment of kind \(rawValue)"
        }
    }
}
#endif
