import CInterprocessBench
import CInterprocessShim
import Interprocess

#if canImport(Glibc)
import Glibc
#endif

// Latency with messages bigger than 8 bytes (1 KiB to 1 MiB): the same ping-pong as the 8-byte
// cases, each message carrying the round's number in its first 8 bytes (checked on both sides)
// and the rest filler. The responder echoes the whole message: a queue responder copies the
// borrowed record into the pong queue, a stream responder reads it whole and writes it back;
// the initiator copies each pong out (as a receiver of the bytes would). The 8-byte cases keep
// their own loops (SPSCLatencyLoops, StreamLoops), unchanged, so their numbers stay comparable
// with earlier runs.

/// A message buffer of `size` bytes, filled once.
private func payloadBuffer(_ size: Int) -> UnsafeMutableRawBufferPointer {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
    buffer.initializeMemory(as: UInt8.self, repeating: 0x5A)
    return buffer
}

/// The bench's side of an SPSC ping-pong of `messageSize`-byte messages.
struct SPSCPayloadPingSide: BenchSide, ~Copyable {
    var producer: SPSCProducer
    var consumer: SPSCConsumer
    let spinning: Bool
    let message: UnsafeMutableRawBufferPointer
    let answer: UnsafeMutableRawBufferPointer

    init(_ context: SideContext, spinning: Bool) throws {
        let producer = try SPSCQueue(open: context.queueNames[0]).makeProducer()
        let consumer = try SPSCQueue(open: context.queueNames[1]).makeConsumer()
        self.producer = producer
        self.consumer = consumer
        self.spinning = spinning
        message = payloadBuffer(context.messageSize)
        answer = payloadBuffer(context.messageSize)
    }

    deinit {
        message.deallocate()
        answer.deallocate()
    }

    mutating func run(_ phase: BenchPhase) throws {
        let samples = phase.samples
        let deadline = Deadline(nanoseconds: phase.deadline)
        var round = phase.first
        var start = benchTicks()
        for index in 0..<phase.count {
            message.storeBytes(of: round, as: UInt64.self)
            if spinning {
                guard try producer.trySend(UnsafeRawBufferPointer(message)) else { throw BenchFailure("the ping queue is full") }
                consumer.publishReleases()
                var polls = 0
                while try consumer.tryReceive(into: answer) == nil {
                    ipc_cpu_relax()
                    polls &+= 1
                    if polls & benchDeadlineCheckMask == 0, ipcb_monotonic_ns() > phase.deadline { throw BenchFailure("no pong in time") }
                }
            } else {
                try producer.send(UnsafeRawBufferPointer(message))
                _ = try consumer.receive(into: answer, until: deadline)
            }
            let echo = answer.load(as: UInt64.self)
            guard echo == round else { throw BenchFailure("pong \(echo) for ping \(round)") }
            let now = benchTicks()
            if let samples { samples[index] = now &- start }
            start = now
            round &+= 1
        }
    }
}

/// The peer's side of an SPSC ping-pong of `messageSize`-byte messages: each ping, borrowed in
/// place, is sent back as the pong, then released.
struct SPSCPayloadPongSide: BenchSide, ~Copyable {
    var producer: SPSCProducer
    var consumer: SPSCConsumer
    let spinning: Bool

    init(_ context: SideContext, spinning: Bool) throws {
        let consumer = try SPSCQueue(open: context.queueNames[0]).makeConsumer()
        let producer = try SPSCQueue(open: context.queueNames[1]).makeProducer()
        self.producer = producer
        self.consumer = consumer
        self.spinning = spinning
    }

    mutating func run(_ phase: BenchPhase) throws {
        let deadline = Deadline(nanoseconds: phase.deadline)
        var round = phase.first
        for _ in 0..<phase.count {
            var polls = 0
            while true {
                if let record = try consumer.tryPeek() {
                    let ping = record.load(as: UInt64.self)
                    guard ping == round else { throw BenchFailure("ping \(ping), expected \(round)") }
                    if spinning {
                        guard try producer.trySend(record) else { throw BenchFailure("the pong queue is full") }
                    } else {
                        try producer.send(record)
                    }
                    consumer.release(publish: false)
                    consumer.publishReleases()
                    break
                }
                if spinning {
                    ipc_cpu_relax()
                    polls &+= 1
                    if polls & benchDeadlineCheckMask == 0, ipcb_monotonic_ns() > phase.deadline { throw BenchFailure("no ping in time") }
                } else {
                    try consumer.waitForRecord(until: deadline)
                }
            }
            round &+= 1
        }
    }
}

/// Either side of a stream ping-pong of `messageSize`-byte messages: `write` it whole, `read` it
/// whole.
struct StreamPayloadLatencySide: BenchSide, ~Copyable {
    let readDescriptor: Int32
    let writeDescriptor: Int32
    let initiates: Bool
    let message: UnsafeMutableRawBufferPointer

    init(_ context: SideContext, initiates: Bool) {
        readDescriptor = context.readDescriptor
        writeDescriptor = context.writeDescriptor
        self.initiates = initiates
        message = payloadBuffer(context.messageSize)
    }

    deinit { message.deallocate() }

    mutating func run(_ phase: BenchPhase) throws {
        let samples = phase.samples
        let base = message.baseAddress!, count = message.count
        var round = phase.first
        var start = benchTicks()
        for index in 0..<phase.count {
            if initiates {
                message.storeBytes(of: round, as: UInt64.self)
                try writeFully(writeDescriptor, base, count)
                try readFully(readDescriptor, base, count)
                let now = benchTicks()
                if let samples { samples[index] = now &- start }
                start = now
            } else {
                try readFully(readDescriptor, base, count)
                try writeFully(writeDescriptor, base, count)
            }
            let echoed = message.load(as: UInt64.self)
            guard echoed == round else { throw BenchFailure("message \(echoed) in round \(round)") }
            round &+= 1
        }
    }
}
