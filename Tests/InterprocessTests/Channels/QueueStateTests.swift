import Foundation
import Interprocess
import Testing

/// `SPSCQueue.State` and `MPMCQueue.State`: what tools print, from the shared words, with
/// hostile values reported rather than trusted.
@Suite("Queue state snapshots", .timeLimit(.minutes(5)))
struct QueueStateTests {
    @Test("SPSC: depth, indices, endpoint identities and liveness, sleeping flags")
    func spscState() throws {
        let queue = try SPSCQueue(create: TestSupport.uniqueName("state-spsc"), capacity: 1024, maximumRecordSize: 64,
                                  lifetime: .removedWhenCreatorCloses)
        var state = queue.state
        #expect(state.capacity == 1024 && state.maximumRecordSize == 64)
        #expect(state.depth == 0 && state.tail == 0 && state.head == 0)
        #expect(state.producer == nil && state.consumer == nil && state.problem == nil)
        #expect(!state.producerSleeping && !state.consumerSleeping)

        var producer = try queue.makeProducer()
        try producer.send(UInt64(1))
        try producer.send("abc")
        state = queue.state
        // 8 + 8 bytes, then 8 + 3 rounded up to 16.
        #expect(state.tail == 32 && state.depth == 32)
        #expect(state.producer?.identity.pid == getpid())
        #expect(state.producer?.liveness == .alive)
        #expect(state.consumer == nil)

        var consumer = try queue.makeConsumer()
        _ = try consumer.receive(as: UInt64.self)
        state = queue.state
        #expect(state.head == 16 && state.depth == 16)
        #expect(state.consumer?.identity.pid == getpid())

        // Codable, for `interprocess inspect --json`.
        let decoded = try JSONDecoder().decode(SPSCQueue.State.self, from: JSONEncoder().encode(state))
        #expect(decoded == state)
    }

    @Test("SPSC: a dead producer's claim reads as dead; a hostile head gives no depth and names the problem")
    func spscHostile() throws {
        let name = TestSupport.uniqueName("state-spsc-hostile")
        let queue = try SPSCQueue(create: name, capacity: 1024, maximumRecordSize: 64, lifetime: .removedWhenCreatorCloses)
        let died = try TestSupport.peer("spsc-produce-then-die", name, "1", "2", "64")
        #expect(died.signal == SIGKILL, "\(died)")
        let dead = queue.state.producer
        #expect(dead?.liveness == .dead && dead?.identity.pid != getpid(), "\(String(describing: dead))")

        // head (body offset 256) ahead of the tail, and then unaligned.
        for head in [UInt64(4096), 3] {
            try QueueSegmentEditing.write(name, body: 256, head)
            let state = queue.state
            #expect(state.head == head)
            #expect(state.depth == nil)
            #expect(state.problem != nil)
        }
    }

    @Test("MPMC: depth, positions, waiter counts, skipped and redelivered counts; hostile positions reported")
    func mpmcState() throws {
        let name = TestSupport.uniqueName("state-mpmc")
        let queue = try MPMCQueue(create: name, slotCount: 8, slotSize: 16, lifetime: .removedWhenCreatorCloses)
        var producer = try queue.makeProducer()
        for value in UInt64(0)..<3 { try producer.send(value) }
        var state = queue.state
        #expect(state.slotCount == 8 && state.slotSize == 16)
        #expect(state.tail == 3 && state.head == 0 && state.depth == 3)
        #expect(state.producersWaiting == 0 && state.consumersWaiting == 0)
        #expect(state.skippedRecords == 0 && state.redeliveredRecords == 0 && state.problem == nil)

        // A writer that throws leaves a skipped slot, counted once a consumer passes it.
        let refused = InterprocessError(.invalidArgument, operation: "write", reason: "refused")
        #expect(throws: InterprocessError.self) { try producer.send(upTo: 8) { (_: inout OutputRawSpan) throws(InterprocessError) in throw refused } }
        var consumer = try queue.makeConsumer()
        while try consumer.tryReceive() != nil {}
        state = queue.state
        #expect(state.skippedRecords == 1 && state.depth == 0 && state.head == 4)
        let decoded = try JSONDecoder().decode(MPMCQueue.State.self, from: JSONEncoder().encode(state))
        #expect(decoded == state)

        // tail (body offset 128) far from head, then past the largest position.
        for tail in [UInt64(1000), 1 << 63] {
            try QueueSegmentEditing.write(name, body: 128, tail)
            state = queue.state
            #expect(state.tail == tail && state.depth == nil && state.problem != nil)
        }
    }
}
