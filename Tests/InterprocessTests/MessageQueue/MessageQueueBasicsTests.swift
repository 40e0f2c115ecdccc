import Foundation
import Interprocess
import Synchronization
import Testing

/// A ``MessageQueue`` in one process: order, the forms of the vocabulary, limits, configuration
/// and errors. Cross-process behaviour is in MessageQueueCrossProcessTests.
@Suite("Message queue", .timeLimit(.minutes(1)))
struct MessageQueueBasicsTests {
    @Test("receives the highest priority first, FIFO within a priority")
    func priorityOrder() throws {
        let name = TestSupport.uniqueName("mq-order")
        let queue = try MessageQueue(create: name, capacity: 64, maximumSize: 8)
        defer { try? MessageQueue.remove(name) }
        let sent: [(UInt64, UInt32)] = [(1, 0), (2, 5), (3, 1), (4, 5), (5, 0), (6, UInt32.max), (7, 1), (8, 5)]
        for (value, priority) in sent { try queue.send(value, priority: priority) }
        #expect(queue.state.count == 8)
        var received: [MessageQueue.Received<UInt64>] = []
        while let message = try queue.tryReceive(as: UInt64.self) { received.append(message) }
        #expect(received.map(\.value) == [6, 2, 4, 8, 3, 7, 1, 5])
        #expect(received.map(\.priority) == [UInt32.max, 5, 5, 5, 1, 1, 0, 0])
    }

    @Test("a random mix of priorities comes out sorted by (priority desc, send order)")
    func randomOrder() throws {
        let name = TestSupport.uniqueName("mq-random")
        let queue = try MessageQueue(create: name, capacity: 500, maximumSize: 8)
        defer { try? MessageQueue.remove(name) }
        var random = SeededRandom(seed: 12)
        var expected: [(priority: UInt32, value: UInt64)] = []
        // Interleave sends and receives so the heap is exercised at many sizes.
        var outcome: [UInt64] = [], reference: [UInt64] = []
        for round in 0..<2000 {
            if random.next() % 3 != 0 || expected.isEmpty, expected.count < 500 {
                let priority = UInt32(random.next() % 7)
                try queue.send(UInt64(round), priority: priority)
                expected.append((priority, UInt64(round)))
            } else {
                let best = expected.indices.max { a, b in
                    expected[a].priority < expected[b].priority
                        || (expected[a].priority == expected[b].priority && expected[a].value > expected[b].value)
                }!
                reference.append(expected.remove(at: best).value)
                outcome.append(try #require(try queue.tryReceive(as: UInt64.self)).value)
            }
        }
        #expect(outcome == reference)
        #expect(Int(queue.state.count) == expected.count)
    }

    @Test("bytes, strings and the zero-copy closure, with their priorities")
    func forms() throws {
        let name = TestSupport.uniqueName("mq-forms")
        let queue = try MessageQueue(create: name, capacity: 8, maximumSize: 32)
        defer { try? MessageQueue.remove(name) }
        try queue.send("hello", priority: 3)
        try queue.send(contentsOf: [1, 2, 3], priority: 2)
        #expect(try queue.trySend(contentsOf: [UInt8](), priority: 1))
        try queue.send(UInt32(9), priority: 0, timeout: .seconds(1))
        let text = try queue.receive(as: String.self)
        #expect(text == MessageQueue.Received(value: "hello", priority: 3))
        let bytes = try queue.receive(timeout: .seconds(1))
        #expect(bytes.value == [1, 2, 3] && bytes.priority == 2)
        let length = try queue.receive(until: .after(.seconds(1))) { span, priority in span.byteCount * 10 + Int(priority) }
        #expect(length == 1)
        #expect(try queue.tryReceive { span, _ in span.unsafeLoadUnaligned(as: UInt32.self) } == 9)
        #expect(try queue.tryReceive() == nil)
        #expect(try queue.tryReceive(as: String.self) == nil)
    }

    @Test("full and empty: try forms answer at once, deadline forms throw timedOut")
    func fullAndEmpty() throws {
        let name = TestSupport.uniqueName("mq-full")
        let queue = try MessageQueue(create: name, capacity: 2, maximumSize: 8)
        defer { try? MessageQueue.remove(name) }
        #expect(try queue.tryReceive(as: UInt64.self) == nil)
        #expect(try timingOut { () throws(InterprocessError) in try queue.receive(as: UInt64.self, timeout: .milliseconds(30)) } == nil)
        #expect(try queue.trySend(UInt64(1)))
        #expect(try queue.trySend(UInt64(2)))
        #expect(try !queue.trySend(UInt64(3)))
        let start = ContinuousClock.now
        #expect(try timingOut { () throws(InterprocessError) in try queue.send(UInt64(3), priority: 9, timeout: .milliseconds(50)) } == nil)
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(queue.state.count == 2)
    }

    @Test("limits: an oversized message and a value of the wrong size are invalidArgument; the message stays")
    func limits() throws {
        let name = TestSupport.uniqueName("mq-limits")
        let queue = try MessageQueue(create: name, capacity: 4, maximumSize: 8)
        defer { try? MessageQueue.remove(name) }
        #expect { try queue.send(contentsOf: [UInt8](repeating: 0, count: 9)) } throws: { ($0 as? InterprocessError)?.code == .invalidArgument }
        #expect { try queue.send("nine bytes") } throws: { ($0 as? InterprocessError)?.code == .invalidArgument }
        try queue.send(UInt64(5))
        #expect { try queue.tryReceive(as: UInt32.self) } throws: { ($0 as? InterprocessError)?.code == .invalidArgument }
        #expect(try queue.tryReceive(as: UInt64.self)?.value == 5)
        for (capacity, size) in [(0, 8), (MessageQueue.capacityRange.upperBound + 1, 8), (4, 0), (4, MessageQueue.maximumSizeRange.upperBound + 1)] {
            #expect { try MessageQueue(create: TestSupport.uniqueName("mq-bad"), capacity: capacity, maximumSize: size) } throws: {
                ($0 as? InterprocessError)?.code == .invalidArgument
            }
        }
    }

    @Test("open, openOrCreate with another configuration names the field, wrong kinds, remove")
    func configuration() throws {
        let name = TestSupport.uniqueName("mq-config")
        let created = try MessageQueue(openOrCreate: name, capacity: 16, maximumSize: 24)
        defer { try? MessageQueue.remove(name) }
        #expect(created.wasCreated)
        let opened = try MessageQueue(openOrCreate: name, capacity: 16, maximumSize: 24)
        #expect(!opened.wasCreated && opened.capacity == 16 && opened.maximumSize == 24)
        #expect { try MessageQueue(openOrCreate: name, capacity: 8, maximumSize: 24) } throws: {
            let error = $0 as? InterprocessError
            return error?.code == .incompatibleConfiguration && error?.reason.contains("capacity") == true
        }
        #expect { try MessageQueue(openOrCreate: name, capacity: 16, maximumSize: 32) } throws: {
            let error = $0 as? InterprocessError
            return error?.code == .incompatibleConfiguration && error?.reason.contains("maximum size") == true
        }
        #expect { try MessageQueue(create: name, capacity: 16, maximumSize: 24) } throws: { ($0 as? InterprocessError)?.code == .alreadyExists }
        #expect { try MessageQueue(open: TestSupport.uniqueName("mq-missing")) } throws: { ($0 as? InterprocessError)?.code == .notFound }
        #expect { try MessageQueue(open: TestSupport.uniqueName("mq-late"), timeout: .milliseconds(30)) } throws: {
            ($0 as? InterprocessError)?.code == .timedOut
        }
        let other = TestSupport.uniqueName("mq-other")
        _ = try MPMCQueue(create: other, slotCount: 4, slotSize: 8)
        defer { try? MPMCQueue.remove(other) }
        #expect { try MessageQueue(open: other) } throws: { ($0 as? InterprocessError)?.code == .wrongKind }
        #expect { try MessageQueue.remove(other) } throws: { ($0 as? InterprocessError)?.code == .wrongKind }
        #expect { try MPMCQueue(open: name) } throws: { ($0 as? InterprocessError)?.code == .wrongKind }
        try MessageQueue.remove(name)
        #expect { try MessageQueue.remove(name) } throws: { ($0 as? InterprocessError)?.code == .notFound }
        // A value opened before the removal keeps working.
        try opened.send(UInt8(1))
        #expect(try created.tryReceive(as: UInt8.self)?.value == 1)
    }

    @Test("state: count, configuration, lock owner, waiters")
    func state() throws {
        let name = TestSupport.uniqueName("mq-state")
        let queue = try MessageQueue(create: name, capacity: 3, maximumSize: 16)
        defer { try? MessageQueue.remove(name) }
        try queue.send(UInt16(1), priority: 1)
        try queue.send(UInt16(2), priority: 1)
        let state = queue.state
        #expect(state.capacity == 3 && state.maximumSize == 16 && state.count == 2 && state.nextSequence == 3)
        #expect(state.lockOwner == nil && state.repairs == 0 && state.problem == nil)
        #expect(state.sendersWaiting == 0 && state.receiversWaiting == 0)
        let holder = try queue.tryReceive { _, _ in queue.state.lockOwner?.pid }
        #expect(holder == getpid())
    }

    @Test("async: a receive suspends until a send from another task; deadlines throw timedOut")
    func asyncForms() async throws {
        let name = TestSupport.uniqueName("mq-async")
        let queue = try MessageQueue(create: name, capacity: 1, maximumSize: 16)
        defer { try? MessageQueue.remove(name) }
        let receiver = Task { try await queue.receive(as: String.self, timeout: .seconds(10)) }
        try await Task.sleep(for: .milliseconds(30))
        try await queue.send("late", priority: 4)
        let message = try await receiver.value
        #expect(message.value == "late" && message.priority == 4)
        await #expect { try await queue.receive(as: UInt64.self, timeout: .milliseconds(30)) } throws: {
            ($0 as? InterprocessError)?.code == .timedOut
        }
        try await queue.send(UInt64(1))
        await #expect { try await queue.send(UInt64(2), timeout: .milliseconds(30)) } throws: {
            ($0 as? InterprocessError)?.code == .timedOut
        }
        let sender = Task { try await queue.send(contentsOf: [7, 7], priority: 2, timeout: .seconds(10)) }
        try await Task.sleep(for: .milliseconds(30))
        #expect(try await queue.receive(as: UInt64.self).value == 1)
        try await sender.value
        #expect(try await queue.receive(timeout: .seconds(5)).value == [7, 7])
        try await queue.send(UInt8(3), priority: 6)
        #expect(try await queue.receive { span, priority in Int(span.byteCount) + Int(priority) } == 7)
    }
}
