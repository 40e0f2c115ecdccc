import Interprocess

/// The bench's side of the SPSC ping-pong: producer of the ping queue, consumer of the pong queue.
struct SPSCPingSide: BenchSide, ~Copyable {
    var producer: SPSCProducer
    var consumer: SPSCConsumer
    let blocking: Bool

    init(_ context: SideContext, blocking: Bool) throws {
        let producer = try SPSCProducer(attachingTo: context.queueNames[0])
        let consumer = try SPSCConsumer(attachingTo: context.queueNames[1])
        self.producer = producer
        self.consumer = consumer
        self.blocking = blocking
    }

    mutating func run(_ phase: BenchPhase) throws {
        if blocking {
            try spscInitiateBlocking(&producer, &consumer, phase)
        } else {
            try spscInitiateSpinning(&producer, &consumer, phase)
        }
    }
}

/// The peer's side of the SPSC ping-pong: consumer of the ping queue, producer of the pong queue.
struct SPSCPongSide: BenchSide, ~Copyable {
    var producer: SPSCProducer
    var consumer: SPSCConsumer
    let blocking: Bool

    init(_ context: SideContext, blocking: Bool) throws {
        let consumer = try SPSCConsumer(attachingTo: context.queueNames[0])
        let producer = try SPSCProducer(attachingTo: context.queueNames[1])
        self.producer = producer
        self.consumer = consumer
        self.blocking = blocking
    }

    mutating func run(_ phase: BenchPhase) throws {
        if blocking {
            try spscRespondBlocking(&producer, &consumer, phase)
        } else {
            try spscRespondSpinning(&producer, &consumer, phase)
        }
    }
}
