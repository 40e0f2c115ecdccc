import Interprocess

/// A ``ServiceState`` in words, for people: the rows `inspect` and `watch` print and the tables
/// of `interprocess services`.
enum ServiceText {
    /// "bytes up to 1 MiB" or "value 'Tick' of 16 bytes".
    static func payload(_ payload: PayloadType) -> String {
        payload.isFixedSize
            ? "value '\(payload.typeName)' of \(Formatting.size(payload.size))"
            : "bytes up to \(Formatting.size(payload.size))"
    }

    /// "pid 123 (alive)", or "none".
    static func process(_ endpoint: QueueEndpointState?) -> String {
        endpoint.map { LiveState.describe($0.identity, $0.liveness) } ?? "none"
    }

    /// One subscriber on one line.
    static func subscriber(_ subscriber: SubscriberState) -> String {
        "\(process(subscriber.process)), \(subscriber.overrunPolicy), position \(subscriber.position), " +
            "depth \(subscriber.depth), received \(subscriber.receivedCount), missed \(subscriber.missedCount), " +
            "holds \(subscriber.heldSamples)"
    }

    /// One pool generation on one line.
    static func pool(_ pool: SamplePoolState) -> String {
        "\(pool.slotCount) slots of \(Formatting.size(pool.slotPayloadSize)), \(pool.slotsInUse) in use (\(pool.segmentName))"
    }

    /// Label and value rows, for `inspect`.
    static func rows(_ state: ServiceState) -> [[String]] {
        let configuration = state.configuration
        var rows: [[String]] = [
            ["payload", payload(configuration.payload)],
            ["limits", "\(configuration.maximumSubscribers) subscribers, buffer \(configuration.bufferCapacity), " +
                "history \(configuration.history), \(configuration.maximumLoansPerSubscriber) loans each"],
            ["overrun policy", "\(configuration.overrunPolicy) (unless a subscriber chooses)"],
            ["publisher", process(state.publisher)],
            ["published", Formatting.count(state.publishedCount, "sample")],
            ["subscribers", "\(state.subscribers.count) attached, \(state.sleepingSubscribers) asleep"],
        ]
        rows += state.subscribers.map { ["subscriber \($0.index)", subscriber($0)] }
        rows += state.pools.map { ["pool \($0.generation)", pool($0)] }
        if let problem = state.problem { rows.append(["problem", problem]) }
        return rows
    }

    /// The tables of `interprocess services`: the services, then their subscribers, then their
    /// pool generations (a table only when it has rows).
    static func tables(_ states: [ServiceState]) -> String {
        guard !states.isEmpty else { return "no services" }
        var services = [["SERVICE", "PAYLOAD", "PUBLISHER", "ALIVE", "PUBLISHED", "SUBSCRIBERS", "BUFFER", "HISTORY", "PROBLEM"]]
        var subscribers = [["SERVICE", "ENTRY", "PID", "ALIVE", "POLICY", "POSITION", "DEPTH", "RECEIVED", "MISSED", "HELD"]]
        var pools = [["SERVICE", "GENERATION", "SLOTS", "SLOT SIZE", "IN USE", "SEGMENT"]]
        for state in states {
            let configuration = state.configuration
            services.append([
                state.name, payload(configuration.payload),
                state.publisher.map { String($0.identity.pid) } ?? "-",
                state.publisher.map { $0.liveness.rawValue } ?? "-",
                String(state.publishedCount),
                "\(state.subscribers.count)/\(configuration.maximumSubscribers)",
                String(configuration.bufferCapacity), String(configuration.history),
                state.problem ?? "-",
            ])
            for subscriber in state.subscribers {
                subscribers.append([
                    state.name, String(subscriber.index), String(subscriber.process.identity.pid),
                    subscriber.process.liveness.rawValue, subscriber.overrunPolicy.rawValue,
                    String(subscriber.position), String(subscriber.depth), String(subscriber.receivedCount),
                    String(subscriber.missedCount), String(subscriber.heldSamples),
                ])
            }
            for pool in state.pools {
                pools.append([
                    state.name, String(pool.generation), String(pool.slotCount), Formatting.size(pool.slotPayloadSize),
                    String(pool.slotsInUse), pool.segmentName,
                ])
            }
        }
        return [services, subscribers, pools].filter { $0.count > 1 }.map(Formatting.table).joined(separator: "\n\n")
    }
}

extension ServiceText {
    /// The table of every kind (`ServiceDirectory.all()`): one row per service, its
    /// configuration and its participants on one line each.
    static func listings(_ listings: [ServiceListing]) -> String {
        guard !listings.isEmpty else { return "no services of any kind" }
        var table = [["NAME", "KIND", "CONFIGURATION", "PARTICIPANTS"]]
        for listing in listings {
            let configuration = listing.configuration.map { "\($0.name): \($0.value)" }.joined(separator: "; ")
            let participants = listing.participants.map { "\($0.role) \($0.pid) (\($0.liveness.rawValue))" }.joined(separator: ", ")
            table.append([listing.name, listing.kindName,
                          listing.problem.map { "unreadable: \($0)" } ?? (configuration.isEmpty ? "-" : configuration),
                          participants.isEmpty ? "-" : participants])
        }
        return Formatting.table(table)
    }
}
