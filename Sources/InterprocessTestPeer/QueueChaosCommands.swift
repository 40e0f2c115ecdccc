import Interprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `queue-chaos-produce`, `queue-chaos-consume`: SPSC or MPMC endpoints for the randomized kill
/// test; the test SIGKILLs them at random points and starts new ones that take the endpoint over.
///
/// Records are ``QueueCommands``' self-checking records (producer id, sequence, checksum).
/// LEDGER is plain shared memory laid out as ``QueueChaosLedger``: every delivery is counted
/// there per (producer, sequence), so the test can tell duplicates, losses and fabrications.
enum QueueChaosCommands {
    /// `queue-chaos-produce spsc|mpmc QUEUE LEDGER PRODUCER SEED`: attaches as a producer (for
    /// SPSC, taking over from a dead one), sends records 0, 1, … as producer PRODUCER (a fresh id
    /// per process), storing `sent = sequence + 1` after each, pausing 0–200 µs; stops sending
    /// after ``QueueChaosLedger/sequences`` records and then sleeps until killed.
    static func produce(_ arguments: inout Arguments) throws {
        let kind = try arguments.next("KIND"), queue = try arguments.next("QUEUE")
        let ledger = try QueueChaosLedger(open: try arguments.next("LEDGER"))
        let producerID = UInt32(try arguments.nextInt("PRODUCER"))
        var random = PeerRandom(seed: UInt64(truncatingIfNeeded: try arguments.nextInt("SEED")))
        try arguments.finish()
        guard Int(producerID) < QueueChaosLedger.producers else { throw UsageError("PRODUCER is below \(QueueChaosLedger.producers)") }
        let sent = ledger.sent(producerID)
        func pause() {
            let roll = random.next()
            usleep(UInt32(roll % 200))
        }
        func linger() {
            let roll = random.next()
            if roll % 8 == 0 { usleep(UInt32((roll >> 8) % 300)) }
        }
        if kind == "spsc" {
            var producer = try attach { () throws(InterprocessError) in try SPSCQueue(open: queue, timeout: .seconds(2)).makeProducer() }
            for sequence in 0..<UInt64(QueueChaosLedger.sequences) {
                let size = QueueCommands.recordSize(run: producerID, sequence: sequence, maximum: producer.maximumRecordSize)
                var space = try producer.tryReserve(size)
                while space == nil {
                    try producer.waitForSpace(size)
                    space = try producer.tryReserve(size)
                }
                QueueCommands.fill(space!, run: producerID, sequence: sequence)
                linger()  // a kill here leaves a record written but unpublished
                producer.commit(size)
                sent.pointee.store(sequence + 1, ordering: .relaxed)
                pause()
            }
        } else {
            var producer = try attach { () throws(InterprocessError) in try MPMCQueue(open: queue, timeout: .seconds(2)).makeProducer() }
            for sequence in 0..<UInt64(QueueChaosLedger.sequences) {
                let size = QueueCommands.recordSize(run: producerID, sequence: sequence, maximum: producer.slotSize)
                try producer.send(upTo: size) { out in
                    QueueCommands.fill(&out, count: size, run: producerID, sequence: sequence)
                    linger()  // a kill here leaves a claimed slot unpublished: consumers skip it
                }
                sent.pointee.store(sequence + 1, ordering: .relaxed)
                pause()
            }
        }
        withExtendedLifetime(ledger) { while true { pause() } }
    }

    /// `queue-chaos-consume spsc|mpmc QUEUE LEDGER SEED [--drain]`: attaches as a consumer (for
    /// SPSC, taking over from a dead one) and receives records in place for ever, recording each
    /// in the ledger before releasing it (a kill in between is a delivery the queue repeats).
    /// With `--drain` it stops once no record came for 500 ms, stores the MPMC skipped and
    /// redelivered counters in the ledger and exits.
    static func consume(_ arguments: inout Arguments) throws {
        let kind = try arguments.next("KIND"), queue = try arguments.next("QUEUE")
        let ledger = try QueueChaosLedger(open: try arguments.next("LEDGER"))
        var random = PeerRandom(seed: UInt64(truncatingIfNeeded: try arguments.nextInt("SEED")))
        let drain = arguments.nextIfPresent() == "--drain"
        try arguments.finish()
        func linger() {
            let roll = random.next()
            if roll % 8 == 0 { usleep(UInt32(roll % 300)) }  // widens the mid-borrow window
        }
        if kind == "spsc" {
            var consumer = try attach { () throws(InterprocessError) in try SPSCQueue(open: queue, timeout: .seconds(2)).makeConsumer() }
            while true {
                guard let record = try consumer.tryPeek() else {
                    let arrived = try untilTimeout { () throws(InterprocessError) in try consumer.waitForRecord(until: .after(.milliseconds(500))) } != nil
                    if !arrived && drain { return }
                    continue
                }
                ledger.record(record, ordered: true)
                linger()
                consumer.release()
            }
        } else {
            var consumer = try attach { () throws(InterprocessError) in try MPMCQueue(open: queue, timeout: .seconds(2)).makeConsumer() }
            while true {
                let received = try untilTimeout { () throws(InterprocessError) in
                    try consumer.receive(until: .after(.milliseconds(500))) { record in
                        record.withUnsafeBytes { ledger.record($0, ordered: false) }
                        linger()
                        return true
                    }
                } != nil
                if !received && drain {
                    ledger.word(QueueChaosLedger.skippedOffset).pointee.store(consumer.skippedRecords, ordering: .relaxed)
                    ledger.word(QueueChaosLedger.redeliveredOffset).pointee.store(consumer.redeliveredRecords, ordering: .relaxed)
                    return
                }
            }
        }
    }

    /// Attaches with `make`, retrying for 5 s while the endpoint's previous holder still counts
    /// as alive (the test reaps a killed one before it starts the next).
    static func attach<Endpoint: ~Copyable>(_ make: () throws(InterprocessError) -> Endpoint) throws -> Endpoint {
        let deadline = Deadline.after(.seconds(5))
        while true {
            do {
                return try make()
            } catch {
                guard error.code == .alreadyExists, !deadline.hasPassed else { throw error }
                usleep(2_000)
            }
        }
    }
}

/// The ledger of `queue-chaos-*` (words UInt64 unless said): violations at 0 (torn or
/// impossible records) and 8 (SPSC order), producer ids seen last at 16, the drainer's MPMC
/// skipped and redelivered counters at 24 and 32; `sent` per producer from 4096, the SPSC
/// consumer's next expected sequence per producer (0: none yet) from 8192, and a
/// UInt32 delivery count per (producer, sequence) from 12288 (each table holds 256 producers).
final class QueueChaosLedger {
    static let producers = 256, sequences = 4096
    static let tornOffset = 0, orderOffset = 8, lastProducerOffset = 16, skippedOffset = 24, redeliveredOffset = 32
    static let sentOffset = 4096, expectedOffset = 8192, countsOffset = 12288
    static let size = countsOffset + producers * sequences * 4

    let memory: SharedMemory
    var base: UnsafeMutableRawPointer { memory.region.baseAddress }

    init(open name: String) throws { memory = try SharedMemory(open: name) }

    func word(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
    }
    func sent(_ producer: UInt32) -> UnsafeMutablePointer<Atomic<UInt64>> { word(Self.sentOffset + 8 * Int(producer)) }

    /// Counts one delivery of `record`, checking its checksum and, `ordered` (SPSC), that each
    /// producer's sequence goes on from the last one delivered (or repeats it: a redelivery) and
    /// that producers follow one another.
    func record(_ record: UnsafeRawBufferPointer, ordered: Bool) {
        guard record.count >= QueueCommands.minimumRecord,
              record.loadUnaligned(fromByteOffset: record.count - 8, as: UInt64.self)
                == QueueCommands.checksum(UnsafeRawBufferPointer(rebasing: record[0..<(record.count - 8)])) else {
            word(Self.tornOffset).pointee.wrappingAdd(1, ordering: .relaxed)
            return
        }
        let producer = record.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
        let sequence = record.loadUnaligned(fromByteOffset: 4, as: UInt64.self)
        guard Int(producer) < Self.producers, sequence < UInt64(Self.sequences) else {
            word(Self.tornOffset).pointee.wrappingAdd(1, ordering: .relaxed)
            return
        }
        if ordered {
            let last = word(Self.lastProducerOffset)
            if UInt64(producer) < last.pointee.load(ordering: .relaxed) { word(Self.orderOffset).pointee.wrappingAdd(1, ordering: .relaxed) }
            last.pointee.store(UInt64(producer), ordering: .relaxed)
            let expected = word(Self.expectedOffset + 8 * Int(producer))
            let next = expected.pointee.load(ordering: .relaxed)  // sequence + 1 of the last delivered
            if sequence != next && sequence &+ 1 != next { word(Self.orderOffset).pointee.wrappingAdd(1, ordering: .relaxed) }
            expected.pointee.store(sequence + 1, ordering: .relaxed)
        }
        (base + Self.countsOffset + 4 * (Int(producer) * Self.sequences + Int(sequence)))
            .bindMemory(to: Atomic<UInt32>.self, capacity: 1).pointee.wrappingAdd(1, ordering: .relaxed)
    }
}
