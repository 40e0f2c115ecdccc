import Foundation
@testable import Interprocess
import Synchronization
import Testing

/// A send or receive that finds the queue's lock held: it backs off, then leaves the wait to the
/// lock, and still proceeds when the holder lets go — or throws `timedOut` at its deadline.
@Suite("Message queue lock waits", .timeLimit(.minutes(1)))
struct MessageQueueLockWaitTests {
    /// What the holder thread tells the test: it holds the lock; it is about to release it.
    final class Progress: Sendable {
        let holding = Atomic<Bool>(false)
        let releasing = Atomic<Bool>(false)

        var released: Bool { releasing.load(ordering: .acquiring) }

        func waitUntilHolding() {
            while !holding.load(ordering: .acquiring) { usleep(1000) }
        }
    }

    /// Holds `queue`'s lock on another thread for `milliseconds` (far past the backoff).
    static func holdLock(_ queue: MessageQueue, milliseconds: UInt32) -> Progress {
        let progress = Progress()
        Thread {
            _ = try? queue.mapping.lock.lock()
            progress.holding.store(true, ordering: .releasing)
            usleep(milliseconds * 1000)
            progress.releasing.store(true, ordering: .releasing)
            try? queue.mapping.lock.unlock()
        }.start()
        progress.waitUntilHolding()
        return progress
    }

    @Test("a send and a receive that find the lock held go on once the holder releases it")
    func proceedAfterRelease() throws {
        let name = TestSupport.uniqueName("mq-lockwait")
        let queue = try MessageQueue(create: name, capacity: 4, maximumSize: 8)
        defer { try? MessageQueue.remove(name) }
        var progress = Self.holdLock(queue, milliseconds: 50)
        try queue.send(UInt64(5), priority: 2)
        #expect(progress.released)
        progress = Self.holdLock(queue, milliseconds: 50)
        #expect(try queue.tryReceive(as: UInt64.self) == MessageQueue.Received(value: 5, priority: 2))
        #expect(progress.released)
        #expect(queue.state.lockOwner == nil)
    }

    @Test("a lock held past the deadline: timed sends and receives throw timedOut")
    func deadlineWhileLocked() throws {
        let name = TestSupport.uniqueName("mq-lockdeadline")
        let queue = try MessageQueue(create: name, capacity: 4, maximumSize: 8)
        defer { try? MessageQueue.remove(name) }
        let progress = Self.holdLock(queue, milliseconds: 300)
        let send = #expect(throws: InterprocessError.self) { try queue.send(UInt64(1), timeout: .milliseconds(20)) }
        #expect(send?.code == .timedOut)
        let receive = #expect(throws: InterprocessError.self) { _ = try queue.receive(as: UInt64.self, timeout: .milliseconds(20)) }
        #expect(receive?.code == .timedOut)
        while !progress.released { usleep(1000) }
        try queue.send(UInt64(3), timeout: .seconds(5))
        #expect(try queue.receive(as: UInt64.self, timeout: .seconds(5)).value == 3)
    }
}
