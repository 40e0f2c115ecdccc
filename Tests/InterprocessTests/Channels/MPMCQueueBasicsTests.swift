import Interprocess
import Testing

@Suite("MPMC queue in one process", .timeLimit(.minutes(5)))
struct MPMCQueueBasicsTests {
    @Test func recordsOfEverySizeRoundTripThroughManyLaps() throws {
        let name = TestSupport.uniqueName("mpmc")
        _ = try MPMCQueue(create: name, slotCount: 8, slotSize: 100)
        defer { try? MPMCQueue.remove(name) }
        var producer = try MPMCQueue(open: name).makeProducer()
        var consumer = try MPMCQueue(open: name).makeConsumer()
        var buffer = [UInt8](repeating: 0, count: 100)
        // 1 000 records through 8 slots: many laps, lengths from 0 to the slot size.
        for round in 0..<200 {
            for index in 0..<5 {
                let bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: round &+ index), count: (round * 7 + index * 13) % 101)
                #expect(try bytes.withUnsafeBytes { try producer.trySend($0) })
            }
            for index in 0..<5 {
                let expected = [UInt8](repeating: UInt8(truncatingIfNeeded: round &+ index), count: (round * 7 + index * 13) % 101)
                let count = try buffer.withUnsafeMutableBytes { try consumer.tryReceive(into: $0) }
                #expect(count == expected.count)
                #expect(Array(buffer.prefix(count ?? 0)) == expected)
            }
        }
        #expect(try buffer.withUnsafeMutableBytes { try consumer.tryReceive(into: $0) } == nil)
    }

    @Test func typedValuesAndInPlaceRecordsRoundTrip() throws {
        let name = TestSupport.uniqueName("mpmc-typed")
        _ = try MPMCQueue(create: name, slotCount: 4, slotSize: 16)
        defer { try? MPMCQueue.remove(name) }
        var producer = try MPMCQueue(open: name).makeProducer()
        var consumer = try MPMCQueue(open: name).makeConsumer()
        for value in UInt64(0)..<50 {
            try producer.send(value)
            #expect(try consumer.receive(as: UInt64.self) == value)
        }
        // A record of another size stays in the queue when asked for the wrong type.
        #expect(try producer.trySend(Int16(-3)))
        let error = #expect(throws: InterprocessError.self) { _ = try consumer.tryReceive(as: UInt64.self) }
        #expect(error?.code == .invalidArgument)
        #expect(try consumer.tryReceive(as: Int16.self) == -3)
        // Too small a buffer: the same.
        #expect(try producer.trySend(UInt64(7)))
        var small = [UInt8](repeating: 0, count: 4)
        #expect(throws: InterprocessError.self) { _ = try small.withUnsafeMutableBytes { try consumer.tryReceive(into: $0) } }
        #expect(try consumer.tryReceive(as: UInt64.self) == 7)

        #expect(try producer.trySend(upTo: 8) { out in for byte: UInt8 in 1...3 { out.append(byte, as: UInt8.self) } })
        #expect(try consumer.tryReceive() == [1, 2, 3])
        // A throwing writer publishes nothing; its slot is skipped and counted.
        let refused = InterprocessError(.invalidArgument, operation: "write", name: nil, reason: "refused")
        let thrown = #expect(throws: InterprocessError.self) { _ = try producer.trySend(upTo: 3) { (_: inout OutputRawSpan) throws(InterprocessError) in throw refused } }
        #expect(thrown?.reason == "refused")
        #expect(try consumer.tryReceive() == nil)
        #expect(consumer.skippedRecords == 1)
        #expect(try producer.trySend(UInt32(9)))
        #expect(try consumer.tryReceive(as: UInt32.self) == 9)
    }

    @Test func fullAndEmptyAndDeadlines() throws {
        let name = TestSupport.uniqueName("mpmc-full")
        _ = try MPMCQueue(create: name, slotCount: 16, slotSize: 8)
        defer { try? MPMCQueue.remove(name) }
        var producer = try MPMCQueue(open: name).makeProducer()
        var consumer = try MPMCQueue(open: name).makeConsumer()
        #expect(try consumer.tryReceive(as: UInt64.self) == nil)
        let start = Deadline.now
        let timedOut = #expect(throws: InterprocessError.self) { _ = try consumer.receive(as: UInt64.self, until: .after(.milliseconds(30))) }
        #expect(timedOut?.code == .timedOut)
        #expect(Deadline.now.nanoseconds - start.nanoseconds >= 30_000_000)
        var sent = 0
        while try producer.trySend(UInt64(sent)) { sent += 1 }
        #expect(sent == 16)
        let full = #expect(throws: InterprocessError.self) { try producer.send(UInt64(99), until: .after(.milliseconds(30))) }
        #expect(full?.code == .timedOut)
        #expect(try consumer.tryReceive(as: UInt64.self) == 0)
        #expect(try producer.trySend(UInt64(16)))
        #expect(try producer.trySend(UInt64(17)) == false)
        for expected in 1...16 { #expect(try consumer.tryReceive(as: UInt64.self) == UInt64(expected)) }
        #expect(try consumer.tryReceive(as: UInt64.self) == nil)
        #expect(consumer.skippedRecords == 0 && consumer.redeliveredRecords == 0)
    }

    @Test func oversizedRecordsAndBadConfigurationsAreRefused() throws {
        let name = TestSupport.uniqueName("mpmc-big")
        _ = try MPMCQueue(create: name, slotCount: 4, slotSize: 100)
        defer { try? MPMCQueue.remove(name) }
        var producer = try MPMCQueue(open: name).makeProducer()
        #expect(producer.slotSize == 100 && producer.slotCount == 4)
        let big = [UInt8](repeating: 1, count: 101)
        let error = #expect(throws: InterprocessError.self) { _ = try big.withUnsafeBytes { try producer.trySend($0) } }
        #expect(error?.code == .invalidArgument)
        #expect(error?.description.contains("101") == true)
        #expect(throws: InterprocessError.self) { _ = try producer.trySend(upTo: 101) { _ in } }
        struct Wide: InterprocessValue { var words = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0),
                                                      UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0)) }
        #expect(throws: InterprocessError.self) { _ = try producer.trySend(Wide()) }
        // Nothing was claimed by the refused sends: all 4 slots are free.
        for value in 0..<4 { #expect(try producer.trySend(UInt8(value))) }
        #expect(try producer.trySend(UInt8(4)) == false)

        for (count, size) in [(0, 8), (1, 8), (3, 8), (1000, 8), (1 << 25, 8), (4, 0), (4, (1 << 24) + 1), (-4, 8), (4, -1)] {
            let bad = #expect(throws: InterprocessError.self, "slotCount \(count), slotSize \(size)") {
                _ = try MPMCQueue(create: TestSupport.uniqueName("mpmc-bad"), slotCount: count, slotSize: size)
            }
            #expect(bad?.code == .invalidArgument)
        }
    }

    @Test func openingAnotherKindOfSegmentIsRefused() throws {
        let name = TestSupport.uniqueName("mpmc-kind")
        _ = try Segment(create: name, bodySize: 4096)
        defer { try? SharedMemory.remove(name) }
        let error = #expect(throws: InterprocessError.self) { _ = try MPMCQueue(open: name).makeProducer() }
        #expect(error?.code == .wrongKind)
        let spsc = TestSupport.uniqueName("mpmc-spsc")
        _ = try SPSCQueue(create: spsc, capacity: 1024, maximumRecordSize: 64)
        defer { try? SPSCQueue.remove(spsc) }
        #expect(throws: InterprocessError.self) { _ = try MPMCQueue(open: spsc).makeConsumer() }
    }

    @Test func aCorruptQueueBodyIsRefused() throws {
        let name = TestSupport.uniqueName("mpmc-corrupt")
        _ = try MPMCQueue(create: name, slotCount: 4, slotSize: 40)
        defer { try? MPMCQueue.remove(name) }
        let segment = try Segment(open: name)
        let body = try segment.writableBody.baseAddress!
        // Field offsets as documented in docs/FORMAT.md: tag 0, slotCount 8, slotSize 16, slotStride 20.
        for (offset, bytes) in [(0, [UInt8](repeating: 0x41, count: 4)), (8, [8, 0, 0, 0, 0, 0, 0, 0]),
                                (8, [3, 0, 0, 0, 0, 0, 0, 0]), (16, [200, 0, 0, 0]), (20, [128, 0, 0, 0])] as [(Int, [UInt8])] {
            let saved = Array(UnsafeRawBufferPointer(start: body + offset, count: bytes.count))
            (body + offset).copyMemory(from: bytes, byteCount: bytes.count)
            let error = #expect(throws: InterprocessError.self, "bytes \(bytes) at \(offset)") { _ = try MPMCQueue(open: name).makeConsumer() }
            #expect(error?.code == .corrupt)
            (body + offset).copyMemory(from: saved, byteCount: saved.count)
        }
        _ = try MPMCQueue(open: name).makeConsumer()
    }
}
