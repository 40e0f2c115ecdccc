import Foundation
@testable import Interprocess
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// SPSC and MPMC endpoints SIGKILLed at random points while records flow, and replaced by new
/// processes that take the endpoint over. Every delivery is counted per (producer, sequence) in a
/// ledger (the test peer's QueueChaosLedger): no torn record, SPSC order per producer, at most
/// once but for records whose consumer died while reading them (redelivered), at least once for
/// every record whose send returned. Seeded: `CHAOS_SEED` replays a run.
@Suite("Queues under random endpoint kills", .serialized, .timeLimit(.minutes(5)))
struct QueueKillTests {
    // The ledger's layout (QueueChaosLedger in the test peer).
    static let producerIDs = 256, sequences = 4096
    static let tornOffset = 0, orderOffset = 8, skippedOffset = 24, redeliveredOffset = 32
    static let sentOffset = 4096, countsOffset = 12288
    static let ledgerSize = countsOffset + producerIDs * sequences * 4

    @Test("random SIGKILLs of producers and consumers: nothing torn, reordered, invented or lost; duplicates only as redeliveries",
          arguments: ["spsc", "mpmc"])
    func randomKills(kind: String) throws {
        let seed = ChaosSeed.make()
        var random = SeededRandom(seed: seed)
        let context = "seed \(seed), \(kind)"
        let queue = TestSupport.uniqueName("qkill"), ledgerName = TestSupport.uniqueName("qkill-ledger")
        defer {
            try? SharedMemory.remove(queue)
            try? SharedMemory.remove(ledgerName)
        }
        if kind == "spsc" {
            _ = try SPSCQueue(create: queue, capacity: 4096, maximumRecordSize: 200)
        } else {
            _ = try MPMCQueue(create: queue, slotCount: 16, slotSize: 120)
        }
        let ledger = try SharedMemory(create: ledgerName, size: Self.ledgerSize)
        let base = ledger.region.baseAddress
        func word(_ offset: Int) -> UInt64 {
            (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1).pointee.load(ordering: .relaxed)
        }
        func deliveries(_ producer: Int, _ sequence: Int) -> UInt32 {
            (base + Self.countsOffset + 4 * (producer * Self.sequences + sequence))
                .bindMemory(to: Atomic<UInt32>.self, capacity: 1).pointee.load(ordering: .relaxed)
        }

        // SPSC has one endpoint of each side; MPMC two producers and two consumers.
        let sides = kind == "spsc" ? 1 : 2
        var nextProducer = 0
        func startProducer() throws -> SpawnedPeer {
            defer { nextProducer += 1 }
            return try SpawnedPeer("queue-chaos-produce", kind, queue, ledgerName, String(nextProducer), String(random.next() >> 1))
        }
        func startConsumer(drain: Bool = false) throws -> SpawnedPeer {
            try SpawnedPeer(arguments: ["queue-chaos-consume", kind, queue, ledgerName, String(random.next() >> 1)] + (drain ? ["--drain"] : []))
        }
        var producers = try (0..<sides).map { _ in try startProducer() }
        var consumers = try (0..<sides).map { _ in try startConsumer() }
        var killedProducers: UInt64 = 0, killedConsumers: UInt64 = 0
        for _ in 0..<ChaosSeed.scaled(24) {
            usleep(UInt32(5_000 + random.next() % 40_000))
            let index = Int(random.next() % UInt64(sides))
            if random.next() % 2 == 0 && nextProducer < Self.producerIDs {
                producers[index].killAndReap()
                killedProducers += 1
                producers[index] = try startProducer()
            } else {
                consumers[index].killAndReap()
                killedConsumers += 1
                consumers[index] = try startConsumer()
            }
        }
        for producer in producers { producer.killAndReap() }
        for consumer in consumers { consumer.killAndReap() }
        killedProducers += UInt64(sides)
        killedConsumers += UInt64(sides)

        // A last consumer takes what is left and exits once nothing came for 500 ms.
        #expect(ChaosSeed.exitedCleanly(try startConsumer(drain: true).waitForExit(timeout: 15)),
                "\(context): the draining consumer failed or hung")

        #expect(word(Self.tornOffset) == 0, "\(context): \(word(Self.tornOffset)) torn or impossible records delivered")
        #expect(word(Self.orderOffset) == 0, "\(context): \(word(Self.orderOffset)) SPSC records out of order")
        var duplicates: UInt64 = 0, lost: [String] = [], invented: [String] = [], sentTotal: UInt64 = 0
        for producer in 0..<nextProducer {
            let sent = Int(word(Self.sentOffset + 8 * producer))
            sentTotal += UInt64(sent)
            for sequence in 0..<Self.sequences {
                let count = deliveries(producer, sequence)
                if count > 1 { duplicates += UInt64(count - 1) }
                // `sent` counts every send that returned; the one after it may have been
                // published just before its producer died.
                if sequence < sent && count == 0 && lost.count < 5 { lost.append("\(producer)/\(sequence)") }
                if sequence > sent && count > 0 && invented.count < 5 { invented.append("\(producer)/\(sequence)") }
            }
        }
        #expect(sentTotal > 0, "\(context): nothing was sent")
        #expect(lost.isEmpty, "\(context): records sent but never delivered (producer/sequence): \(lost)")
        #expect(invented.isEmpty, "\(context): records delivered that were never sent: \(invented)")
        if kind == "spsc" {
            // A consumer killed after recording a record and before releasing it sees it again.
            #expect(duplicates <= killedConsumers, "\(context): \(duplicates) duplicates, \(killedConsumers) consumers killed")
        } else {
            let redelivered = word(Self.redeliveredOffset), skipped = word(Self.skippedOffset)
            #expect(duplicates <= redelivered, "\(context): \(duplicates) duplicates but \(redelivered) redeliveries counted")
            #expect(redelivered <= killedConsumers, "\(context): \(redelivered) redeliveries, \(killedConsumers) consumers killed")
            #expect(skipped <= killedProducers, "\(context): \(skipped) skipped slots, \(killedProducers) producers killed")
        }

        // The queue still works: fresh endpoints take over from the dead ones.
        if kind == "spsc" {
            var producer = try SPSCQueue(open: queue).makeProducer()
            var consumer = try SPSCQueue(open: queue).makeConsumer()
            for value in UInt64(1)...3 { try producer.send(value) }
            for value in UInt64(1)...3 {
                let received: UInt64? = try consumer.receive(as: UInt64.self, until: .after(.seconds(5)))
                #expect(received == value, "\(context)")
            }
        } else {
            var producer = try MPMCQueue(open: queue).makeProducer()
            var consumer = try MPMCQueue(open: queue).makeConsumer()
            for value in UInt64(1)...3 { try producer.send(value) }
            var received: Set<UInt64> = []
            for _ in 1...3 { if let value = try untilTimeout({ () throws(InterprocessError) in try consumer.receive(as: UInt64.self, until: .after(.seconds(5))) }) { received.insert(value) } }
            #expect(received == [1, 2, 3], "\(context)")
        }
    }
}
