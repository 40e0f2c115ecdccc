import Interprocess

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `events-*`: the other process of the event service and wait set tests.
enum EventServiceCommands {
    /// `events-notify SERVICE ID...`: notifies each id once; prints "notified N".
    static func notify(_ arguments: inout Arguments) throws {
        let name = try arguments.next("SERVICE")
        var ids: [EventID] = []
        while let text = arguments.nextIfPresent() {
            guard let id = Int(text) else { throw UsageError("ID must be an integer (got '\(text)')") }
            ids.append(EventID(id))
        }
        let notifier = try Notifier(service: EventService(open: name, timeout: .seconds(10)))
        try notifier.notify(ids)
        print("notified \(ids.count)")
    }

    /// `events-listen SERVICE COUNT TIMEOUT-MS`: waits until COUNT distinct ids came (each wait
    /// with the timeout); prints "received ID,ID,..." or "timed out with ID,...".
    static func listen(_ arguments: inout Arguments) throws {
        let name = try arguments.next("SERVICE")
        let count = try arguments.nextInt("COUNT")
        let timeout = Duration.milliseconds(try arguments.nextInt("TIMEOUT-MS"))
        try arguments.finish()
        let listener = try Listener(service: EventService(open: name, timeout: .seconds(10)))
        var received = EventSet()
        var timedOut = false
        while received.count < count {
            let fired: EventSet
            do throws(InterprocessError) {
                fired = try listener.wait(timeout: timeout)
            } catch {
                guard error.code == .timedOut else { throw error }
                timedOut = true
                break
            }
            received = EventSet(Array(received) + Array(fired))
        }
        print((timedOut ? "timed out with " : "received ") + received.map(\.description).joined(separator: ","))
    }

    /// `events-hold SERVICE listener|notifier|waiting-listener`: attaches, prints "attached PID",
    /// stays until killed (a waiting listener sits in a blocked wait).
    static func hold(_ arguments: inout Arguments) throws {
        let name = try arguments.next("SERVICE")
        let role = try arguments.next("ROLE")
        try arguments.finish()
        let service = try EventService(open: name, timeout: .seconds(10))
        switch role {
        case "listener", "waiting-listener":
            let listener = try Listener(service: service)
            attached()
            while true {
                if role == "waiting-listener" { _ = try? listener.wait(timeout: .seconds(3600)) } else { sleep(3600) }
            }
        case "notifier":
            let notifier = try Notifier(service: service)
            attached()
            // Notify for ever, so that a kill lands mid-notification.
            var id = 0
            while true {
                try notifier.notify(EventID(id))
                id = (id + 1) % (service.configuration.maximumEventID + 1)
            }
        default: throw UsageError("ROLE must be listener, waiting-listener or notifier")
        }
    }

    /// `events-stall SERVICE WAITSETS PER-SET`: attaches WAITSETS × PER-SET listeners of SERVICE,
    /// PER-SET to each of WAITSETS wait sets, arms them all with one look each, prints "attached
    /// PID" and never waits again: every notification leaves one unread datagram per listener
    /// (up to each wait set socket's queue) charged to the sender's send buffer.
    static func stall(_ arguments: inout Arguments) throws {
        let name = try arguments.next("SERVICE")
        let waitSets = try arguments.nextInt("WAITSETS")
        let perSet = try arguments.nextInt("PER-SET")
        try arguments.finish()
        let service = try EventService(open: name, timeout: .seconds(10))
        var held: [(WaitSet, [Shared<Listener>])] = []
        for _ in 0..<waitSets {
            let waitSet = try WaitSet()
            let listeners = try (0..<perSet).map { _ in Shared(try Listener(service: service)) }
            for listener in listeners { _ = try waitSet.attach(listener.handle) }
            guard waitSet.tryWait() == nil else { throw UsageError("a fresh listener of \(name) had ids pending") }
            held.append((waitSet, listeners))
        }
        attached()
        withExtendedLifetime(held) { while true { sleep(3600) } }
    }

    /// Prints "attached PID" at once (not through stdio's buffer).
    static func attached() {
        var line = "attached \(getpid())\n"
        _ = line.withUTF8 { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }

    /// `events-fire PREFIX SERVICES EVENTS BATCH SEED`: opens PREFIX-0 … PREFIX-(SERVICES-1),
    /// PREFIX-ctl and PREFIX-ack; in batches of BATCH, notifies random (service, id < 64) pairs
    /// drawn from SplitMix64(SEED), then id 0 on PREFIX-ctl, and waits for PREFIX-ack. Prints
    /// "fired EVENTS".
    static func fire(_ arguments: inout Arguments) throws {
        let prefix = try arguments.next("PREFIX")
        let count = try arguments.nextInt("SERVICES")
        let events = try arguments.nextInt("EVENTS")
        let batch = try arguments.nextInt("BATCH")
        var random = PeerRandom(seed: UInt64(try arguments.nextInt("SEED")))
        try arguments.finish()
        var notifiers: [Shared<Notifier>] = []
        for index in 0..<count {
            notifiers.append(Shared(try Notifier(service: EventService(open: "\(prefix)-\(index)", timeout: .seconds(10)))))
        }
        let control = try Notifier(service: EventService(open: "\(prefix)-ctl", timeout: .seconds(10)))
        let ack = try Listener(service: EventService(open: "\(prefix)-ack", timeout: .seconds(10)))
        var fired = 0
        while fired < events {
            let size = min(batch, events - fired)
            for _ in 0..<size {
                let value = random.next()
                try notifiers[Int(value % UInt64(count))].handle.notify(EventID(Int((value >> 32) % 64)))
            }
            fired += size
            try control.notify(0)
            _ = try ack.wait(timeout: .seconds(30))
        }
        print("fired \(fired)")
    }
}
