import Interprocess

#if canImport(Glibc)
import Glibc
#endif

/// Peer commands for the SPSC queue tests. Records are self-checking: run (UInt32), sequence
/// number (UInt64), filler derived from both, and an FNV-1a 64 checksum of everything before it
/// in the last 8 bytes; their sizes come from a PRNG seeded by run and sequence number.
enum QueueCommands {
    static let minimumRecord = 20

    /// The size of record `sequence` of `run`, from `minimumRecord` to `maximum`.
    static func recordSize(run: UInt32, sequence: UInt64, maximum: Int) -> Int {
        var x = sequence &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(run) &* 0xBF58_476D_1CE4_E5B9 | 1
        x ^= x >> 31
        x = x &* 0x94D0_49BB_1331_11EB
        x ^= x >> 29
        return minimumRecord + Int(x % UInt64(maximum - minimumRecord + 1))
    }

    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    /// Writes record `sequence` of `run` into `space` (exactly its size).
    static func fill(_ space: UnsafeMutableRawBufferPointer, run: UInt32, sequence: UInt64) {
        space.storeBytes(of: run, toByteOffset: 0, as: UInt32.self)
        space.storeBytes(of: sequence, toByteOffset: 4, as: UInt64.self)
        for index in 12..<(space.count - 8) { space[index] = UInt8(truncatingIfNeeded: sequence &+ UInt64(index)) }
        let sum = checksum(UnsafeRawBufferPointer(rebasing: space[0..<(space.count - 8)]))
        space.storeBytes(of: sum, toByteOffset: space.count - 8, as: UInt64.self)
    }

    /// Fills the first `count` bytes of `out` as ``fill(_:run:sequence:)`` does.
    static func fill(_ out: inout OutputRawSpan, count: Int, run: UInt32, sequence: UInt64) {
        out.withUnsafeMutableBytes { buffer, initialized in
            fill(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]), run: run, sequence: sequence)
            initialized = count
        }
    }

    /// `spsc-produce NAME RUN COUNT MAXSIZE [BATCH]`: sends COUNT records of run RUN, publishing
    /// every BATCH records (default 1), blocking when full. Prints "sent COUNT".
    static func produce(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let run = UInt32(try arguments.nextInt("RUN"))
        let count = try arguments.nextInt("COUNT")
        let maximum = try arguments.nextInt("MAXSIZE")
        let batch = max(1, arguments.nextIfPresent().flatMap { Int($0) } ?? 1)
        var producer = try SPSCQueue(open: name).makeProducer()
        if let replaced = producer.replacedProducer { print("replaced \(replaced)") }
        for sequence in 0..<UInt64(count) {
            let size = recordSize(run: run, sequence: sequence, maximum: maximum)
            var space = try producer.tryReserve(size)
            while space == nil {
                try producer.waitForSpace(size)
                space = try producer.tryReserve(size)
            }
            fill(space!, run: run, sequence: sequence)
            producer.commit(size, publish: (sequence + 1) % UInt64(batch) == 0)
        }
        producer.publish()
        print("sent \(count)")
    }

    /// `spsc-produce-then-die NAME RUN COUNT MAXSIZE`: sends COUNT whole records, then reserves
    /// one more, writes half of it and commits nothing, and kills itself with SIGKILL.
    static func produceThenDie(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let run = UInt32(try arguments.nextInt("RUN"))
        let count = try arguments.nextInt("COUNT")
        let maximum = try arguments.nextInt("MAXSIZE")
        var producer = try SPSCQueue(open: name).makeProducer()
        if let replaced = producer.replacedProducer { print("replaced \(replaced)") }
        for sequence in 0..<UInt64(count) {
            let size = recordSize(run: run, sequence: sequence, maximum: maximum)
            guard let space = try producer.tryReserve(size) else { throw UsageError("the queue is full") }
            fill(space, run: run, sequence: sequence)
            producer.commit(size)
        }
        let size = recordSize(run: run, sequence: UInt64(count), maximum: maximum)
        if let space = try producer.tryReserve(size) {
            fill(space, run: run, sequence: UInt64(count))
            // Also scribble a plausible header where the record's header goes: it must not matter.
            space.baseAddress!.advanced(by: -8).storeBytes(of: UInt64(size), as: UInt64.self)
        }
        print("dying")
        fflushAll()
        kill(getpid(), SIGKILL)
    }

    /// `spsc-consume NAME COUNT TIMEOUT_MS [--expect-empty]`: receives COUNT records, checking
    /// each one's checksum and that every run's sequence numbers are consecutive; with
    /// `--expect-empty`, then checks that nothing more arrives within 20 ms. Prints
    /// "received COUNT runs R".
    static func consume(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let count = try arguments.nextInt("COUNT")
        let timeout = try arguments.nextInt("TIMEOUT_MS")
        let expectEmpty = arguments.nextIfPresent() == "--expect-empty"
        var consumer = try SPSCQueue(open: name).makeConsumer()
        if let replaced = consumer.replacedConsumer { print("replaced \(replaced)") }
        let deadline = Deadline.after(.milliseconds(timeout))
        var nextSequence: [UInt32: UInt64] = [:]
        for received in 0..<count {
            guard try untilTimeout({ () throws(InterprocessError) in try consumer.waitForRecord(until: deadline) }) != nil else {
                throw UsageError("timed out after \(received) of \(count) records")
            }
            guard let record = try consumer.tryPeek() else { throw UsageError("no record after a successful wait") }
            try verify(record, expecting: &nextSequence)
            consumer.release(publish: received % 64 == 63)
        }
        consumer.publishReleases()
        if expectEmpty, try untilTimeout({ () throws(InterprocessError) in try consumer.waitForRecord(until: .after(.milliseconds(20))) }) != nil {
            let extra = try consumer.tryPeek()
            throw UsageError("a record of \(extra?.count ?? -1) bytes arrived after the \(count) expected")
        }
        print("received \(count) runs \(nextSequence.count)")
    }

    static func verify(_ record: UnsafeRawBufferPointer, expecting nextSequence: inout [UInt32: UInt64]) throws {
        guard record.count >= minimumRecord else { throw UsageError("torn record: only \(record.count) bytes") }
        let sum = checksum(UnsafeRawBufferPointer(rebasing: record[0..<(record.count - 8)]))
        guard record.loadUnaligned(fromByteOffset: record.count - 8, as: UInt64.self) == sum else {
            throw UsageError("torn record: checksum mismatch in a record of \(record.count) bytes")
        }
        let run = record.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
        let sequence = record.loadUnaligned(fromByteOffset: 4, as: UInt64.self)
        let expected = nextSequence[run] ?? 0
        guard sequence == expected else {
            throw UsageError("out of order: run \(run) sent \(sequence) where \(expected) was expected")
        }
        nextSequence[run] = sequence + 1
    }

    /// `spsc-borrow-then-die NAME`: attaches as consumer, borrows the next record (waiting up to
    /// 10 s), prints "borrowed VALUE" (its first 8 bytes as a UInt64), and kills itself.
    static func borrowThenDie(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        var consumer = try SPSCQueue(open: name).makeConsumer()
        try consumer.waitForRecord(until: .after(.seconds(10)))
        guard let record = try consumer.tryPeek(), record.count >= 8 else {
            throw UsageError("no 8-byte record arrived")
        }
        print("borrowed \(record.loadUnaligned(as: UInt64.self))")
        fflushAll()
        kill(getpid(), SIGKILL)
    }

    private static func fflushAll() { fflush(nil) }
}
