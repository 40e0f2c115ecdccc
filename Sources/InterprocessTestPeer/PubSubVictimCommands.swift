import Interprocess

#if canImport(Glibc)
import Glibc
#endif

/// `pubsub-victim SERVICE MILLISECONDS SEED`: the endpoint of the service mutation test. For
/// MILLISECONDS it opens the service and, as a subscriber (or, one round in three, as the
/// publisher), runs random non-blocking and deadline calls (deadlines of 0–3 ms) while the test
/// rewrites the control segment and the pools under it; after a library error it attaches
/// again. Every call must return a sample within the configured maximum, a typed error, or
/// nothing by its deadline (judged in CPU time, as `queue-victim` does); anything else exits
/// with status 3. Prints "ops N received R sent S errors E (corrupt C) late L ms (cpu M ms)".
enum PubSubVictimCommands {
    static func run(_ arguments: inout Arguments) throws {
        let name = try arguments.next("SERVICE")
        let milliseconds = try arguments.nextInt("MILLISECONDS")
        var random = PeerRandom(seed: UInt64(try arguments.nextInt("SEED")))
        try arguments.finish()
        var tally = QueueVictimCommands.Tally()
        var sent = 0
        let end = Deadline.after(.milliseconds(milliseconds))
        while !end.hasPassed {
            do {
                let service = try Service(open: name, timeout: .milliseconds(100))
                _ = service.state  // a snapshot never throws, whatever the words say
                try round(service, &random, &tally, &sent)
            } catch let error as InterprocessError {
                tally.count(error)
            }
        }
        print("\(tally.description) sent \(sent)")
    }

    /// Attaches a subscriber (sometimes with history, as `.block` or `.dropOldest`) and takes the
    /// publisher seat if it is free, then runs up to 300 random sends and receives.
    static func round(_ service: Service, _ random: inout PeerRandom, _ tally: inout QueueVictimCommands.Tally, _ sent: inout Int) throws {
        let policy: OverrunPolicy = random.next() % 2 == 0 ? .block : .dropOldest
        var subscriber = try Subscriber(service: service, overrun: policy, history: random.next() % 2 == 0)
        do {
            var publisher = try Publisher(service: service)
            for _ in 0..<300 {
                if random.next() % 2 == 0 {
                    try send(&publisher, &random, &tally, &sent)
                } else {
                    try receive(&subscriber, &random, &tally)
                }
            }
        } catch let error as InterprocessError where error.code == .alreadyExists {
            // Another victim round's publisher is still alive in the words: receive only.
            for _ in 0..<300 { try receive(&subscriber, &random, &tally) }
        }
    }

    /// One random send: try, zero-copy with a deadline, or a copy with a deadline.
    static func send(_ publisher: inout Publisher, _ random: inout PeerRandom, _ tally: inout QueueVictimCommands.Tally, _ sent: inout Int) throws {
        let maximum = publisher.service.configuration.payload.size
        do {
            tally.operations += 1
            let size = Int(random.next() % UInt64(maximum + 1))
            switch random.next() % 3 {
            case 0:
                if try publisher.trySend(contentsOf: [UInt8](repeating: 0x5A, count: size)) != nil { sent += 1 }
            case 1:
                let deadline = QueueVictimCommands.RandomDeadline(&random)
                let done = try untilTimeout { () throws(InterprocessError) in
                    try publisher.send(byteCount: size, until: deadline.deadline) { span in
                        span.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0xA5) }
                    }
                }
                try QueueVictimCommands.checkReturned(deadline, &tally, "send(byteCount:until:)")
                if done != nil { sent += 1 }
            default:
                let deadline = QueueVictimCommands.RandomDeadline(&random)
                let done = try untilTimeout { () throws(InterprocessError) in
                    try publisher.send(contentsOf: [UInt8](repeating: 0x3C, count: size), until: deadline.deadline)
                }
                try QueueVictimCommands.checkReturned(deadline, &tally, "send(contentsOf:until:)")
                if done != nil { sent += 1 }
            }
        }
    }

    /// One random receive: try or with a deadline, in place or as a copy.
    static func receive(_ subscriber: inout Subscriber, _ random: inout PeerRandom, _ tally: inout QueueVictimCommands.Tally) throws {
        let limit = subscriber.service.configuration.payload.size
        func touch(_ sample: borrowing ReceivedSample) throws -> Int {
            try QueueVictimCommands.checkLength(sample.byteCount, limit: limit, "a received sample")
            // Read every byte: a payload outside the mapping would fault here.
            return sample.withUnsafeBytes { bytes in
                var sum: UInt8 = 0
                for byte in bytes { sum &+= byte }
                return Int(sum)
            }
        }
        do {
            tally.operations += 1
            switch random.next() % 3 {
            case 0:
                let got = try subscriber.tryReceive { sample throws(InterprocessError) in
                    do { return try touch(sample) } catch { return -1 }
                }
                if got == -1 { throw PeerFailure("tryReceive lent a sample larger than the configured maximum") }
                if got != nil { tally.records += 1 } else { tally.empty += 1 }
            case 1:
                let deadline = QueueVictimCommands.RandomDeadline(&random)
                let got = try untilTimeout { () throws(InterprocessError) in
                    try subscriber.receive(until: deadline.deadline) { sample throws(InterprocessError) in
                        do { return try touch(sample) } catch { return -1 }
                    }
                }
                try QueueVictimCommands.checkReturned(deadline, &tally, "receive(until:_:)")
                if got == -1 { throw PeerFailure("receive(until:) lent a sample larger than the configured maximum") }
                if got != nil { tally.records += 1 } else { tally.empty += 1 }
            default:
                let deadline = QueueVictimCommands.RandomDeadline(&random)
                let bytes = try untilTimeout { () throws(InterprocessError) in try subscriber.receive(until: deadline.deadline) }
                try QueueVictimCommands.checkReturned(deadline, &tally, "receive(until:) -> [UInt8]")
                if let bytes { try QueueVictimCommands.checkLength(bytes.count, limit: limit, "receive(until:) -> [UInt8]"); tally.records += 1 } else { tally.empty += 1 }
            }
        }
    }
}
