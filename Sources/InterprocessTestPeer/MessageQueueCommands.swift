import Interprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One test message of a ``MessageQueue``: who sent it, its number in that sender's stream, the
/// priority it was sent with, and a check word over the three, so a torn or invented message is
/// told from a real one. Sender `UInt32.max` is a stop message.
struct PrioritizedTestMessage: InterprocessValue, Equatable {
    var sender: UInt32
    var sequence: UInt32
    var priority: UInt32
    var check: UInt32

    static let stopSender = UInt32.max

    init(sender: UInt32, sequence: UInt32, priority: UInt32) {
        self.sender = sender
        self.sequence = sequence
        self.priority = priority
        self.check = PrioritizedTestMessage.check(sender, sequence, priority)
    }

    static func check(_ sender: UInt32, _ sequence: UInt32, _ priority: UInt32) -> UInt32 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for word in [sender, sequence, priority] { hash = (hash ^ UInt64(word)) &* 0x0000_0100_0000_01B3 }
        return UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
    }

    var isIntact: Bool { check == PrioritizedTestMessage.check(sender, sequence, priority) }

    /// The priority sender `sender` gives its message `sequence`: 1...priorities, scrambled.
    static func priority(sender: UInt32, sequence: UInt32, priorities: Int) -> UInt32 {
        1 + check(sender, sequence, 0x5EED) % UInt32(priorities)
    }
}

/// The message queue tests' ledger, plain shared memory every sender and receiver writes:
/// counters of problems, per sender how many sends returned, and per (sender, sequence) how
/// many times it was received.
struct MessageQueueLedger: ~Copyable {
    static let senders = 512, sequences = 2048
    static let badOffset = 0, fifoOffset = 8, orderOffset = 16
    static let sentOffset = 4096, countsOffset = sentOffset + senders * 8
    static let size = countsOffset + senders * sequences * 4

    let memory: SharedMemory
    var base: UnsafeMutableRawPointer { memory.region.baseAddress }

    init(open name: String) throws { memory = try SharedMemory(open: name) }

    func word(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
    }
    func sent(_ sender: UInt32) -> UnsafeMutablePointer<Atomic<UInt64>> { word(Self.sentOffset + 8 * Int(sender)) }
    func deliveries(_ sender: UInt32, _ sequence: UInt32) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (base + Self.countsOffset + 4 * (Int(sender) * Self.sequences + Int(sequence))).bindMemory(to: Atomic<UInt32>.self, capacity: 1)
    }
    func count(_ offset: Int) { word(offset).pointee.wrappingAdd(1, ordering: .relaxed) }
}

/// `mq-send`, `mq-receive`, `mq-die-holding`: senders and receivers of a ``MessageQueue`` for
/// the cross-process and kill tests.
enum MessageQueueCommands {
    /// `mq-send QUEUE LEDGER SENDER COUNT PRIORITIES [SEED]`: sends messages 0..<COUNT as SENDER
    /// with scrambled priorities 1...PRIORITIES (blocking while full, 20 s at most each),
    /// storing `sent = sequence + 1` after each; with SEED, pauses 0–200 µs after each. Prints
    /// "sent COUNT".
    static func send(_ arguments: inout Arguments) throws {
        let queue = try MessageQueue(open: try arguments.next("QUEUE"), timeout: .seconds(5))
        let ledger = try MessageQueueLedger(open: try arguments.next("LEDGER"))
        let sender = UInt32(try arguments.nextInt("SENDER"))
        let count = try arguments.nextInt("COUNT")
        let priorities = try arguments.nextInt("PRIORITIES")
        var random = arguments.nextIfPresent().flatMap(UInt64.init).map(PeerRandom.init(seed:))
        try arguments.finish()
        guard Int(sender) < MessageQueueLedger.senders, count <= MessageQueueLedger.sequences else {
            throw UsageError("SENDER or COUNT out of the ledger's range")
        }
        for sequence in 0..<UInt32(count) {
            let priority = PrioritizedTestMessage.priority(sender: sender, sequence: sequence, priorities: priorities)
            try queue.send(PrioritizedTestMessage(sender: sender, sequence: sequence, priority: priority), priority: priority,
                           timeout: .seconds(20))
            ledger.sent(sender).pointee.store(UInt64(sequence) + 1, ordering: .relaxed)
            if let roll = random?.next() { usleep(UInt32(roll % 200)) }
        }
        print("sent \(count)")
    }

    /// `mq-receive QUEUE LEDGER drain|stop|forever TIMEOUT_MS`: receives messages, checking
    /// each one's check word and priority, that each (sender, priority)'s sequence numbers rise
    /// (FIFO), and in `drain` mode that priorities never rise; counts each delivery in LEDGER.
    /// `drain` ends when the queue is empty, `stop` at a stop message, `forever` never (the
    /// test kills it). Prints "received N".
    static func receive(_ arguments: inout Arguments) throws {
        let queue = try MessageQueue(open: try arguments.next("QUEUE"), timeout: .seconds(5))
        let ledger = try MessageQueueLedger(open: try arguments.next("LEDGER"))
        let mode = try arguments.next("MODE")
        let deadline = Deadline.after(.milliseconds(try arguments.nextInt("TIMEOUT_MS")))
        try arguments.finish()
        var last: [UInt64: UInt32] = [:]
        var previousPriority = UInt32.max
        var received = 0
        while true {
            let message: MessageQueue.Received<PrioritizedTestMessage>
            if mode == "drain" {
                guard let next = try queue.tryReceive(as: PrioritizedTestMessage.self) else { break }
                message = next
            } else {
                message = try queue.receive(as: PrioritizedTestMessage.self, until: mode == "forever" ? .never : deadline)
            }
            let value = message.value
            guard value.isIntact, value.priority == message.priority, Int(value.sender) < MessageQueueLedger.senders,
                  Int(value.sequence) < MessageQueueLedger.sequences else {
                if value.isIntact, value.sender == PrioritizedTestMessage.stopSender, mode == "stop" { break }
                ledger.count(MessageQueueLedger.badOffset)
                continue
            }
            if mode == "drain" {
                if message.priority > previousPriority { ledger.count(MessageQueueLedger.orderOffset) }
                previousPriority = message.priority
            }
            let key = UInt64(value.sender) << 32 | UInt64(value.priority)
            if let before = last[key], before >= value.sequence { ledger.count(MessageQueueLedger.fifoOffset) }
            last[key] = value.sequence
            ledger.deliveries(value.sender, value.sequence).pointee.wrappingAdd(1, ordering: .relaxed)
            received += 1
        }
        print("received \(received)")
    }

    /// `mq-die-holding QUEUE kill|stop`: receives a message and, holding the queue's lock inside
    /// the receive, kills itself (SIGKILL) or stops itself (SIGSTOP; it exits after SIGCONT).
    static func dieHolding(_ arguments: inout Arguments) throws {
        let queue = try MessageQueue(open: try arguments.next("QUEUE"), timeout: .seconds(5))
        let how = try arguments.next("HOW")
        try arguments.finish()
        _ = try queue.receive(timeout: .seconds(2)) { _, _ in
            raise(how == "stop" ? SIGSTOP : SIGKILL)
        }
        print("continued")
    }
}

extension MessageQueueCommands {
    /// `mq-file-send PATH QUEUE COUNT`: opens the managed segment in the file at PATH and the
    /// message queue QUEUE in it (creating both if absent: capacity 64, 16 bytes), sends
    /// UInt64 values 1...COUNT with priority = value, and exits. Prints "sent COUNT".
    static func fileSend(_ arguments: inout Arguments) throws {
        let path = try arguments.next("PATH"), name = try arguments.next("QUEUE")
        let count = try arguments.nextInt("COUNT")
        try arguments.finish()
        let segment = try ManagedSegment(openOrCreate: "mq-file", size: 1 << 20, backing: .file(path: FilePath(path)))
        let queue = try MessageQueue(openOrCreate: name, in: segment, capacity: 64, maximumSize: 16)
        for value in 1...UInt64(count) { try queue.send(value, priority: UInt32(value), timeout: .seconds(5)) }
        print("sent \(count)")
    }
}
