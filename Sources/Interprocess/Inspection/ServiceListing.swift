#if os(Linux)
/// One named service-like structure found by ``ServiceDirectory``: its name, kind,
/// configuration and the processes attached to it, in one shape for every kind (publish/subscribe
/// services, broadcast streams, blackboards, queues), as `interprocess services` shows them.
///
/// ```swift
/// for listing in ServiceDirectory.all() {
///     print(listing.name, listing.kindName, listing.participants.map { "\($0.role) \($0.pid) \($0.liveness)" })
/// }
/// ```
public struct ServiceListing: Sendable, Hashable, Codable {
    /// The name it is opened by.
    public var name: String
    /// Its segment kind.
    public var kind: SegmentKind
    /// The kind's name ("service", "blackboard", "spsc-queue", …).
    public var kindName: String
    /// Its configuration, as name and value pairs in a fixed order per kind.
    public var configuration: [Setting]
    /// The processes recorded as attached (a publisher, subscribers, a writer, a producer…).
    /// Kinds whose endpoints write nothing to the segment (broadcast and blackboard readers,
    /// MPMC producers and consumers) cannot list those.
    public var participants: [Participant]
    /// Why it could not be read (a corrupt or unsupported segment), or nil.
    public var problem: String?

    /// One configuration value, in words.
    public struct Setting: Sendable, Hashable, Codable {
        /// What it is ("payload", "capacity", "entry 'pose'").
        public var name: String
        /// Its value ("value 'Tick' of 16 bytes", "1 MiB").
        public var value: String

        /// A setting from its fields.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// A process attached to a service.
    public struct Participant: Sendable, Hashable, Codable {
        /// Its role: "publisher", "subscriber", "writer", "producer", "consumer", "server", …
        public var role: String
        /// Its pid.
        public var pid: Int32
        /// Whether it is alive, dead or unknown (another pid namespace).
        public var liveness: ProcessIdentity.Liveness

        /// A participant from its fields.
        public init(role: String, pid: Int32, liveness: ProcessIdentity.Liveness) {
            self.role = role
            self.pid = pid
            self.liveness = liveness
        }

        /// The participant recorded in an endpoint claim, or nil for none.
        public init?(role: String, _ endpoint: QueueEndpointState?) {
            guard let endpoint else { return nil }
            self.init(role: role, pid: endpoint.identity.pid, liveness: endpoint.liveness)
        }
    }

    /// A listing from its fields.
    public init(name: String, kind: SegmentKind, configuration: [Setting], participants: [Participant], problem: String? = nil) {
        self.name = name
        self.kind = kind
        self.kindName = kind.name
        self.configuration = configuration
        self.participants = participants
        self.problem = problem
    }
}
#endif
