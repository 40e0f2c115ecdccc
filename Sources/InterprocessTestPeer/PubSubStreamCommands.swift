import Interprocess

#if canImport(Glibc)
import Glibc
#endif

/// `pubsub-publish`, `pubsub-subscribe`: a publisher and its verifying subscribers, each in a
/// process of its own, for the long-run and growing-payload tests.
enum PubSubStreamCommands {
    /// `pubsub-publish SERVICE COUNT SIZES [SUBSCRIBERS]`: waits until SUBSCRIBERS subscribers are
    /// attached (if given; 30 s at most), then publishes COUNT self-checking samples in place
    /// (`send(byteCount:)`), each of the size SIZES gives its sequence. Prints "published N
    /// last S"; a send that returns another sequence than `nextSequence` said exits with 3.
    static func publish(_ arguments: inout Arguments) throws {
        let name = try arguments.next("SERVICE")
        let count = try arguments.nextInt("COUNT")
        let sizes = try PubSubSizes(try arguments.next("SIZES"))
        let subscribers = try arguments.nextIfPresent().map { text throws(UsageError) in
            guard let value = Int(text), value >= 0 else { throw UsageError("SUBSCRIBERS must be a count (got '\(text)')") }
            return value
        }
        try arguments.finish()
        let service = try Service(open: name, timeout: .seconds(5))
        var publisher = try Publisher(service: service)
        if let subscribers {
            let deadline = Deadline.after(.seconds(30))
            while service.state.subscribers.count < subscribers {
                guard !deadline.hasPassed else { throw PeerFailure("only \(service.state.subscribers.count) of \(subscribers) subscribers attached within 30 s") }
                usleep(1_000)
            }
        }
        var last: UInt64 = 0
        for _ in 0..<count {
            let sequence = publisher.nextSequence
            let size = sizes.size(of: sequence)
            last = try publisher.send(byteCount: size) { span in
                span.withUnsafeMutableBytes { PubSubPattern.fill($0, sequence: sequence) }
            }
            guard last == sequence else { throw PeerFailure("send returned sequence \(last), nextSequence said \(sequence)") }
        }
        PubSubAttach.say("published \(count) last \(last)")
    }

    /// `pubsub-subscribe SERVICE LAST block|drop SIZES [OPTIONS]`: attaches, prints "attached",
    /// and receives in place, checking every sample's content, size and sequence (a `.block`
    /// subscriber must see every sequence from its first on), until it has received sequence
    /// LAST. Options: `--leave-after K` (stop after K samples), `--sleep-every N MS` (sleep MS
    /// after every N samples: a slow subscriber), `--idle MS` (stop when nothing came for MS;
    /// default 20 000). Prints "received R missed M first F last L receivedCount R' missedCount M'
    /// end last|left|idle" (R', M': the subscriber's own counters), then exits 0, or 3 with the
    /// first problem on standard error.
    static func subscribe(_ arguments: inout Arguments) throws {
        let name = try arguments.next("SERVICE")
        let lastSequence = UInt64(try arguments.nextInt("LAST"))
        let policy = try PubSubAttach.policy(try arguments.next("block|drop"))
        let sizes = try PubSubSizes(try arguments.next("SIZES"))
        var leaveAfter = UInt64.max, sleepEvery = 0, sleepMilliseconds = 0, idle = 20_000
        while let option = arguments.nextIfPresent() {
            switch option {
            case "--leave-after": leaveAfter = UInt64(try arguments.nextInt("K"))
            case "--sleep-every":
                sleepEvery = try arguments.nextInt("N")
                sleepMilliseconds = try arguments.nextInt("MS")
            case "--idle": idle = try arguments.nextInt("MS")
            default: throw UsageError("unknown option '\(option)'")
            }
        }
        let service = try Service(open: name, timeout: .seconds(5))
        var subscriber = try Subscriber(service: service, overrun: policy, history: false)
        PubSubAttach.say("attached")
        var check = SequenceCheck(blocking: policy == .block)
        var end = "last"
        while check.last != lastSequence {
            if check.received >= leaveAfter { end = "left"; break }
            let arrived = try untilTimeout { () throws(InterprocessError) in
                try subscriber.receive(until: .after(.milliseconds(idle))) { sample in
                    sample.withUnsafeBytes { bytes in
                        _ = check.check(sequence: sample.sequence, missedBefore: sample.missedBefore, bytes: bytes, sizes: sizes)
                    }
                    return true
                }
            } != nil
            if !arrived { end = "idle"; break }
            if let problem = check.problem { throw PeerFailure(problem) }
            if sleepEvery > 0 && check.received % UInt64(sleepEvery) == 0 { usleep(UInt32(sleepMilliseconds * 1000)) }
        }
        PubSubAttach.say("""
            received \(check.received) missed \(check.missed) first \(check.first.map(String.init) ?? "none") \
            last \(check.last.map(String.init) ?? "none") receivedCount \(subscriber.receivedCount) missedCount \(subscriber.missedCount) end \(end)
            """)
    }

    /// `pubsub-many SERVICE N LAST`: attaches N `.block` subscribers in this one process, prints
    /// "attached N", then receives round robin (one sample per subscriber per turn, 20 s at
    /// most each) until every one has received sequences 0 through LAST, checking each small
    /// sample. Prints "received TOTAL".
    static func many(_ arguments: inout Arguments) throws {
        let name = try arguments.next("SERVICE")
        let count = try arguments.nextInt("N")
        let lastSequence = UInt64(try arguments.nextInt("LAST"))
        try arguments.finish()
        let service = try Service(open: name, timeout: .seconds(5))
        let subscribers = try (0..<count).map { _ throws(InterprocessError) in try SubscriberBox(service) }
        PubSubAttach.say("attached \(count)")
        var checks = [SequenceCheck](repeating: SequenceCheck(blocking: true), count: count)
        while checks.contains(where: { $0.last != lastSequence }) {
            for index in 0..<count where checks[index].last != lastSequence {
                try subscribers[index].subscriber.receive(until: .after(.seconds(20))) { sample in
                    sample.withUnsafeBytes { bytes in
                        _ = checks[index].check(sequence: sample.sequence, missedBefore: sample.missedBefore, bytes: bytes, sizes: .small)
                    }
                }
                if let problem = checks[index].problem { throw PeerFailure("subscriber \(index): \(problem)") }
            }
        }
        guard checks.allSatisfy({ $0.first == 0 }) else { throw PeerFailure("a subscriber did not start at sequence 0") }
        PubSubAttach.say("received \(checks.reduce(0) { $0 + $1.received })")
    }

    /// A subscriber kept in an array (a ``Subscriber`` is not copyable).
    final class SubscriberBox {
        var subscriber: Subscriber
        init(_ service: Service) throws(InterprocessError) { subscriber = try Subscriber(service: service, overrun: .block, history: false) }
    }
}
