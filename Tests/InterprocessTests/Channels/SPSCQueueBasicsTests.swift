import Interprocess
import Testing

@Suite("SPSC queue in one process", .timeLimit(.minutes(5)))
struct SPSCQueueBasicsTests {
    @Test func recordsArriveInOrderWithTheirSizes() throws {
        let name = TestSupport.uniqueName("spsc")
        _ = try SPSCQueue(create: name, capacity: 4096, maximumRecordSize: 512)
        defer { try? SPSCQueue.remove(name) }
        var producer = try SPSCQueue(open: name).makeProducer()
        var consumer = try SPSCQueue(open: name).makeConsumer()
        // 3 000 records through a 4 KiB ring: many wrap-arounds, with padding at the end.
        for round in 0..<300 {
            for index in 0..<10 {
                let bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: round &+ index), count: (round * 7 + index * 13) % 300)
                #expect(try bytes.withUnsafeBytes { try producer.trySend($0) })
            }
            for index in 0..<10 {
                let expected = [UInt8](repeating: UInt8(truncatingIfNeeded: round &+ index), count: (round * 7 + index * 13) % 300)
                let received = try consumer.tryReceive()
                #expect(received == expected)
            }
        }
        #expect(try consumer.tryReceive { _ in true } == nil)
    }

    @Test func typedValuesRoundTrip() throws {
        let name = TestSupport.uniqueName("spsc-typed")
        _ = try SPSCQueue(create: name, capacity: 1024, maximumRecordSize: 64)
        defer { try? SPSCQueue.remove(name) }
        var producer = try SPSCQueue(open: name).makeProducer()
        var consumer = try SPSCQueue(open: name).makeConsumer()
        for value in UInt64(0)..<200 {
            try producer.send(value)
            #expect(try consumer.receive(as: UInt64.self) == value)
        }
        #expect(try producer.trySend(Int16(-3)))
        #expect(throws: InterprocessError.self) { _ = try consumer.tryReceive(as: UInt64.self) }
        #expect(try consumer.tryReceive(as: Int16.self) == -3)
    }

    @Test func fullAndEmptyAndDeadlines() throws {
        let name = TestSupport.uniqueName("spsc-full")
        _ = try SPSCQueue(create: name, capacity: 256, maximumRecordSize: 64)
        defer { try? SPSCQueue.remove(name) }
        var producer = try SPSCQueue(open: name).makeProducer()
        var consumer = try SPSCQueue(open: name).makeConsumer()
        #expect(try consumer.tryReceive(as: UInt64.self) == nil)
        let timedOut = #expect(throws: InterprocessError.self) { _ = try consumer.receive(as: UInt64.self, until: .after(.milliseconds(30))) }
        #expect(timedOut?.code == .timedOut)
        var sent = 0
        while try producer.trySend(UInt64(sent)) { sent += 1 }
        // 16-byte records (8 header + 8 payload) fill a 256-byte ring exactly.
        #expect(sent == 16)
        let full = #expect(throws: InterprocessError.self) { try producer.send(UInt64(99), until: .after(.milliseconds(30))) }
        #expect(full?.code == .timedOut)
        #expect(try consumer.tryReceive(as: UInt64.self) == 0)
        #expect(try producer.trySend(UInt64(16)))
        for expected in 1...16 { #expect(try consumer.tryReceive(as: UInt64.self) == UInt64(expected)) }
    }

    @Test func oversizedRecordsAndBadConfigurationsAreRefused() throws {
        let name = TestSupport.uniqueName("spsc-big")
        _ = try SPSCQueue(create: name, capacity: 1024, maximumRecordSize: 100)
        defer { try? SPSCQueue.remove(name) }
        var producer = try SPSCQueue(open: name).makeProducer()
        let big = [UInt8](repeating: 1, count: 101)
        let error = #expect(throws: InterprocessError.self) { _ = try big.withUnsafeBytes { try producer.trySend($0) } }
        #expect(error?.code == .invalidArgument)
        #expect(error?.description.contains("101") == true)

        for (capacity, maximum) in [(1000, 10), (32, 8), (1024, 0), (1024, 505), (1 << 32, 10)] {
            let bad = #expect(throws: InterprocessError.self) {
                _ = try SPSCQueue(create: TestSupport.uniqueName("spsc-bad"), capacity: capacity, maximumRecordSize: maximum)
            }
            #expect(bad?.code == .invalidArgument)
        }
    }

    @Test func aSecondLiveProducerOrConsumerIsRefused() throws {
        let name = TestSupport.uniqueName("spsc-second")
        _ = try SPSCQueue(create: name, capacity: 1024, maximumRecordSize: 64)
        defer { try? SPSCQueue.remove(name) }
        do {
            let first = try SPSCQueue(open: name).makeProducer()
            let error = #expect(throws: InterprocessError.self) { _ = try SPSCQueue(open: name).makeProducer() }
            #expect(error?.code == .alreadyExists)
            let consumer = try SPSCQueue(open: name).makeConsumer()
            #expect(throws: InterprocessError.self) { _ = try SPSCQueue(open: name).makeConsumer() }
            _ = consumer
            _ = first
        }
        // Both detached: the places are free again.
        let again = try SPSCQueue(open: name).makeProducer()
        #expect(again.replacedProducer == nil)
    }

    @Test func zeroCopyReserveCommitPeekRelease() throws {
        let name = TestSupport.uniqueName("spsc-zc")
        _ = try SPSCQueue(create: name, capacity: 4096, maximumRecordSize: 1000)
        defer { try? SPSCQueue.remove(name) }
        var producer = try SPSCQueue(open: name).makeProducer()
        var consumer = try SPSCQueue(open: name).makeConsumer()

        let space = try #require(try producer.tryReserve(1000))
        for index in 0..<10 { space[index] = UInt8(index) }
        #expect(try consumer.tryPeek() == nil, "nothing is visible before commit")
        producer.commit(10)  // shrink to what was written
        let record = try #require(try consumer.tryPeek())
        #expect(Array(record) == Array(0..<10))
        #expect(try consumer.tryPeek().map(Array.init) == Array(0..<10), "peeking again sees the same record")
        consumer.release()
        #expect(try consumer.tryPeek() == nil)

        // Batching: committed records stay invisible until publish.
        for value in UInt32(0)..<5 { #expect(try producer.trySend(value, publish: false)) }
        #expect(try consumer.tryPeek() == nil)
        producer.publish()
        for value in UInt32(0)..<5 { #expect(try consumer.tryReceive(as: UInt32.self) == value) }
    }

    @Test func openingAnotherKindOfSegmentIsRefused() throws {
        let name = TestSupport.uniqueName("spsc-kind")
        _ = try Segment(create: name, bodySize: 4096)
        defer { try? SharedMemory.remove(name) }
        let error = #expect(throws: InterprocessError.self) { _ = try SPSCQueue(open: name).makeProducer() }
        #expect(error?.code == .wrongKind)
    }
}
