import Interprocess

/// How the two sides of the SPSC ping-pong wait for a message.
enum SPSCPingPongMode {
    /// Spinning on `tryReceive`.
    case spinning
    /// Blocking in `receive` (spin briefly, then park).
    case blocking
    /// Blocking, with the initiator idling `idleTicks` before each ping so the responder parks.
    case parked(idleTicks: UInt64)
}

/// The bench's side of the SPSC ping-pong: producer of the ping queue, consumer of the pong queue.
struct SPSCPingSide: BenchSide, ~Copyable {
    var producer: SPSCProducer
    var consumer: SPSCConsumer
    let mode: SPSCPingPongMode

    init(_ context: SideContext, mode: SPSCPingPongMode) throws {
        let producer = try SPSCQueue(open: context.queueNames[0]).makeProducer()
        let consumer = try SPSCQueue(open: context.queueNames[1]).makeConsumer()
        self.producer = producer
        self.consumer = consumer
        self.mode = mode
    }

    mutating func run(_ phase: BenchPhase) throws {
        switch mode {
        case .spinning: try spscInitiateSpinning(&producer, &consumer, phase)
        case .blocking: try spscInitiateBlocking(&producer, &consumer, phase, idleTicks: 0)
        case .parked(let idleTicks): try spscInitiateBlocking(&producer, &consumer, phase, idleTicks: idleTicks)
        }
    }
}

/// The peer's side of the SPSC ping-pong: consumer of the ping queue, producer of the pong queue.
struct SPSCPongSide: BenchSide, ~Copyable {
    var producer: SPSCProducer
    var consumer: SPSCConsumer
    let mode: SPSCPingPongMode

    init(_ context: SideContext, mode: SPSCPingPongMode) throws {
        let consumer = try SPSCQueue(open: context.queueNames[0]).makeConsumer()
        let producer = try SPSCQueue(open: context.queueNames[1]).makeProducer()
        self.producer = producer
        self.consumer = consumer
        self.mode = mode
    }

    mutating func run(_ phase: BenchPhase) throws {
        switch mode {
        case .spinning: try spscRespondSpinning(&producer, &consumer, phase)
        case .blocking, .parked: try spscRespondBlocking(&producer, &consumer, phase)
        }
    }
}
