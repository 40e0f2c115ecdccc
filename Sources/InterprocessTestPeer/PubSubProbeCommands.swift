import Interprocess

#if canImport(Glibc)
import Glibc
#endif

/// Small publish/subscribe probes: endpoints that attach and stay, a subscriber that writes into
/// a received sample, and openOrCreate with a given configuration.
enum PubSubProbeCommands {
    /// `pubsub-hold SERVICE subscriber|publisher [block|drop]`: attaches a subscriber (of that
    /// policy) or takes the publisher seat, prints "attached PID", and stays until killed.
    static func hold(_ arguments: inout Arguments) throws {
        let name = try arguments.next("SERVICE")
        let role = try arguments.next("subscriber|publisher")
        let policy = try arguments.nextIfPresent().map { text throws(UsageError) in try PubSubAttach.policy(text) }
        try arguments.finish()
        let service = try Service(open: name, timeout: .seconds(5))
        switch role {
        case "subscriber":
            let subscriber = try Subscriber(service: service, overrun: policy, history: false)
            PubSubAttach.say("attached \(getpid())")
            withExtendedLifetime(subscriber) { while true { sleep(1) } }
        case "publisher":
            let publisher = try Publisher(service: service)
            PubSubAttach.say("attached \(getpid())")
            withExtendedLifetime(publisher) { while true { sleep(1) } }
        default:
            throw UsageError("role must be subscriber or publisher (got '\(role)')")
        }
    }

    /// `pubsub-write-sample SERVICE write|read`: attaches with history, receives one sample
    /// (waiting 5 s at most), prints "received SEQUENCE BYTES" and then, with `write`, stores a
    /// byte into it through its read-only view: the process must die by SIGSEGV (or SIGBUS)
    /// before it can print "wrote". With `read` it prints "read" and exits 0 (the control).
    static func writeSample(_ arguments: inout Arguments) throws {
        let name = try arguments.next("SERVICE")
        let action = try arguments.next("write|read")
        try arguments.finish()
        var subscriber = try Subscriber(service: Service(open: name, timeout: .seconds(5)), history: true)
        try subscriber.receive(until: .after(.seconds(5))) { sample in
            sample.withUnsafeBytes { bytes in
                PubSubAttach.say("received \(sample.sequence) \(bytes.count)")
                guard action == "write", let base = bytes.baseAddress else { return }
                // Deliberately forbidden: the pool is mapped read-only in a subscriber.
                UnsafeMutableRawPointer(mutating: base).storeBytes(of: 0xEE, as: UInt8.self)
                PubSubAttach.say("wrote")
            }
        }
        PubSubAttach.say(action == "write" ? "survived" : "read")
    }

    /// `pubsub-open-or-create SERVICE [FIELD=VALUE...]`: opens or creates the service with the
    /// default configuration changed by the fields given (`type=NAME`, `size=N`, `value=N`
    /// (a fixed-size payload of N bytes), `alignment=N`, `subscribers=N`, `capacity=N`,
    /// `history=N`, `loans=N`, `policy=block|drop`); prints "created" or "opened".
    static func openOrCreate(_ arguments: inout Arguments) throws {
        let name = try arguments.next("SERVICE")
        var configuration = ServiceConfiguration()
        while let field = arguments.nextIfPresent() {
            let parts = field.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw UsageError("FIELD=VALUE expected (got '\(field)')") }
            let number = Int(parts[1])
            func int() throws(UsageError) -> Int {
                guard let number else { throw UsageError("\(parts[0]) needs a number (got '\(parts[1])')") }
                return number
            }
            switch parts[0] {
            case "type": configuration.payload.typeName = parts[1]
            case "size": configuration.payload.size = try int()
            case "value":
                configuration.payload.size = try int()
                configuration.payload.isFixedSize = true
            case "alignment": configuration.payload.alignment = try int()
            case "subscribers": configuration.maximumSubscribers = try int()
            case "capacity": configuration.bufferCapacity = try int()
            case "history": configuration.history = try int()
            case "loans": configuration.maximumLoansPerSubscriber = try int()
            case "policy": configuration.overrunPolicy = try PubSubAttach.policy(parts[1])
            default: throw UsageError("unknown field '\(parts[0])'")
            }
        }
        let service = try Service(openOrCreate: name, configuration: configuration)
        PubSubAttach.say(service.wasCreated ? "created" : "opened")
    }

    /// `pubsub-grow-after-remove SERVICE`: takes the publisher seat, sends an 8-byte sample,
    /// prints "ready", waits (10 s at most) until the service's name is removed, then sends
    /// four 4 KiB samples (growing the removed service's pool) and prints "grown".
    static func growAfterRemove(_ arguments: inout Arguments) throws {
        let name = try arguments.next("SERVICE")
        try arguments.finish()
        var publisher = try Publisher(service: Service(open: name, timeout: .seconds(5)))
        try publisher.send(contentsOf: [UInt8](repeating: 1, count: 8))
        PubSubAttach.say("ready")
        let deadline = Deadline.after(.seconds(10))
        while SharedMemory.exists(name) {
            guard !deadline.hasPassed else { throw PeerFailure("the service was not removed within 10 s") }
            usleep(1_000)
        }
        for _ in 0..<4 { try publisher.send(contentsOf: [UInt8](repeating: 1, count: 4096)) }
        PubSubAttach.say("grown")
    }
}
