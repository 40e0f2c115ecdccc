import Foundation
import Interprocess
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The message queue tests' ledger (MessageQueueLedger in the test peer): problem counters, how
/// many sends of each sender returned, and how often each (sender, sequence) was received.
struct MessageQueueTestLedger: ~Copyable {
    static let senders = 512, sequences = 2048
    static let badOffset = 0, fifoOffset = 8, orderOffset = 16
    static let sentOffset = 4096, countsOffset = sentOffset + senders * 8
    static let size = countsOffset + senders * sequences * 4

    let name: String
    let memory: SharedMemory

    init() throws {
        name = TestSupport.uniqueName("mq-ledger")
        memory = try SharedMemory(create: name, size: Self.size)
    }

    deinit { try? SharedMemory.remove(name) }

    func word(_ offset: Int) -> UInt64 {
        (memory.region.baseAddress + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1).pointee.load(ordering: .relaxed)
    }
    var bad: UInt64 { word(Self.badOffset) }
    var fifoViolations: UInt64 { word(Self.fifoOffset) }
    var orderViolations: UInt64 { word(Self.orderOffset) }
    func sent(_ sender: Int) -> Int { Int(word(Self.sentOffset + 8 * sender)) }
    func deliveries(_ sender: Int, _ sequence: Int) -> UInt32 {
        (memory.region.baseAddress + Self.countsOffset + 4 * (sender * Self.sequences + sequence))
            .bindMemory(to: Atomic<UInt32>.self, capacity: 1).pointee.load(ordering: .relaxed)
    }
}

@Suite("Message queue across processes", .timeLimit(.minutes(2)))
struct MessageQueueCrossProcessTests {
    static func outcomes(_ peers: [TestSupport.BackgroundPeer]) throws -> [TestSupport.Outcome] {
        try peers.map { try $0.wait() }
    }

    @Test("4 sender processes fill the queue, 4 receiver processes drain it: priorities never rise, FIFO per (sender, priority), each message once")
    func fillThenDrain() throws {
        let name = TestSupport.uniqueName("mq-fill-drain")
        let queue = try MessageQueue(create: name, capacity: 4096, maximumSize: 16)
        defer { try? MessageQueue.remove(name) }
        let ledger = try MessageQueueTestLedger()
        let perSender = 1024
        let senders = try (0..<4).map { id in
            try TestSupport.BackgroundPeer(["mq-send", name, ledger.name, String(id), String(perSender), "8"], timeout: 60)
        }
        for outcome in try Self.outcomes(senders) { #expect(outcome.status == 0 && outcome.standardOutput.contains("sent \(perSender)"), "\(outcome)") }
        #expect(queue.state.count == 4096)
        let receivers = try (0..<4).map { _ in
            try TestSupport.BackgroundPeer(["mq-receive", name, ledger.name, "drain", "10000"], timeout: 60)
        }
        for outcome in try Self.outcomes(receivers) { #expect(outcome.status == 0, "\(outcome)") }
        #expect(ledger.bad == 0 && ledger.fifoViolations == 0 && ledger.orderViolations == 0)
        var wrong: [String] = []
        for sender in 0..<4 {
            for sequence in 0..<perSender where ledger.deliveries(sender, sequence) != 1 && wrong.count < 5 {
                wrong.append("\(sender)/\(sequence): \(ledger.deliveries(sender, sequence))")
            }
        }
        #expect(wrong.isEmpty, "messages not received exactly once: \(wrong)")
        #expect(queue.state.count == 0)
    }

    @Test("4 senders × 4 receivers at once through a small queue: FIFO per (sender, priority), each message once, stop messages last")
    func concurrentFlow() throws {
        let name = TestSupport.uniqueName("mq-flow")
        let queue = try MessageQueue(create: name, capacity: 32, maximumSize: 16)
        defer { try? MessageQueue.remove(name) }
        let ledger = try MessageQueueTestLedger()
        let perSender = 2000
        // 100 s for the whole run: with the rest of the suite on two CPUs, 8 processes through a
        // 32-slot queue have taken more than 60 s (a CI run).
        let receivers = try (0..<4).map { _ in
            try TestSupport.BackgroundPeer(["mq-receive", name, ledger.name, "stop", "100000"], timeout: 110)
        }
        let senders = try (0..<4).map { id in
            try TestSupport.BackgroundPeer(["mq-send", name, ledger.name, String(id), String(perSender), "4"], timeout: 110)
        }
        for outcome in try Self.outcomes(senders) { #expect(outcome.status == 0, "\(outcome)") }
        // Stop messages have priority 0, below every data message: each receiver gets one only
        // once every message sent before it has been taken.
        let stop = PrioritizedTestMessageShape(sender: UInt32.max, sequence: 0, priority: 0)
        for _ in 0..<4 { try queue.send(stop, priority: 0, timeout: .seconds(30)) }
        var total = 0
        for outcome in try Self.outcomes(receivers) {
            #expect(outcome.status == 0, "\(outcome)")
            total += outcome.standardOutput.split(separator: "\n").first { $0.hasPrefix("received ") }.flatMap { Int($0.dropFirst(9)) } ?? 0
        }
        #expect(total == 4 * perSender)
        #expect(ledger.bad == 0 && ledger.fifoViolations == 0)
        var wrong = 0
        for sender in 0..<4 { for sequence in 0..<perSender where ledger.deliveries(sender, sequence) != 1 { wrong += 1 } }
        #expect(wrong == 0)
    }

    @Test("a receiver in another process blocked on an empty queue is woken by a later send, and a blocked sender by a later receive")
    func wakeUps() throws {
        let name = TestSupport.uniqueName("mq-wake")
        let queue = try MessageQueue(create: name, capacity: 1, maximumSize: 16)
        defer { try? MessageQueue.remove(name) }
        let ledger = try MessageQueueTestLedger()
        let receiver = try TestSupport.BackgroundPeer(["mq-receive", name, ledger.name, "stop", "20000"], timeout: 30)
        #expect(TestSupport.eventually { queue.state.receiversWaiting > 0 })
        try queue.send(PrioritizedTestMessageShape(sender: 3, sequence: 0, priority: 2), priority: 2)
        #expect(TestSupport.eventually { ledger.deliveries(3, 0) == 1 })
        try queue.send(PrioritizedTestMessageShape(sender: UInt32.max, sequence: 0, priority: 0), priority: 0, timeout: .seconds(10))
        #expect(try receiver.wait().standardOutput.contains("received 1"))
        // Fill the queue; a sender in another process blocks until this process receives.
        try queue.send(UInt8(0))
        let sender = try TestSupport.BackgroundPeer(["mq-send", name, ledger.name, "5", "1", "1"], timeout: 30)
        #expect(TestSupport.eventually { queue.state.sendersWaiting > 0 })
        #expect(try queue.receive(as: UInt8.self, timeout: .seconds(5)).value == 0)
        #expect(try sender.wait().status == 0)
        #expect(try queue.receive(as: PrioritizedTestMessageShape.self, timeout: .seconds(5)).value.sender == 5)
    }

    @Test("a receiver killed holding the lock inside a receive: the next user rebuilds the queue and the message is still there")
    func killedHoldingTheLock() throws {
        let name = TestSupport.uniqueName("mq-die-holding")
        let queue = try MessageQueue(create: name, capacity: 8, maximumSize: 16)
        defer { try? MessageQueue.remove(name) }
        for value in UInt64(1)...3 { try queue.send(value, priority: UInt32(value)) }
        let outcome = try TestSupport.peer("mq-die-holding", name, "kill")
        #expect(outcome.signal == SIGKILL, "\(outcome)")
        #expect(queue.state.lockOwnerLiveness == .dead)
        try queue.send(UInt64(4), priority: 0, timeout: .seconds(5))
        #expect(queue.state.repairs == 1 && queue.state.count == 4)
        var values: [UInt64] = []
        while let message = try queue.tryReceive(as: UInt64.self) { values.append(message.value) }
        #expect(values == [3, 2, 1, 4])
    }

    @Test("a receiver stopped holding the lock: deadline forms throw timedOut on time; once it is killed, the queue goes on")
    func stoppedHoldingTheLock() throws {
        let name = TestSupport.uniqueName("mq-stop-holding")
        let queue = try MessageQueue(create: name, capacity: 8, maximumSize: 16)
        defer { try? MessageQueue.remove(name) }
        try queue.send(UInt64(9), priority: 1)
        let holder = try SpawnedPeer("mq-die-holding", name, "stop")
        defer { holder.killAndReap() }
        #expect(TestSupport.eventually { ChaosSeed.isStopped(holder.pid) })
        let start = ContinuousClock.now
        #expect(try timingOut { () throws(InterprocessError) in try queue.send(UInt64(1), timeout: .milliseconds(100)) } == nil)
        #expect(try timingOut { () throws(InterprocessError) in try queue.receive(as: UInt64.self, until: .after(.milliseconds(100))) } == nil)
        #expect(ContinuousClock.now - start < .seconds(3))
        holder.killAndReap()
        #expect(try queue.receive(as: UInt64.self, timeout: .seconds(5)) == MessageQueue.Received(value: 9, priority: 1))
        #expect(queue.state.repairs == 1)
    }
}

/// The test peer's PrioritizedTestMessage, as the tests build it.
struct PrioritizedTestMessageShape: InterprocessValue {
    var sender: UInt32
    var sequence: UInt32
    var priority: UInt32
    var check: UInt32

    init(sender: UInt32, sequence: UInt32, priority: UInt32) {
        self.sender = sender
        self.sequence = sequence
        self.priority = priority
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for word in [sender, sequence, priority] { hash = (hash ^ UInt64(word)) &* 0x0000_0100_0000_01B3 }
        check = UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
    }
}
