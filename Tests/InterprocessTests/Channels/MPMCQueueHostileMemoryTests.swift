import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A peer rewrites a live MPMC queue's words (docs/FORMAT.md, "MPMC queue"); sends and
/// receives must report a typed `corrupt` error naming the queue, never read past a slot,
/// spin, or crawl. Every probe runs in the test peer, so a crash or hang of the old code fails
/// the test instead of the run.
@Suite("MPMC queue with hostile shared memory", .timeLimit(.minutes(5)),
       .enabled(if: !Sanitizers.threadSanitizer, "TSan makes 128-bit CAS a per-process lock; see Sanitizers"))
struct MPMCQueueHostileMemoryTests {
    // Body offsets (docs/FORMAT.md): 4 slots of 64 bytes, 128 bytes apart.
    static let tail = 128, head = 256, ring = 384, stride = 128
    static func sequence(_ slot: Int) -> Int { ring + slot * stride }
    static func claimant(_ slot: Int) -> Int { ring + slot * stride + 8 }
    static func length(_ slot: Int) -> Int { ring + slot * stride + 16 }

    /// A queue of 4 slots of 64 bytes holding `records` 8-byte records (100, 101, …).
    private func queue(_ label: String, records: UInt64) throws -> String {
        let name = TestSupport.uniqueName(label)
        _ = try MPMCQueue(create: name, slotCount: 4, slotSize: 64)
        var producer = try MPMCQueue(open: name).makeProducer()
        for value in 0..<records { try producer.send(value + 100) }
        return name
    }

    @Test("a slot length past the slot size is corrupt, whatever the caller's buffer or type", arguments: [
        (UInt64(900_000), "into", "1048576"), (UInt64(3000), "into", "4096"), (UInt64(512), "large", "0"),
        (UInt64(65), "into", "100"), (UInt64(900_000), "borrow", "0"),
    ])
    func lengthPastTheSlot(length: UInt64, mode: String, buffer: String) throws {
        let name = try queue("mpmc-len", records: 2)
        defer { try? MPMCQueue.remove(name) }
        try QueueSegmentEditing.write(name, body: Self.length(0), length, width: 4)
        for form in ["try", "wait"] {
            let probe = try QueueSegmentEditing.probe("mpmc-receive", name, "1", mode, form, "200", buffer)
            #expect(probe.isCorrupt(name, "a record claims \(length) bytes, more than a slot's 64"), "\(mode) \(form): \(probe)")
        }
    }

    @Test("a dead reader's record with a length past the slot size: recovery reports corrupt instead of reading past the mapping")
    func recoveryChecksTheLength() throws {
        let name = try queue("mpmc-len-dead", records: 1)
        defer { try? MPMCQueue.remove(name) }
        let reader = try TestSupport.peer("mpmc-read-then-die", name)
        #expect(reader.signal == SIGKILL, "\(reader)")
        try QueueSegmentEditing.write(name, body: Self.length(0), 900_000, width: 4)
        // The queue is empty at the head; waiting, the consumer finds the dead reader's slot.
        let probe = try QueueSegmentEditing.probe("mpmc-receive", name, "1", "into", "wait", "2000", "1048576")
        #expect(probe.isCorrupt(name, "a record claims 900000 bytes, more than a slot's 64"), "\(probe)")
    }

    @Test("a published record whose slot names a claimant: receive reports corrupt instead of spinning")
    func publishedSlotWithAClaimant() throws {
        let name = try queue("mpmc-claimant", records: 1)
        defer { try? MPMCQueue.remove(name) }
        try QueueSegmentEditing.write(name, body: Self.claimant(0), 0x1234)
        for form in ["try", "wait"] {
            let probe = try QueueSegmentEditing.probe("mpmc-receive", name, "1", "into", form, "200", "64")
            #expect(probe.isCorrupt(name, "the record at position 0 is published (sequence 1) but its slot names a claimant"), "\(form): \(probe)")
        }
    }

    @Test("a free slot that names a claimant: send reports corrupt instead of spinning")
    func freeSlotWithAClaimant() throws {
        let name = try queue("mpmc-claimant-free", records: 0)
        defer { try? MPMCQueue.remove(name) }
        try QueueSegmentEditing.write(name, body: Self.claimant(0), 0x1234)
        for form in ["try", "wait"] {
            let probe = try QueueSegmentEditing.probe("mpmc-send", name, "1", "8", form, "200")
            #expect(probe.isCorrupt(name, "the slot for position 0 is free (sequence 0) but names a claimant"), "\(form): \(probe)")
        }
    }

    @Test("slot sequences far ahead of the indices: send and receive report corrupt instead of crawling", arguments: [
        UInt64(1) << 61, 1_000_000, 100,
    ])
    func sequencesFarAhead(base: UInt64) throws {
        let name = try queue("mpmc-ahead", records: 0)
        defer { try? MPMCQueue.remove(name) }
        for slot in 0..<4 { try QueueSegmentEditing.write(name, body: Self.sequence(slot), base + UInt64(slot)) }
        for form in ["try", "wait"] {
            let receive = try QueueSegmentEditing.probe("mpmc-receive", name, "1", "into", form, "200", "64")
            #expect(receive.isCorrupt(name, "its head is at position 0, but the slot for it holds sequence 0x\(String(base, radix: 16))"), "\(form): \(receive)")
            let send = try QueueSegmentEditing.probe("mpmc-send", name, "1", "8", form, "200")
            #expect(send.isCorrupt(name, "its tail is at position 0, but the slot for it holds sequence 0x\(String(base, radix: 16))"), "\(form): \(send)")
        }
    }

    @Test("an index far ahead of every slot (or past the largest position): corrupt, not empty or full forever", arguments: [
        UInt64(1_000_000_000_000), UInt64(1) << 62 | 4,
    ])
    func indexFarAhead(index: UInt64) throws {
        let name = try queue("mpmc-behind", records: 2)
        defer { try? MPMCQueue.remove(name) }
        try QueueSegmentEditing.write(name, body: Self.head, index)
        try QueueSegmentEditing.write(name, body: Self.tail, index)
        let words = index > (UInt64(1) << 62) ? ("its head \(index) is past the largest position", "its tail \(index) is past the largest position")
            : ("its head is at position \(index)", "its tail is at position \(index)")
        for form in ["try", "wait"] {
            let receive = try QueueSegmentEditing.probe("mpmc-receive", name, "1", "into", form, "200", "64")
            #expect(receive.isCorrupt(name, words.0), "\(form): \(receive)")
            let send = try QueueSegmentEditing.probe("mpmc-send", name, "1", "8", form, "200")
            #expect(send.isCorrupt(name, words.1), "\(form): \(send)")
        }
    }

    @Test("records and indices within reach keep working: a healthy queue lapped many times is never called corrupt")
    func healthyQueueIsNotCorrupt() throws {
        let name = try queue("mpmc-healthy", records: 0)
        defer { try? MPMCQueue.remove(name) }
        var producer = try MPMCQueue(open: name).makeProducer()
        var consumer = try MPMCQueue(open: name).makeConsumer()
        for round in UInt64(0)..<1000 {
            for index in 0..<(round % 5) { #expect(try producer.trySend(round * 10 + index)) }
            #expect(try producer.trySend(UInt64(0)) == (round % 5 == 4 ? false : true))
            for index in 0..<(round % 5) { #expect(try consumer.tryReceive(as: UInt64.self) == round * 10 + index) }
            if round % 5 != 4 { #expect(try consumer.tryReceive(as: UInt64.self) == 0) }
            #expect(try consumer.tryReceive(as: UInt64.self) == nil)
        }
    }
}
