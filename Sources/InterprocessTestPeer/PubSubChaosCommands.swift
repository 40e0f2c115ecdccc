import Interprocess

#if canImport(Glibc)
import Glibc
#endif

/// `pubsub-chaos-publish`, `pubsub-chaos-subscribe`: endpoints that run until the test
/// SIGKILLs them, counting what they do and see in a ``PubSubLedger``.
enum PubSubChaosCommands {
    /// `pubsub-chaos-publish SERVICE LEDGER SEED try|block [--linger] [--sizes SIZES]`: takes
    /// the publisher seat (from a dead holder too) and publishes self-checking samples (small
    /// unless SIZES says otherwise) for ever, pausing 0–100 µs between them.
    /// Zero-copy `send(byteCount:)` in turn with
    /// - `try`: `trySend(contentsOf:)`; the subscribers are `.dropOldest`, so nothing may hold
    ///   the publisher back: a nil counts as refused, `resourceLimit` (the pool ran dry) is counted;
    /// - `block`: `send(contentsOf:until:)` with a 10 s deadline, a timeout counted.
    /// The longest send is recorded (a dead `.block` subscriber must not hold it back).
    /// `--linger` sleeps 0–300 µs halfway through writing one sample in four, so that a kill
    /// often lands inside the send closure, mid-write.
    static func publish(_ arguments: inout Arguments) throws {
        let name = try arguments.next("SERVICE")
        let ledger = try PubSubLedger(open: try arguments.next("LEDGER"))
        var random = PeerRandom(seed: UInt64(truncatingIfNeeded: try arguments.nextInt("SEED")))
        let mode = try arguments.next("try|block")
        var linger = false, sizes = PubSubSizes.small
        while let option = arguments.nextIfPresent() {
            switch option {
            case "--linger": linger = true
            case "--sizes": sizes = try PubSubSizes(try arguments.next("SIZES"))
            default: throw UsageError("unknown option '\(option)'")
            }
        }
        guard mode == "try" || mode == "block" else { throw UsageError("mode must be try or block (got '\(mode)')") }
        let service = try Service(open: name, timeout: .seconds(5))
        var publisher = try QueueChaosCommands.attach { () throws(InterprocessError) in try Publisher(service: service) }
        ledger.add(PubSubLedger.publishers)
        while true {
            let sequence = publisher.nextSequence
            let size = sizes.size(of: sequence)
            let roll = random.next()
            do {
                let published: UInt64?
                let started = Deadline.now.nanoseconds
                if roll & 1 == 0 {
                    // In place; for `block` this waits without a deadline (measured below).
                    published = try publisher.send(byteCount: size) { span in
                        span.withUnsafeMutableBytes { bytes in
                            PubSubPattern.fill(bytes, sequence: sequence) {
                                if linger && roll & 6 == 0 { usleep(UInt32((roll >> 8) % 300)) }
                            }
                        }
                    }
                } else if mode == "block" {
                    published = try untilTimeout { () throws(InterprocessError) in
                        try publisher.send(contentsOf: PubSubPattern.bytes(sequence: sequence, count: size), until: .after(.seconds(10)))
                    }
                    if published == nil { ledger.add(PubSubLedger.timedOut) }
                } else {
                    published = try publisher.trySend(contentsOf: PubSubPattern.bytes(sequence: sequence, count: size))
                    if published == nil { ledger.add(PubSubLedger.refused) }
                }
                ledger.raise(PubSubLedger.longestWait, to: Deadline.now.nanoseconds &- started)
                if let published {
                    ledger.add(PubSubLedger.sent)
                    if published != sequence { ledger.add(PubSubLedger.sequenceMismatch) }
                }
            } catch where error.code == .resourceLimit {
                ledger.add(PubSubLedger.resourceLimit)
                usleep(1_000)
            } catch {
                ledger.unexpected(error)
                usleep(1_000)
            }
            usleep(UInt32((roll >> 16) % 100))
        }
    }

    /// `pubsub-chaos-subscribe SERVICE LEDGER SEED block|drop receive|linger|held [--history]
    /// [--sizes SIZES]`: attaches (with the service's history if asked; a failure to attach is
    /// counted: dead subscribers' entries must be reclaimed) and receives for ever, checking
    /// every sample (small unless SIZES says otherwise) and its order, counting them in LEDGER.
    /// - `receive`: in place, releasing at once;
    /// - `linger`: sleeps 0–20 ms inside the receive closure, holding the sample;
    /// - `held`: iterates `samples()` and keeps up to the loan limit of ``HeldSample``s, dropping
    ///   the oldest and sleeping 0–10 ms each time.
    /// The test kills it at a random point: while it holds samples, often.
    static func subscribe(_ arguments: inout Arguments) throws {
        let name = try arguments.next("SERVICE")
        let ledger = try PubSubLedger(open: try arguments.next("LEDGER"))
        var random = PeerRandom(seed: UInt64(truncatingIfNeeded: try arguments.nextInt("SEED")))
        let policy = try PubSubAttach.policy(try arguments.next("block|drop"))
        let mode = try arguments.next("receive|linger|held")
        var history = false, sizes = PubSubSizes.small
        while let option = arguments.nextIfPresent() {
            switch option {
            case "--history": history = true
            case "--sizes": sizes = try PubSubSizes(try arguments.next("SIZES"))
            default: throw UsageError("unknown option '\(option)'")
            }
        }
        let service = try Service(open: name, timeout: .seconds(5))
        let subscriber: Subscriber
        do {
            subscriber = try Subscriber(service: service, overrun: policy, history: history)
        } catch {
            ledger.add(PubSubLedger.attachFailures)
            ledger.unexpected(error)
            throw error
        }
        PubSubAttach.say("attached")
        var check = SequenceCheck(blocking: policy == .block)
        switch mode {
        case "receive", "linger":
            var subscriber = subscriber
            while true {
                let roll = random.next()
                _ = try untilTimeout { () throws(InterprocessError) in
                    try subscriber.receive(until: .after(.milliseconds(500))) { sample in
                        sample.withUnsafeBytes { check.record(sample.sequence, missedBefore: sample.missedBefore, bytes: $0, sizes: sizes, in: ledger) }
                        if mode == "linger" { usleep(UInt32(roll % 20_000)) }
                    }
                }
            }
        case "held":
            runHeld(subscriber, ledger: ledger, policy: policy, sizes: sizes, seed: random.next())
        default:
            throw UsageError("mode must be receive, linger or held (got '\(mode)')")
        }
    }

    /// Iterates `samples()` on a task, holding up to the loan limit of samples at once and
    /// releasing the oldest (explicitly or by dropping it) before taking more; the main thread
    /// sleeps until the test kills the process.
    static func runHeld(_ subscriber: consuming Subscriber, ledger: PubSubLedger, policy: OverrunPolicy, sizes: PubSubSizes, seed: UInt64) -> Never {
        let limit = subscriber.service.configuration.maximumLoansPerSubscriber
        let samples = subscriber.samples()
        Task.detached {
            var random = PeerRandom(seed: seed)
            var check = SequenceCheck(blocking: policy == .block)
            var held: [HeldSample] = []
            do throws(InterprocessError) {
                for try await sample in samples {
                    sample.withUnsafeBytes { check.record(sample.sequence, missedBefore: sample.missedBefore, bytes: $0, sizes: sizes, in: ledger) }
                    held.append(sample)
                    if held.count >= limit {
                        let oldest = held.removeFirst()
                        if random.next() & 1 == 0 { oldest.release() }
                    }
                    usleep(UInt32(random.next() % 10_000))
                }
            } catch {
                ledger.unexpected(error)
                TestPeer.printError(error.description)
                exit(1)
            }
            exit(0)
        }
        while true { sleep(1) }
    }
}
