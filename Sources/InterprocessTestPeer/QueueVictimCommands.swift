import Interprocess

#if canImport(Glibc)
import Glibc
#endif

/// `queue-victim spsc|mpmc NAME MILLISECONDS SEED`: the receiving end of the randomized
/// mutation tests. For MILLISECONDS it attaches to the queue and runs random non-blocking and
/// deadline sends and receives (deadlines of 0–3 ms) while the test rewrites the segment under
/// it; after a library error it attaches again. Every call must return a record within the
/// queue's limits, a typed error, or nothing by its deadline; anything else exits with status 3.
/// A crash is the test's to see (a signal), a hang too (the test kills it).
///
/// "By its deadline" is judged in CPU time: a call that spins past its deadline burns CPU, and
/// one that sleeps past it would hang the test, while a shared, overloaded machine can stop
/// the whole process for seconds (wall-clock lateness is reported, not judged). Prints
/// "ops N records R empty E errors C (corrupt K) late L ms (cpu M ms)": the latest any deadline
/// call returned after its deadline, in wall-clock and in CPU time.
enum QueueVictimCommands {
    /// How much CPU time past its deadline a call may use before it counts as spinning.
    static let slack: UInt64 = 2_000_000_000

    struct Tally {
        var operations = 0, records = 0, empty = 0, errors = 0, corrupt = 0
        var lateness: UInt64 = 0, cpuLateness: UInt64 = 0
        var description: String {
            "ops \(operations) records \(records) empty \(empty) errors \(errors) (corrupt \(corrupt)) late \(lateness / 1_000_000) ms (cpu \(cpuLateness / 1_000_000) ms)"
        }

        mutating func count(_ error: InterprocessError) {
            errors += 1
            if error.code == .corrupt { corrupt += 1 }
        }
    }

    static func run(_ arguments: inout Arguments) throws {
        let kind = try arguments.next("spsc|mpmc")
        let name = try arguments.next("NAME")
        let milliseconds = try arguments.nextInt("MILLISECONDS")
        let seed = UInt64(try arguments.nextInt("SEED"))
        try arguments.finish()
        var random = PeerRandom(seed: seed)
        var tally = Tally()
        let end = Deadline.after(.milliseconds(milliseconds))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
        defer { buffer.deallocate() }
        while !end.hasPassed {
            do {
                switch kind {
                case "spsc": try spscRound(name, &random, &tally, buffer)
                case "mpmc": try mpmcRound(name, &random, &tally, buffer)
                default: throw UsageError("kind must be spsc or mpmc (got '\(kind)')")
                }
            } catch let error as InterprocessError {
                tally.count(error)
            }
        }
        print(tally.description)
    }

    /// A deadline 0–3 ms away, with the clocks read when it was set.
    struct RandomDeadline {
        var deadline: Deadline
        var wait: UInt64
        var cpuStart: UInt64

        init(_ random: inout PeerRandom) {
            wait = random.next() % 3_000_000
            cpuStart = QueueVictimCommands.threadCPUTime()
            deadline = Deadline(nanoseconds: Deadline.now.nanoseconds + wait)
        }
    }

    static func threadCPUTime() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    static func checkReturned(_ deadline: RandomDeadline, _ tally: inout Tally, _ what: String) throws {
        let now = Deadline.now.nanoseconds
        if now > deadline.deadline.nanoseconds { tally.lateness = max(tally.lateness, now - deadline.deadline.nanoseconds) }
        let cpu = threadCPUTime() - deadline.cpuStart
        if cpu > deadline.wait { tally.cpuLateness = max(tally.cpuLateness, cpu - deadline.wait) }
        if cpu > deadline.wait + slack {
            throw PeerFailure("\(what) used \(cpu / 1_000_000) ms of CPU for a deadline \(deadline.wait / 1000) µs away")
        }
    }

    static func checkLength(_ length: Int, limit: Int, _ what: String) throws {
        if length < 0 || length > limit { throw PeerFailure("\(what) returned a record of \(length) bytes from a queue whose limit is \(limit)") }
    }

    /// Attaches both ends and runs up to 200 random calls; a library error ends the round.
    static func spscRound(_ name: String, _ random: inout PeerRandom, _ tally: inout Tally, _ buffer: UnsafeMutableRawBufferPointer) throws {
        let queue = try SPSCQueue(open: name, timeout: .milliseconds(100))
        var producer = try queue.makeProducer()
        var consumer = try queue.makeConsumer()
        let limit = consumer.maximumRecordSize
        let into = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<limit])
        for _ in 0..<200 {
            tally.operations += 1
            let size = Int(random.next() % UInt64(limit + 1))
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<size])
            switch random.next() % 6 {
            case 0:
                _ = try producer.trySend(bytes)
            case 1:
                let deadline = RandomDeadline(&random)
                _ = try untilTimeout { () throws(InterprocessError) in try producer.send(bytes, until: deadline.deadline) }
                try checkReturned(deadline, &tally, "send(_:until:)")
            case 2:
                if let length = try consumer.tryReceive(into: into) {
                    try checkLength(length, limit: limit, "tryReceive(into:)")
                    tally.records += 1
                } else {
                    tally.empty += 1
                }
            case 3:
                let deadline = RandomDeadline(&random)
                let length = try untilTimeout { () throws(InterprocessError) in try consumer.receive(into: into, until: deadline.deadline) }
                try checkReturned(deadline, &tally, "receive(into:until:)")
                if let length { try checkLength(length, limit: limit, "receive(into:until:)"); tally.records += 1 } else { tally.empty += 1 }
            case 4:
                if let record = try consumer.tryPeek() {
                    try checkLength(record.count, limit: limit, "tryPeek()")
                    // Touch every byte: a record outside the mapping would fault here.
                    var sum: UInt8 = 0
                    for byte in record { sum &+= byte }
                    _ = sum
                    consumer.release()
                    tally.records += 1
                } else {
                    tally.empty += 1
                }
            default:
                let deadline = RandomDeadline(&random)
                let value = try untilTimeout { () throws(InterprocessError) in try consumer.receive(as: UInt64.self, until: deadline.deadline) }
                try checkReturned(deadline, &tally, "receive(as:until:)")
                if value != nil { tally.records += 1 } else { tally.empty += 1 }
            }
        }
    }

    /// Attaches a producer and a consumer and runs up to 200 random calls; a library error
    /// ends the round.
    static func mpmcRound(_ name: String, _ random: inout PeerRandom, _ tally: inout Tally, _ buffer: UnsafeMutableRawBufferPointer) throws {
        let queue = try MPMCQueue(open: name, timeout: .milliseconds(100))
        var producer = try queue.makeProducer()
        var consumer = try queue.makeConsumer()
        let limit = consumer.slotSize
        for _ in 0..<200 {
            tally.operations += 1
            let size = Int(random.next() % UInt64(limit + 1))
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<size])
            // Receive buffers larger than a slot: the slot size, not the buffer, must bound a record.
            let into = buffer
            switch random.next() % 8 {
            case 0:
                _ = try producer.trySend(bytes)
            case 1:
                let deadline = RandomDeadline(&random)
                _ = try untilTimeout { () throws(InterprocessError) in try producer.send(bytes, until: deadline.deadline) }
                try checkReturned(deadline, &tally, "send(_:until:)")
            case 2:
                _ = try producer.trySend(upTo: size) { $0.append(repeating: UInt8(0xA5), count: size, as: UInt8.self) }
            case 3:
                if let length = try consumer.tryReceive(into: into) {
                    try checkLength(length, limit: limit, "tryReceive(into:)")
                    tally.records += 1
                } else {
                    tally.empty += 1
                }
            case 4:
                let deadline = RandomDeadline(&random)
                let length = try untilTimeout { () throws(InterprocessError) in try consumer.receive(into: into, until: deadline.deadline) }
                try checkReturned(deadline, &tally, "receive(into:until:)")
                if let length { try checkLength(length, limit: limit, "receive(into:until:)"); tally.records += 1 } else { tally.empty += 1 }
            case 5:
                let count = try consumer.tryReceive { record in
                    record.withUnsafeBytes { bytes in
                        var sum: UInt8 = 0
                        for byte in bytes { sum &+= byte }
                        _ = sum
                        return bytes.count
                    }
                }
                if let count { try checkLength(count, limit: limit, "tryReceive(_:)"); tally.records += 1 } else { tally.empty += 1 }
            case 6:
                let deadline = RandomDeadline(&random)
                let value = try untilTimeout { () throws(InterprocessError) in try consumer.receive(as: UInt64.self, until: deadline.deadline) }
                try checkReturned(deadline, &tally, "receive(as:until:)")
                if value != nil { tally.records += 1 } else { tally.empty += 1 }
            default:
                let deadline = RandomDeadline(&random)
                let count = try untilTimeout { () throws(InterprocessError) in try consumer.receive(until: deadline.deadline) { $0.byteCount } }
                try checkReturned(deadline, &tally, "receive(until:_:)")
                if let count { try checkLength(count, limit: limit, "receive(until:_:)"); tally.records += 1 } else { tally.empty += 1 }
            }
        }
    }
}

