#if os(Linux)
/// One function per listable kind: opens the segment as its kind, takes its `state` snapshot
/// and puts its configuration and participants into a ``ServiceListing``. A new kind adds a
/// case to `describe(_:kind:)`, its kind to
/// ``ServiceDirectory/listableKinds``, and one function here.
extension ServiceDirectory {
    /// Opens `name` as `kind` and describes it.
    static func describe(_ name: String, kind: SegmentKind) throws(InterprocessError) -> ServiceListing {
        switch kind {
        case .service: try publishSubscribe(name)
        case .broadcastStream: try broadcastStream(name)
        case .blackboard: try blackboard(name)
        case .spscQueue: try spscQueue(name)
        case .mpmcQueue: try mpmcQueue(name)
        case .eventService: try eventService(name)
        case .requestResponse: try requestResponse(name)
        case .messageQueue: try messageQueue(name)
        default:
            throw InterprocessError(.wrongKind, operation: operation, name: name, reason: "it is \(kind.phrase), not a service")
        }
    }

    static func publishSubscribe(_ name: String) throws(InterprocessError) -> ServiceListing {
        let state = try Service(open: name).state
        let configuration = state.configuration, payload = configuration.payload
        return ServiceListing(
            name: name, kind: .service,
            configuration: [
                .init(name: "payload", value: payload.isFixedSize ? "value '\(payload.typeName)' of \(payload.size) bytes" : "bytes up to \(payload.size)"),
                .init(name: "subscribers", value: "at most \(configuration.maximumSubscribers)"),
                .init(name: "buffer", value: "\(configuration.bufferCapacity), history \(configuration.history)"),
                .init(name: "overrun policy", value: configuration.overrunPolicy.rawValue),
                .init(name: "published", value: "\(state.publishedCount)"),
            ],
            participants: [ServiceListing.Participant(role: "publisher", state.publisher)].compactMap { $0 }
                + state.subscribers.map { ServiceListing.Participant(role: "subscriber", pid: $0.process.identity.pid, liveness: $0.process.liveness) },
            problem: state.problem)
    }

    static func broadcastStream(_ name: String) throws(InterprocessError) -> ServiceListing {
        let state = try BroadcastStream(open: name).state
        return ServiceListing(
            name: name, kind: .broadcastStream,
            configuration: [
                .init(name: "capacity", value: "\(state.capacity) bytes"),
                .init(name: "largest record", value: "\(state.maximumRecordSize) bytes"),
                .init(name: "published", value: "\(state.nextSequence)"),
            ],
            participants: [ServiceListing.Participant(role: "writer", state.writer)].compactMap { $0 },
            problem: state.problem)
    }

    static func blackboard(_ name: String) throws(InterprocessError) -> ServiceListing {
        let board = try Blackboard(open: name)
        let state = board.state
        return ServiceListing(
            name: name, kind: .blackboard,
            configuration: state.entries.map { ServiceListing.Setting(name: "entry \($0.entry.key)", value: "\(Blackboard.describe($0.entry)), version \($0.version)") }
                + [.init(name: "copies", value: "\(state.copies)"), .init(name: "writes", value: "\(state.changeCount)")],
            participants: [ServiceListing.Participant(role: "writer", state.writer)].compactMap { $0 },
            problem: state.problem)
    }

    static func spscQueue(_ name: String) throws(InterprocessError) -> ServiceListing {
        let state = try SPSCQueue(open: name).state
        return ServiceListing(
            name: name, kind: .spscQueue,
            configuration: [
                .init(name: "capacity", value: "\(state.capacity) bytes"),
                .init(name: "largest record", value: "\(state.maximumRecordSize) bytes"),
            ],
            participants: [ServiceListing.Participant(role: "producer", state.producer), ServiceListing.Participant(role: "consumer", state.consumer)].compactMap { $0 },
            problem: state.problem)
    }

    static func mpmcQueue(_ name: String) throws(InterprocessError) -> ServiceListing {
        let state = try MPMCQueue(open: name).state
        return ServiceListing(
            name: name, kind: .mpmcQueue,
            configuration: [
                .init(name: "slots", value: "\(state.slotCount) of \(state.slotSize) bytes"),
                .init(name: "depth", value: state.depth.map { "\($0) records" } ?? "unknown"),
            ],
            participants: [],
            problem: state.problem)
    }

    static func eventService(_ name: String) throws(InterprocessError) -> ServiceListing {
        let state = try EventService(open: name).state
        let configuration = state.configuration
        return ServiceListing(
            name: name, kind: .eventService,
            configuration: [
                .init(name: "event ids", value: "0...\(configuration.maximumEventID)"),
                .init(name: "listeners", value: "at most \(configuration.maximumListeners)"),
                .init(name: "notifiers", value: "at most \(configuration.maximumNotifiers)"),
            ],
            participants: state.notifiers.map { ServiceListing.Participant(role: "notifier", pid: $0.process.identity.pid, liveness: $0.process.liveness) }
                + state.listeners.map { ServiceListing.Participant(role: "listener", pid: $0.process.identity.pid, liveness: $0.process.liveness) },
            problem: nil)
    }

    static func requestResponse(_ name: String) throws(InterprocessError) -> ServiceListing {
        let state = try RequestResponseService(open: name).state
        let configuration = state.configuration
        return ServiceListing(
            name: name, kind: .requestResponse,
            configuration: [
                .init(name: "request", value: "up to \(configuration.maximumRequestSize) bytes"),
                .init(name: "response", value: "up to \(configuration.maximumResponseSize) bytes"),
                .init(name: "clients", value: "at most \(configuration.maximumClients), \(configuration.requestsInFlightPerClient) requests in flight each"),
                .init(name: "served", value: "\(state.servedCount)"),
            ],
            participants: [ServiceListing.Participant(role: "server", state.server)].compactMap { $0 }
                + state.clients.map { ServiceListing.Participant(role: "client", pid: $0.process.identity.pid, liveness: $0.process.liveness) },
            problem: state.problem)
    }

    static func messageQueue(_ name: String) throws(InterprocessError) -> ServiceListing {
        let state = try MessageQueue(open: name).state
        return ServiceListing(
            name: name, kind: .messageQueue,
            configuration: [
                .init(name: "capacity", value: "\(state.capacity) messages of up to \(state.maximumSize) bytes"),
                .init(name: "count", value: "\(state.count) messages"),
            ],
            participants: state.lockOwner.map { [ServiceListing.Participant(role: "lock holder", pid: $0.pid, liveness: state.lockOwnerLiveness ?? .unknown)] } ?? [],
            problem: state.problem)
    }
}
#endif
