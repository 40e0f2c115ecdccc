import Interprocess

#if canImport(Glibc)
import Glibc
#endif

/// Peer commands for the MPMC queue tests. Records are the self-checking records of
/// ``QueueCommands`` (run = producer id, sequence number, filler, FNV-1a checksum), of sizes
/// from 20 bytes to the slot size; a record with sequence number `UInt64.max` ends a producer's
/// stream (one per consumer).
enum MPMCCommands {
    static let endOfStream = UInt64.max

    /// `mpmc-produce NAME PRODUCER COUNT CONSUMERS`: sends COUNT records as producer PRODUCER,
    /// then CONSUMERS end-of-stream records, blocking when full. Prints "sent COUNT".
    static func produce(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let producerID = UInt32(try arguments.nextInt("PRODUCER"))
        let count = try arguments.nextInt("COUNT")
        let consumers = try arguments.nextInt("CONSUMERS")
        var producer = try MPMCQueue(open: name).makeProducer()
        let maximum = producer.slotSize
        for sequence in 0..<UInt64(count) {
            let size = QueueCommands.recordSize(run: producerID, sequence: sequence, maximum: maximum)
            try producer.send(upTo: size) { QueueCommands.fill(&$0, count: size, run: producerID, sequence: sequence) }
        }
        for _ in 0..<consumers {
            try producer.send(upTo: QueueCommands.minimumRecord) {
                QueueCommands.fill(&$0, count: QueueCommands.minimumRecord, run: producerID, sequence: endOfStream)
            }
        }
        print("sent \(count)")
    }

    /// What one consumer saw of one producer's records.
    struct Tally {
        var count: UInt64 = 0
        var sum: UInt64 = 0
        var squares: UInt64 = 0
        var last: UInt64?
    }

    /// `mpmc-consume NAME PRODUCERS TIMEOUT_MS`: receives records until it has PRODUCERS
    /// end-of-stream records, checking every checksum and that each producer's sequence
    /// numbers rise. Prints "received N", then per producer "producer P count C sum S squares Q"
    /// (sums wrap), then "skipped K redelivered R".
    static func consume(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let producers = try arguments.nextInt("PRODUCERS")
        let timeout = try arguments.nextInt("TIMEOUT_MS")
        var consumer = try MPMCQueue(open: name).makeConsumer()
        let deadline = Deadline.after(.milliseconds(timeout))
        var tallies: [UInt32: Tally] = [:]
        var ends = 0, received = 0
        while ends < producers {
            // The closure throws only InterprocessError: a bad record comes out as a Result.
            let outcome = try untilTimeout { () throws(InterprocessError) in
                try consumer.receive(until: deadline) { record in
                    record.withUnsafeBytes { bytes in
                        Result { () throws(UsageError) in
                            try check(bytes)
                            return (bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self), bytes.loadUnaligned(fromByteOffset: 4, as: UInt64.self))
                        }
                    }
                }
            }
            guard let outcome else {
                throw UsageError("timed out after \(received) records and \(ends) of \(producers) ends of stream")
            }
            let (producerID, sequence) = try outcome.get()
            if sequence == endOfStream {
                ends += 1
                continue
            }
            received += 1
            var tally = tallies[producerID, default: Tally()]
            if let last = tally.last, sequence <= last {
                throw UsageError("out of order: producer \(producerID) sent \(sequence) after \(last)")
            }
            tally.last = sequence
            tally.count += 1
            tally.sum &+= sequence
            tally.squares &+= sequence &* sequence
            tallies[producerID] = tally
        }
        print("received \(received)")
        for (producerID, tally) in tallies.sorted(by: { $0.key < $1.key }) {
            print("producer \(producerID) count \(tally.count) sum \(tally.sum) squares \(tally.squares)")
        }
        print("skipped \(consumer.skippedRecords) redelivered \(consumer.redeliveredRecords)")
    }

    static func check(_ record: UnsafeRawBufferPointer) throws(UsageError) {
        guard record.count >= QueueCommands.minimumRecord else { throw UsageError("torn record: only \(record.count) bytes") }
        let sum = QueueCommands.checksum(UnsafeRawBufferPointer(rebasing: record[0..<(record.count - 8)]))
        guard record.loadUnaligned(fromByteOffset: record.count - 8, as: UInt64.self) == sum else {
            throw UsageError("torn record: checksum mismatch in a record of \(record.count) bytes")
        }
    }

    /// `mpmc-claim-then-die NAME VALUE`: sends VALUE (a UInt64), then claims a slot, writes half
    /// of another 8-byte record into it, and kills itself with SIGKILL before publishing it.
    static func claimThenDie(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let value = UInt64(try arguments.nextInt("VALUE"))
        var producer = try MPMCQueue(open: name).makeProducer()
        guard try producer.trySend(value) else { throw UsageError("the queue is full") }
        _ = try producer.trySend(upTo: 8) { out in
            out.append(UInt32(0xDEAD), as: UInt32.self)
            print("dying")
            fflush(nil)
            kill(getpid(), SIGKILL)
        }
        throw UsageError("the queue is full")
    }

    /// `mpmc-read-then-die NAME`: claims the next record (waiting up to 10 s), prints
    /// "reading VALUE" (its first 8 bytes as a UInt64), and kills itself while holding it.
    static func readThenDie(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        var consumer = try MPMCQueue(open: name).makeConsumer()
        _ = try consumer.receive(until: .after(.seconds(10))) { record in
            print("reading \(record.byteCount >= 8 ? record.unsafeLoadUnaligned(as: UInt64.self) : 0)")
            fflush(nil)
            kill(getpid(), SIGKILL)
        }
        throw UsageError("no record arrived")
    }
}
