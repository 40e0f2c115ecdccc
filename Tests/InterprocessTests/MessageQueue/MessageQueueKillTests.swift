import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Senders and receivers of a ``MessageQueue`` SIGKILLed at random points (inside the queue's
/// lock too, and some killing themselves holding it) 200 times while messages flow, replaced by
/// new processes each time. Nobody hangs; nothing is torn, reordered within (sender, priority),
/// duplicated or invented; a message is lost only to a receiver killed between taking it and
/// counting it. Seeded: `CHAOS_SEED` replays a run.
@Suite("Message queue under random kills", .serialized, .timeLimit(.minutes(3)))
struct MessageQueueKillTests {
    @Test("200 random SIGKILLs of 3 senders and 3 receivers, and deaths holding the lock")
    func randomKills() throws {
        let seed = ChaosSeed.make()
        var random = SeededRandom(seed: seed)
        let context = "seed \(seed)"
        let name = TestSupport.uniqueName("mq-kill")
        let queue = try MessageQueue(create: name, capacity: 16, maximumSize: 16)
        defer { try? MessageQueue.remove(name) }
        let ledger = try MessageQueueTestLedger()
        var nextSender = 0
        func startSender() throws -> SpawnedPeer {
            defer { nextSender += 1 }
            return try SpawnedPeer("mq-send", name, ledger.name, String(nextSender), String(MessageQueueTestLedger.sequences), "4",
                                   String(random.next() >> 1))
        }
        func startReceiver() throws -> SpawnedPeer {
            try SpawnedPeer("mq-receive", name, ledger.name, "forever", "0")
        }
        let sides = 3
        var senders = try (0..<sides).map { _ in try startSender() }
        var receivers = try (0..<sides).map { _ in try startReceiver() }
        var killedReceivers = 0, diedHolding = 0
        let kills = ChaosSeed.scaled(200)
        for round in 0..<kills {
            usleep(UInt32(500 + random.next() % 4_000))
            let index = Int(random.next() % UInt64(sides))
            if round % 20 == 19 {
                // A receiver that kills itself inside a receive, holding the lock.
                let victim = try SpawnedPeer("mq-die-holding", name, "kill")
                // Killed by its own SIGKILL (wait status 9) only if a message came within 2 s.
                if victim.waitForExit(timeout: 5).map({ $0 & 0x7f == SIGKILL }) == true { diedHolding += 1 }
            } else if random.next() % 2 == 0 && nextSender < MessageQueueTestLedger.senders {
                senders[index].killAndReap()
                senders[index] = try startSender()
            } else {
                receivers[index].killAndReap()
                killedReceivers += 1
                receivers[index] = try startReceiver()
            }
        }
        for sender in senders { sender.killAndReap() }
        for receiver in receivers { receiver.killAndReap() }
        killedReceivers += sides

        // What is left drains in order, and the count agrees with it.
        let left = Int(queue.state.count)
        let drain = try TestSupport.peer("mq-receive", name, ledger.name, "drain", "0")
        #expect(drain.status == 0 && drain.standardOutput.contains("received \(left)"), "\(context): \(drain), count was \(left)")
        #expect(queue.state.count == 0 && queue.state.problem == nil, "\(context)")
        #expect(queue.state.repairs >= UInt64(diedHolding), "\(context): \(queue.state.repairs) repairs for \(diedHolding) deaths holding the lock")

        #expect(ledger.bad == 0, "\(context): \(ledger.bad) torn or impossible messages")
        #expect(ledger.fifoViolations == 0, "\(context): \(ledger.fifoViolations) FIFO violations within a (sender, priority)")
        #expect(ledger.orderViolations == 0, "\(context): the final drain saw priorities rise")
        var duplicates = 0, lost = 0, invented = 0, sentTotal = 0
        for sender in 0..<nextSender {
            let sent = ledger.sent(sender)
            sentTotal += sent
            for sequence in 0..<MessageQueueTestLedger.sequences {
                let count = ledger.deliveries(sender, sequence)
                if count > 1 { duplicates += Int(count) - 1 }
                // `sent` counts sends that returned; the next one may have committed just
                // before its sender died.
                if sequence < sent && count == 0 { lost += 1 }
                if sequence > sent && count > 0 { invented += 1 }
            }
        }
        #expect(sentTotal > 0, "\(context): nothing was sent")
        #expect(duplicates == 0, "\(context): \(duplicates) messages received twice")
        #expect(invented == 0, "\(context): \(invented) messages received that were never sent")
        // A receiver killed after taking a message and before counting it loses that one.
        #expect(lost <= killedReceivers, "\(context): \(lost) messages lost, \(killedReceivers) receivers killed")

        // The queue still works.
        try queue.send(UInt64(1), priority: 1, timeout: .seconds(5))
        try queue.send(UInt64(2), priority: 2, timeout: .seconds(5))
        #expect(try queue.receive(as: UInt64.self, timeout: .seconds(5)).value == 2, "\(context)")
        #expect(try queue.receive(as: UInt64.self, timeout: .seconds(5)).value == 1, "\(context)")
    }
}
