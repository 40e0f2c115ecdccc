import Foundation
import Interprocess
import Testing

/// A peer rewrites a live SPSC queue's words (docs/FORMAT.md, "SPSC queue"); the endpoints
/// must report a typed `corrupt` error naming the queue and the word, never spin, trap, read
/// outside the ring or deliver records nobody sent. Receivers run in the test peer, so a hang
/// or crash of the old code fails the test instead of the run.
@Suite("SPSC queue with hostile shared memory", .timeLimit(.minutes(5)))
struct SPSCQueueHostileMemoryTests {
    // Body offsets (docs/FORMAT.md).
    static let tail = 128, head = 256, ring = 384
    static let paddingHeader = UInt64(1) << 32

    /// A queue of 1024 bytes (records up to 64 bytes) holding `records` 8-byte records.
    private func queue(_ label: String, records: UInt64) throws -> String {
        let name = TestSupport.uniqueName(label)
        _ = try SPSCQueue(create: name, capacity: 1024, maximumRecordSize: 64)
        var producer = try SPSCQueue(open: name).makeProducer()
        for value in 0..<records { try producer.send(value + 100) }
        return name
    }

    @Test("a padding flag at the ring's start with tail = head + 5 or + 8: corrupt at once, no spin", arguments: [
        (UInt64(5), "tail 5 is not a multiple of 8"), (8, "padding flag at the ring's start"), (64, "padding flag at the ring's start"),
    ])
    func paddingAtTheRingStart(tail: UInt64, detail: String) throws {
        let name = try queue("spsc-pad0", records: 0)
        defer { try? SPSCQueue.remove(name) }
        try QueueSegmentEditing.write(name, body: Self.ring, Self.paddingHeader)
        try QueueSegmentEditing.write(name, body: Self.tail, tail)
        for form in ["try", "wait"] {
            let probe = try QueueSegmentEditing.probe("spsc-receive", name, "1", form, "200")
            #expect(probe.isCorrupt(name, detail), "\(form): \(probe)")
        }
    }

    @Test("tail − head beyond the capacity fabricates no records: a new consumer is refused, an attached one gets what was sent, then corrupt")
    func tailBeyondCapacity() throws {
        let name = try queue("spsc-far", records: 0)
        defer { try? SPSCQueue.remove(name) }
        do {
            var consumer = try SPSCQueue(open: name).makeConsumer()
            do {
                var producer = try SPSCQueue(open: name).makeProducer()
                for value in UInt64(0)..<4 { try producer.send(value) }
            }
            #expect(try consumer.tryReceive(as: UInt64.self) == 0)
            // 4 records of 16 bytes: the tail is at 64. A peer moves it 40 capacities on.
            try QueueSegmentEditing.write(name, body: Self.tail, 64 + 40 * 1024)
            for expected in UInt64(1)..<4 { #expect(try consumer.tryReceive(as: UInt64.self) == expected) }
            let error = #expect(throws: InterprocessError.self) { try consumer.tryReceive(as: UInt64.self) }
            #expect(error?.code == .corrupt)
            #expect(error?.description.contains("ahead of its read position") == true, "\(String(describing: error))")
        }
        let probe = try QueueSegmentEditing.probe("spsc-receive", name, "100", "try", "0")
        #expect(probe.standardOutput.contains("record") == false, "\(probe)")
    }

    @Test("tail − head beyond the capacity: attaching refuses the queue")
    func attachRefusesFarTail() throws {
        let name = try queue("spsc-far-attach", records: 4)
        defer { try? SPSCQueue.remove(name) }
        try QueueSegmentEditing.write(name, body: Self.tail, 64 + 40 * 1024)
        let consumer = try QueueSegmentEditing.probe("spsc-receive", name, "100", "try", "0")
        #expect(consumer.isCorrupt(name, "more than the capacity of 1024 bytes"), "\(consumer)")
        let producer = try QueueSegmentEditing.probe("spsc-send", name, "1", "8", "try", "0")
        #expect(producer.isCorrupt(name, "more than the capacity of 1024 bytes"), "\(producer)")
    }

    @Test("an unaligned head or tail: attaching reports which word, instead of garbage or a trap", arguments: [
        (SPSCQueueHostileMemoryTests.head, UInt64(3), "head 3 is not a multiple of 8"),
        (SPSCQueueHostileMemoryTests.tail, UInt64(61), "tail 61 is not a multiple of 8"),
        (SPSCQueueHostileMemoryTests.head, UInt64(80), "tail 64 is behind its head 80"),
    ])
    func unalignedOrCrossedIndices(offset: Int, value: UInt64, detail: String) throws {
        let name = try queue("spsc-index", records: 4)
        defer { try? SPSCQueue.remove(name) }
        try QueueSegmentEditing.write(name, body: offset, value)
        let consumer = try QueueSegmentEditing.probe("spsc-receive", name, "10", "try", "0")
        #expect(consumer.isCorrupt(name, detail), "\(consumer)")
        let producer = try QueueSegmentEditing.probe("spsc-send", name, "1", "8", "try", "0")
        #expect(producer.isCorrupt(name, detail), "\(producer)")
    }

    @Test("a head moved past the tail while the producer is attached: corrupt, not an overwrite of unread records")
    func headPastTheProducer() throws {
        let name = try queue("spsc-head", records: 0)
        defer { try? SPSCQueue.remove(name) }
        var producer = try SPSCQueue(open: name).makeProducer()
        var sent: UInt64 = 0
        while try producer.trySend(sent) { sent += 1 }
        #expect(sent == 64)  // 1024 bytes of 16-byte records
        try QueueSegmentEditing.write(name, body: Self.head, 1024 + 64)
        let error = #expect(throws: InterprocessError.self) { try producer.trySend(UInt64(7)) }
        #expect(error?.code == .corrupt)
        #expect(error?.description.contains("tail 1024 is behind its head 1088") == true, "\(String(describing: error))")
    }

    @Test("a head moved ahead of the tail while the producer waits for room is corrupt: never cached, nothing overwritten")
    func headAheadWhileWaiting() throws {
        let name = try queue("spsc-head-wait", records: 0)
        defer { try? SPSCQueue.remove(name) }
        var producer = try SPSCQueue(open: name).makeProducer()
        var sent: UInt64 = 0
        while try producer.trySend(sent) { sent += 1 }
        // Another process writes the head 8 bytes past the tail once the producer is parked.
        let writer = Thread {
            usleep(150_000)
            try? QueueSegmentEditing.write(name, body: Self.head, 1024 + 8)
        }
        writer.start()
        let error = #expect(throws: InterprocessError.self) { _ = try producer.send(UInt64(7), until: .after(.seconds(20))) }
        #expect(error?.code == .corrupt, "\(String(describing: error))")
        #expect(TestSupport.eventually(timeout: 10) { writer.isFinished })
    }

    @Test("record headers that cannot be right are corrupt, naming the header", arguments: [
        // (header written at ring offset 16 = the second record, what the error says)
        (UInt64(48), "past the tail 64"),
        (UInt64(65), "past the queue's limit of 64"),
        ((UInt64(2) << 32) | 8, "flags 2"),
        (UInt64(0xFFFF_FFFF), "past the queue's limit"),
        (SPSCQueueHostileMemoryTests.paddingHeader, "leaves only 48 bytes"),
    ])
    func badRecordHeaders(header: UInt64, detail: String) throws {
        let name = try queue("spsc-header", records: 4)
        defer { try? SPSCQueue.remove(name) }
        try QueueSegmentEditing.write(name, body: Self.ring + 16, header)
        let probe = try QueueSegmentEditing.probe("spsc-receive", name, "10", "try", "0")
        #expect(probe.standardOutput.hasPrefix("record 8 6400000000000000\n"), "the first record is whole: \(probe)")
        #expect(probe.isCorrupt(name, "the record header at index 16 (ring offset 16)"), "\(probe)")
        #expect(probe.standardError.contains(detail), "\(probe)")
    }

    @Test("a padding record at the ring's end is passed only when the record after it was published with it")
    func paddingAtTheEnd() throws {
        let name = TestSupport.uniqueName("spsc-pad-end")
        _ = try SPSCQueue(create: name, capacity: 64, maximumRecordSize: 24)
        defer { try? SPSCQueue.remove(name) }
        var producer = try SPSCQueue(open: name).makeProducer()
        do {
            var consumer = try SPSCQueue(open: name).makeConsumer()
            // 32 + 16 bytes, then a 32-byte record that needs padding of the last 16.
            let first = [UInt8](repeating: 1, count: 24), second = [UInt8](repeating: 2, count: 8)
            #expect(try first.withUnsafeBytes { try producer.trySend($0) })
            #expect(try second.withUnsafeBytes { try producer.trySend($0) })
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 24, alignment: 8)
            defer { buffer.deallocate() }
            #expect(try consumer.tryReceive(into: buffer) == 24)
            #expect(try first.withUnsafeBytes { try producer.trySend($0) })
            #expect(try consumer.tryReceive(into: buffer) == 8)
            #expect(try consumer.tryReceive(into: buffer) == 24)
        }
        // Publish a padding header alone: the tail stops right after it.
        try QueueSegmentEditing.write(name, body: Self.ring + 32, Self.paddingHeader)
        try QueueSegmentEditing.write(name, body: Self.tail, 64 + 32 + 32)
        let probe = try QueueSegmentEditing.probe("spsc-receive", name, "1", "try", "0")
        #expect(probe.isCorrupt(name, "a padding record of 32 bytes, but the tail 128 leaves only 32 bytes"), "\(probe)")
    }
}
