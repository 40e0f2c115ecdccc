import Interprocess
import Testing

/// Many channels in one managed segment: SPSC queues placed in its heap by name, and RaftLib's
/// pattern across processes (the producer allocates a record, sends its offset; the consumer
/// reads it in place and frees it).
@Suite("Queues in a managed segment", .timeLimit(.minutes(1)))
struct PlacedQueueTests {
    @Test("several queues in one segment, found by name; typed errors; remove frees the block")
    func queuesByName() throws {
        try ContainerFixtures.withSegment("placed-queues") { segment, _ in
            let baseline = try segment.verify().statistics.used
            let queues = try (0..<4).map { try SPSCQueue(create: "stage-\($0)", in: segment, capacity: 4096, maximumRecordSize: 64) }
            #expect(queues.allSatisfy(\.wasCreated) && queues.map(\.capacity) == [4096, 4096, 4096, 4096])
            for (index, queue) in queues.enumerated() {
                var producer = try queue.makeProducer()
                try producer.send(UInt64(index * 10))
            }
            for index in 0..<4 {
                var consumer = try SPSCQueue(open: "stage-\(index)", in: segment).makeConsumer()
                #expect(try consumer.receive(as: UInt64.self, timeout: .seconds(1)) == UInt64(index * 10))
            }
            #expect { try SPSCQueue(open: "absent", in: segment) } throws: { ($0 as? InterprocessError)?.code == .notFound }
            #expect { try SPSCQueue(create: "stage-0", in: segment, capacity: 4096, maximumRecordSize: 64) } throws: {
                ($0 as? InterprocessError)?.code == .alreadyExists
            }
            #expect { try SPSCQueue(openOrCreate: "stage-0", in: segment, capacity: 8192, maximumRecordSize: 64) } throws: {
                ($0 as? InterprocessError)?.code == .incompatibleConfiguration
            }
            #expect { try SPSCQueue(create: "odd", in: segment, capacity: 1000, maximumRecordSize: 64) } throws: {
                ($0 as? InterprocessError)?.code == .invalidArgument
            }
            _ = try SharedVector<UInt64>(create: "not-a-queue", in: segment)
            #expect { try SPSCQueue(open: "not-a-queue", in: segment) } throws: { ($0 as? InterprocessError)?.code == .wrongKind }
            try SharedVector<UInt64>.remove("not-a-queue", in: segment)
            for index in 0..<4 { try SPSCQueue.remove("stage-\(index)", in: segment) }
            #expect(try segment.verify().statistics.used <= baseline + 4096, "the queues' blocks went back to the heap")
        }
    }

    @Test("RaftLib's pattern: a producer process allocates records and sends offsets; this process reads them in place and frees them")
    func producerAllocatesConsumerFrees() throws {
        try ContainerFixtures.withSegment("placed-raftlib", size: 16 << 20) { segment, name in
            let queue = try SPSCQueue(create: "records", in: segment, capacity: 1 << 12, maximumRecordSize: 8)
            var consumer = try queue.makeConsumer()
            let count = 20_000
            let producer = try TestSupport.BackgroundPeer(["containers-produce", name, "records", String(count)])
            var wrong = 0
            for sequence in 0..<UInt64(count) {
                let offset = SegmentOffset(rawValue: try consumer.receive(as: UInt64.self, timeout: .seconds(20)))
                let words = try segment.pointer(at: offset, byteCount: 64).assumingMemoryBound(to: UInt64.self)
                if (0..<8).contains(where: { words[$0] != sequence &* 8 &+ UInt64($0) }) { wrong += 1 }
                try segment.deallocate(offset)
            }
            let outcome = try producer.wait()
            #expect(outcome.status == 0 && outcome.standardOutput == "sent \(count)\n", "\(outcome)")
            #expect(wrong == 0)
            let statistics = try segment.verify().statistics
            #expect(statistics.used < 1 << 20, "\(statistics.used) bytes still used after every record was freed")
        }
    }

    @Test("MPMC queues in a segment: by name, typed errors; two producer processes allocate, this process reads in place and frees",
          .enabled(if: !Sanitizers.threadSanitizer, "TSan makes 128-bit CAS a per-process lock; see Sanitizers"))
    func mpmcProducersAllocateConsumerFrees() throws {
        try ContainerFixtures.withSegment("placed-mpmc", size: 16 << 20) { segment, name in
            let queue = try MPMCQueue(create: "jobs", in: segment, slotCount: 1 << 10, slotSize: 8)
            #expect(queue.wasCreated && queue.slotCount == 1 << 10 && queue.slotSize == 8)
            #expect(try MPMCQueue(openOrCreate: "jobs", in: segment, slotCount: 1 << 10, slotSize: 8).wasCreated == false)
            #expect { try MPMCQueue(openOrCreate: "jobs", in: segment, slotCount: 1 << 11, slotSize: 8) } throws: {
                ($0 as? InterprocessError)?.code == .incompatibleConfiguration
            }
            #expect { try MPMCQueue(create: "odd", in: segment, slotCount: 1000, slotSize: 8) } throws: {
                ($0 as? InterprocessError)?.code == .invalidArgument
            }
            _ = try SPSCQueue(create: "an-spsc", in: segment, capacity: 4096, maximumRecordSize: 8)
            #expect { try MPMCQueue(open: "an-spsc", in: segment) } throws: { ($0 as? InterprocessError)?.code == .wrongKind }
            #expect { try MPMCQueue(open: "absent", in: segment) } throws: { ($0 as? InterprocessError)?.code == .notFound }

            var consumer = try MPMCQueue(open: "jobs", in: segment).makeConsumer()
            let count = 10_000
            let producers = try (1...2).map { tag in
                try TestSupport.BackgroundPeer(["containers-produce", name, "jobs", String(count), String(tag)])
            }
            var next: [UInt64: UInt64] = [1: 0, 2: 0]
            var wrong = 0
            for _ in 0..<(2 * count) {
                let offset = SegmentOffset(rawValue: try consumer.receive(as: UInt64.self, timeout: .seconds(20)))
                let words = try segment.pointer(at: offset, byteCount: 64).assumingMemoryBound(to: UInt64.self)
                let tag = words[0] >> 40, sequence = (words[0] & (1 << 40 - 1)) / 8
                // One producer's records reach a consumer in the order it sent them.
                if next[tag] != sequence || (0..<8).contains(where: { words[$0] != tag << 40 | sequence &* 8 &+ UInt64($0) }) {
                    wrong += 1
                }
                next[tag] = sequence + 1
                try segment.deallocate(offset)
            }
            for producer in producers {
                let outcome = try producer.wait()
                #expect(outcome.status == 0 && outcome.standardOutput == "sent \(count)\n", "\(outcome)")
            }
            #expect(wrong == 0 && next == [1: UInt64(count), 2: UInt64(count)])
            try MPMCQueue.remove("jobs", in: segment)
            try SPSCQueue.remove("an-spsc", in: segment)
            let statistics = try segment.verify().statistics
            #expect(statistics.used < 1 << 20, "\(statistics.used) bytes still used after every record was freed")
        }
    }

    @Test("open(until:) waits for a container another process creates; a deadline that passes is timedOut")
    func openWaitsForAppearance() throws {
        try ContainerFixtures.withSegment("placed-appear") { segment, name in
            // The peer creates the vector and the dictionaries on its first append.
            let writer = try TestSupport.BackgroundPeer(["containers-write", name, "appearing", "1", "10"])
            let text = try SharedDictionary<String, String>(open: "appearing-text", in: segment, timeout: .seconds(20))
            let outcome = try writer.wait()
            #expect(outcome.status == 0, "\(outcome)")
            #expect(text.count == 10)
            for open in [{ _ = try SPSCQueue(open: "never", in: segment, timeout: .milliseconds(30)) },
                         { _ = try MPMCQueue(open: "never", in: segment, until: .after(.milliseconds(30))) },
                         { _ = try SharedString(open: "never", in: segment, timeout: .milliseconds(30)) },
                         { _ = try SharedVector<UInt64>(open: "never", in: segment, timeout: .milliseconds(30)) }] as [() throws -> Void] {
                #expect { try open() } throws: { ($0 as? InterprocessError)?.code == .timedOut }
            }
            #expect { try SharedString(open: "never", in: segment) } throws: { ($0 as? InterprocessError)?.code == .notFound }
        }
    }
}
