import CInterprocessBench
import Interprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One message queue case: `senders` processes sending 8-byte messages (priorities 1–4 in turn)
/// as fast as they can and `receivers` processes receiving them, through our ``MessageQueue`` or
/// the C baseline (a heap under a process-shared robust pthread mutex and two conditions).
struct MessageQueueRow: Codable {
    var transport: BenchTransport
    var role: BenchRole
    var senders: Int
    var receivers: Int
    var messageBytes: Int
    /// Messages received in the measured time (every one sent), and that time: from the start
    /// signal to the last receiver's stop message. Best of the rounds.
    var messages: Int
    var seconds: Double
    var messagesPerSecond: Double
    /// Ours over the C baseline of the same shape, same run.
    var ratioToC: Double?
    /// This shape's rate over the same transport's 1 × 1 rate, same run.
    var scaling: Double?
}

/// The message queue group (`--only message-queue`): 1 sender × 1 receiver and 4 × 4, senders
/// pinned to the bench CPU and receivers to the peer CPU, ours beside the C baseline, rounds
/// alternating between the two (best of 3 each). Every process is a `bench-peer`; the last
/// sender to finish sends one stop message (priority 0, below every data message) per receiver.
enum MessageQueueBench {
    static let cases = [BenchCase(group: .messageQueue, transport: .cPriorityQueue, messageSize: 8),
                        BenchCase(group: .messageQueue, transport: .priorityQueue, messageSize: 8)]
    /// (senders, receivers) measured, in this order.
    static let shapes = [(1, 1), (4, 4)]
    /// The queue: 256 messages of 8 bytes.
    static let capacity = 256
    static let stop = UInt64.max

    // The results segment: ready count, go flag, start time, senders done; then 64 bytes per
    // peer from 64: end time, messages received, bad values.
    static let resultsSize = 4096
    static let readyOffset = 0, goOffset = 8, startOffset = 16, sendersDoneOffset = 24

    /// Measures every selected transport at every shape.
    static func run(_ selections: [BenchSelection], settings: BenchSettings, quick: Bool) throws -> [MessageQueueRow] {
        let selected = cases.filter { BenchSelection.selects(selections, $0) }
        var rows: [MessageQueueRow] = []
        var serial = 0
        for (senders, receivers) in shapes {
            let total = (quick ? 200_000 : 4_000_000)
            var best: [BenchTransport: MessageQueueRow] = [:]
            for _ in 0..<(quick ? 1 : 3) {
                for benchCase in selected {
                    serial += 1
                    let (messages, seconds) = try measure(benchCase.transport, senders: senders, receivers: receivers,
                                                          perSender: total / senders, serial: serial, settings: settings)
                    let row = MessageQueueRow(transport: benchCase.transport, role: benchCase.transport.role, senders: senders,
                                              receivers: receivers, messageBytes: 8, messages: messages, seconds: seconds,
                                              messagesPerSecond: Double(messages) / seconds)
                    if row.messagesPerSecond > best[benchCase.transport]?.messagesPerSecond ?? 0 { best[benchCase.transport] = row }
                }
            }
            rows += selected.compactMap { best[$0.transport] }
        }
        for index in rows.indices {
            let row = rows[index]
            if let c = rows.first(where: { $0.transport == .cPriorityQueue && $0.senders == row.senders }) {
                rows[index].ratioToC = row.messagesPerSecond / c.messagesPerSecond
            }
            if let single = rows.first(where: { $0.transport == row.transport && $0.senders == 1 }) {
                rows[index].scaling = row.messagesPerSecond / single.messagesPerSecond
            }
        }
        return rows
    }

    /// One round: creates the queue and the results segment, starts the processes, lets them go,
    /// and waits for them; returns the messages received and the seconds they took.
    static func measure(
        _ transport: BenchTransport, senders: Int, receivers: Int, perSender: Int, serial: Int, settings: BenchSettings
    ) throws -> (Int, Double) {
        let name = "ipc-bench-\(getpid())-mq-\(serial)", resultsName = name + "-results"
        let results = try SharedMemory(create: resultsName, size: resultsSize, lifetime: .removedWhenCreatorCloses)
        let base = results.region.baseAddress
        func word(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> { (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1) }
        for offset in stride(from: 0, to: resultsSize, by: 8) { word(offset).initialize(to: Atomic(0)) }
        var queue: MessageQueue?
        var cQueue: SharedMemory?
        if transport == .priorityQueue {
            queue = try MessageQueue(create: name, capacity: capacity, maximumSize: 8, lifetime: .removedWhenCreatorCloses)
        } else {
            let memory = try SharedMemory(create: name, size: Int(ipcb_pq_bytes(UInt32(capacity), 8)), lifetime: .removedWhenCreatorCloses)
            guard ipcb_pq_init(memory.region.baseAddress, UInt32(capacity), 8) == 0 else { throw BenchFailure("ipcb_pq_init failed") }
            cQueue = consume memory
        }
        let arguments = { (index: Int) -> [String] in
            let sends = index < senders
            return ["bench-peer", "--group", BenchGroup.messageQueue.rawValue, "--transport", transport.rawValue, "--size", "8",
                    "--control", resultsName, "--cpu", String(sends ? settings.benchCPU : settings.peerCPU),
                    "--queue", name, "--queue", sends ? "send" : "receive", "--queue", String(senders), "--queue", String(receivers),
                    "--queue", String(perSender), "--producer-index", String(index)]
        }
        let start = try BroadcastBench.withReaders(senders + receivers, arguments: arguments, pids: []) { pids in
            let waitLimit = ipcb_monotonic_ns() + 20_000_000_000
            while word(readyOffset).pointee.load(ordering: .acquiring) < UInt64(senders + receivers) {
                for pid in pids { try PeerProcess.checkAlive(pid) }
                guard ipcb_monotonic_ns() < waitLimit else { throw BenchFailure("the message queue processes did not start") }
                usleep(1000)
            }
            let start = ipcb_monotonic_ns()
            word(startOffset).pointee.store(start, ordering: .relaxed)
            word(goOffset).pointee.store(1, ordering: .releasing)
            return start
        }
        var end: UInt64 = 0, received: UInt64 = 0, bad: UInt64 = 0
        for index in senders..<(senders + receivers) {
            end = max(end, word(64 * (index + 1)).pointee.load(ordering: .relaxed))
            received += word(64 * (index + 1) + 8).pointee.load(ordering: .relaxed)
            bad += word(64 * (index + 1) + 16).pointee.load(ordering: .relaxed)
        }
        guard bad == 0, received == UInt64(senders * perSender) else {
            throw BenchFailure("the message queue receivers got \(received) messages (\(bad) bad), not \(senders * perSender)")
        }
        withExtendedLifetime(queue) {}
        withExtendedLifetime(cQueue) {}
        withExtendedLifetime(results) {}
        return (Int(received), Double(end &- start) / 1e9)
    }

    /// A sender or receiver process (`bench-peer --group message-queue`); `names` holds the
    /// queue's name, "send" or "receive", the sender and receiver counts and the messages per
    /// sender.
    static func peer(transport: BenchTransport, resultsName: String, names: [String], index: Int) throws {
        guard names.count == 5, let senders = Int(names[2]), let receivers = Int(names[3]), let perSender = Int(names[4]) else {
            throw BenchFailure("bad message queue peer arguments \(names)")
        }
        let results = try SharedMemory(open: resultsName)
        let base = results.region.baseAddress
        func word(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> { (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1) }
        if transport == .priorityQueue {
            try run(.swift(try MessageQueue(open: names[0])))
        } else {
            let memory = try SharedMemory(open: names[0])
            try run(.c(memory.region.baseAddress))
            withExtendedLifetime(memory) {}
        }
        withExtendedLifetime(results) {}

        func run(_ queue: Endpoint) throws {
            word(readyOffset).pointee.wrappingAdd(1, ordering: .releasing)
            let limit = ipcb_monotonic_ns() + 30_000_000_000
            while word(goOffset).pointee.load(ordering: .acquiring) == 0 {
                guard ipcb_monotonic_ns() < limit else { throw BenchFailure("no start signal") }
                usleep(50)
            }
            if names[1] == "send" {
                switch queue {
                case .swift(let queue): try swiftSend(queue, count: perSender)
                case .c(let queue): try cSend(queue, count: perSender)
                }
                // The last sender to finish tells every receiver to stop.
                if word(sendersDoneOffset).pointee.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue == UInt64(senders) {
                    for _ in 0..<receivers {
                        switch queue {
                        case .swift(let queue): try queue.send(stop, priority: 0)
                        case .c(let queue): try cSendOne(queue, stop, priority: 0)
                        }
                    }
                }
            } else {
                let (count, bad) = switch queue {
                case .swift(let queue): try swiftReceive(queue)
                case .c(let queue): try cReceive(queue)
                }
                let slot = 64 * (index + 1)
                word(slot).pointee.store(ipcb_monotonic_ns(), ordering: .relaxed)
                word(slot + 8).pointee.store(count, ordering: .relaxed)
                word(slot + 16).pointee.store(bad, ordering: .relaxed)
            }
        }
    }

    /// The queue a peer uses: ours, or the C baseline's mapping.
    enum Endpoint {
        case swift(MessageQueue)
        case c(UnsafeMutableRawPointer)
    }

    static func swiftSend(_ queue: MessageQueue, count: Int) throws {
        var value: UInt64 = 0
        while value < UInt64(count) {
            try queue.send(value, priority: UInt32(truncatingIfNeeded: value & 3) &+ 1)
            value &+= 1
        }
    }

    static func swiftReceive(_ queue: MessageQueue) throws -> (UInt64, UInt64) {
        var count: UInt64 = 0, bad: UInt64 = 0
        while true {
            let message = try queue.receive(as: UInt64.self)
            if message.value == stop { break }
            if message.priority != UInt32(truncatingIfNeeded: message.value & 3) &+ 1 { bad &+= 1 }
            count &+= 1
        }
        return (count, bad)
    }

    static func cSendOne(_ queue: UnsafeMutableRawPointer, _ value: UInt64, priority: UInt32) throws {
        var value = value
        guard ipcb_pq_send(queue, &value, 8, priority) == 0 else { throw BenchFailure("ipcb_pq_send failed") }
    }

    static func cSend(_ queue: UnsafeMutableRawPointer, count: Int) throws {
        var value: UInt64 = 0
        while value < UInt64(count) {
            try cSendOne(queue, value, priority: UInt32(truncatingIfNeeded: value & 3) &+ 1)
            value &+= 1
        }
    }

    static func cReceive(_ queue: UnsafeMutableRawPointer) throws -> (UInt64, UInt64) {
        var count: UInt64 = 0, bad: UInt64 = 0
        var value: UInt64 = 0, length: UInt32 = 0, priority: UInt32 = 0
        while true {
            guard ipcb_pq_receive(queue, &value, 8, &length, &priority) == 0 else { throw BenchFailure("ipcb_pq_receive failed") }
            if value == stop { break }
            if priority != UInt32(truncatingIfNeeded: value & 3) &+ 1 || length != 8 { bad &+= 1 }
            count &+= 1
        }
        return (count, bad)
    }

    /// The rows as a table for people.
    static func table(_ rows: [MessageQueueRow]) -> String {
        let text = "\nMessage queue, 8 B messages, priorities 1-4: senders on the bench CPU, receivers on the peer CPU (best of 3, rounds alternating). ×C: over the C pthread-mutex priority queue of the same shape; scaling: over the same queue's 1 × 1.\n\n"
        var table = [["queue", "senders × receivers", "messages/s", "×C", "scaling", "messages"]]
        for row in rows {
            table.append([BenchTable.label(row.transport, row.role), "\(row.senders) × \(row.receivers)", BenchTable.rate(row.messagesPerSecond),
                          BenchTable.ratio(row.ratioToC), BenchTable.ratio(row.scaling), String(row.messages)])
        }
        return text + Formatting.table(table) + "\n"
    }
}
