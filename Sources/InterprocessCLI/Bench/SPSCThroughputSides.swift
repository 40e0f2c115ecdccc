import Interprocess

/// The peer's side of the SPSC stream: the producer.
struct SPSCProducerSide: BenchSide, ~Copyable {
    var producer: SPSCProducer
    let message: UnsafeMutableRawBufferPointer
    let batch: Int

    init(_ context: SideContext) throws {
        producer = try SPSCQueue(open: context.queueNames[0]).makeProducer()
        message = .allocate(byteCount: context.messageSize, alignment: 64)
        message.initializeMemory(as: UInt8.self, repeating: 0x5A)
        batch = BenchSizing.batch(for: context.messageSize)
    }

    deinit { message.deallocate() }

    mutating func run(_ phase: BenchPhase) throws {
        switch message.count {
        case 8: try spscProduce(&producer, UInt64(0x5A5A), count: phase.count, batch: batch, deadline: phase.deadline)
        case 64: try spscProduce(&producer, Message64(), count: phase.count, batch: batch, deadline: phase.deadline)
        default: try spscProduce(&producer, bytes: UnsafeRawBufferPointer(message), count: phase.count, batch: batch, deadline: phase.deadline)
        }
    }
}

/// The bench's side of the SPSC stream: the consumer.
struct SPSCConsumerSide: BenchSide, ~Copyable {
    var consumer: SPSCConsumer
    let sink: UnsafeMutableRawBufferPointer
    let batch: Int

    init(_ context: SideContext) throws {
        consumer = try SPSCQueue(open: context.queueNames[0]).makeConsumer()
        sink = .allocate(byteCount: context.messageSize, alignment: 64)
        sink.initializeMemory(as: UInt8.self, repeating: 0)
        batch = BenchSizing.batch(for: context.messageSize)
    }

    deinit { sink.deallocate() }

    mutating func run(_ phase: BenchPhase) throws {
        switch sink.count {
        case 8:
            try spscConsume(&consumer, into: sink.baseAddress!.bindMemory(to: UInt64.self, capacity: 1),
                            count: phase.count, batch: batch, deadline: phase.deadline)
        case 64:
            try spscConsume(&consumer, into: sink.baseAddress!.bindMemory(to: Message64.self, capacity: 1),
                            count: phase.count, batch: batch, deadline: phase.deadline)
        default:
            try spscConsume(&consumer, bytes: sink, count: phase.count, batch: batch, deadline: phase.deadline)
        }
    }
}
