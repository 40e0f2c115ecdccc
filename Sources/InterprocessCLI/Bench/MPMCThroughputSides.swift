import CInterprocessBench
import CInterprocessShim
import Interprocess

#if canImport(Glibc)
import Glibc
#endif

// The MPMC stream: two producer processes (the peer and a second peer, pinned to the peer's CPU)
// and one consumer (the bench). A phase of `count` messages is split between the producers:
// the first sends `count - count / 2`, the second `count / 2`. The consumer commands the second
// producer itself at the start of each phase and waits for it at the end, so the drivers stay
// two-process. Every message is copied in and out, as the SPSC rows do.

/// The slots of the MPMC throughput queue.
let mpmcBenchSlotCount = 4096

/// A producer's side of the MPMC stream.
struct MPMCProducerSide: BenchSide, ~Copyable {
    var producer: MPMCProducer
    let messageSize: Int
    let index: Int

    init(_ context: SideContext) throws {
        producer = try MPMCQueue(open: context.queueNames[0]).makeProducer()
        messageSize = context.messageSize
        index = context.producerIndex
    }

    mutating func run(_ phase: BenchPhase) throws {
        let share = index == 0 ? phase.count - phase.count / 2 : phase.count / 2
        switch messageSize {
        case 8: try mpmcProduce(&producer, UInt64(0x5A5A), count: share, deadline: phase.deadline)
        case 64: try mpmcProduce(&producer, Message64(), count: share, deadline: phase.deadline)
        default: throw BenchFailure("no MPMC bench for \(messageSize)-byte messages")
        }
    }
}

/// The bench's side of the MPMC stream: the consumer, and the commander of the second producer.
struct MPMCConsumerSide: BenchSide, ~Copyable {
    var consumer: MPMCConsumer
    let sink: UnsafeMutableRawBufferPointer
    let second: ControlBlock
    let secondPID: pid_t

    init(_ context: SideContext) throws {
        guard let second = context.secondControl else { throw BenchFailure("the MPMC bench has no second producer") }
        consumer = try MPMCQueue(open: context.queueNames[0]).makeConsumer()
        sink = .allocate(byteCount: context.messageSize, alignment: 64)
        sink.initializeMemory(as: UInt8.self, repeating: 0)
        self.second = second
        secondPID = context.secondPeer
    }

    deinit { sink.deallocate() }

    mutating func run(_ phase: BenchPhase) throws {
        let sequence = second.command(count: phase.count, first: phase.first)
        switch sink.count {
        case 8:
            try mpmcConsume(&consumer, into: sink.baseAddress!.bindMemory(to: UInt64.self, capacity: 1),
                            count: phase.count, deadline: phase.deadline)
        case 64:
            try mpmcConsume(&consumer, into: sink.baseAddress!.bindMemory(to: Message64.self, capacity: 1),
                            count: phase.count, deadline: phase.deadline)
        default:
            throw BenchFailure("no MPMC bench for \(sink.count)-byte messages")
        }
        _ = try second.awaitDone(sequence, peer: secondPID, deadline: phase.deadline)
    }
}

/// Sends `count` copies of `message`, spinning while the queue is full.
func mpmcProduce<Message: InterprocessValue>(_ producer: inout MPMCProducer, _ message: Message, count: Int, deadline: UInt64) throws {
    var sent = 0
    var polls = 0
    while sent < count {
        if try producer.trySend(message) {
            sent &+= 1
        } else {
            ipc_cpu_relax()
            polls &+= 1
            if polls & benchDeadlineCheckMask == 0, ipcb_monotonic_ns() > deadline { throw BenchFailure("the consumer stalled") }
        }
    }
}

/// Receives `count` messages of `Message`'s size, copying each into `sink`.
func mpmcConsume<Message: InterprocessValue>(_ consumer: inout MPMCConsumer, into sink: UnsafeMutablePointer<Message>, count: Int, deadline: UInt64) throws {
    var received = 0
    var polls = 0
    while received < count {
        if let message = try consumer.tryReceive(as: Message.self) {
            sink.pointee = message
            received &+= 1
        } else {
            ipc_cpu_relax()
            polls &+= 1
            if polls & benchDeadlineCheckMask == 0, ipcb_monotonic_ns() > deadline { throw BenchFailure("the producers stalled") }
        }
    }
}
