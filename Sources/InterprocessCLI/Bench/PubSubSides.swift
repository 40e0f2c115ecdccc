import CInterprocessBench
import Interprocess

/// The side types of the pubsub group, for either process (called from ``BenchSides``).
enum PubSubSides {
    static func run<Driver: SideDriver>(
        _ benchCase: BenchCase, isBench: Bool, context: SideContext, driver: Driver
    ) throws -> Driver.Result {
        switch benchCase.transport {
        case .cMemcpySpin:
            var side = MemcpySpinSide(context, initiates: isBench)
            return try driver.drive(&side)
        case .cPubSubProtocol:
            var side = PubSubProtocolSide(context, initiates: isBench)
            return try driver.drive(&side)
        case .pubsub, .pubsubFull:
            var side = try PubSubPingPongSide(context, initiates: isBench, full: benchCase.transport == .pubsubFull)
            return try driver.drive(&side)
        case .pubsubFanout:
            if isBench {
                var side = try FanoutPublisherSide(context)
                return try driver.drive(&side)
            }
            var side = try FanoutSubscriberSide(context)
            return try driver.drive(&side)
        default:
            throw BenchFailure("no bench for \(benchCase)")
        }
    }
}

/// Either side of the pub/sub ping-pong: the initiator publishes on the ping service
/// (`queueNames[0]`) and subscribes to the pong service (`queueNames[1]`), the responder the
/// reverse. Each subscribes before it tells the other process it is ready, without history.
struct PubSubPingPongSide: BenchSide, ~Copyable {
    var publisher: Publisher
    var subscriber: Subscriber
    let initiates: Bool
    let payload: PubSubPayload

    /// `full`: `pubsub-full`'s payload (the whole message written and read), else `pubsub`'s
    /// header.
    init(_ context: SideContext, initiates: Bool, full: Bool) throws {
        let published = context.queueNames[initiates ? 0 : 1]
        let subscribed = context.queueNames[initiates ? 1 : 0]
        let subscriber = try Subscriber(service: Service(open: subscribed), history: false)
        let publisher = try Publisher(service: Service(open: published))
        self.subscriber = subscriber
        self.publisher = publisher
        self.initiates = initiates
        let size = context.messageSize
        payload = full ? PubSubPayload(full: size) : PubSubPayload(headerOnly: size)
    }

    deinit { payload.deallocate() }

    mutating func run(_ phase: BenchPhase) throws {
        if initiates {
            try pubsubInitiate(&publisher, &subscriber, phase, payload)
        } else {
            try pubsubRespond(&publisher, &subscriber, phase, payload)
        }
    }
}

/// Either side of the C spin ping-pong with copies (`c-memcpy-spin`): the floor's two words,
/// and two shared buffers of the message size in the control segment's ring area.
struct MemcpySpinSide: BenchSide, ~Copyable {
    let spin: ipcb_memcpy_spin
    let initiates: Bool

    /// The ring bytes the control segment needs for `messageSize`-byte messages: two buffers,
    /// each starting on its own page.
    static func sharedBytes(for messageSize: Int) -> Int {
        2 * roundedToPage(messageSize)
    }

    private static func roundedToPage(_ bytes: Int) -> Int { (bytes + 4095) & ~4095 }

    init(_ context: SideContext, initiates: Bool) {
        let size = context.messageSize
        let ring = context.control + ControlBlock.ringOffset
        let message = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        message.initializeMemory(as: UInt8.self, repeating: 0x5A, count: size)
        let answer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        answer.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        spin = ipcb_memcpy_spin(
            ping: context.cWord64(ControlBlock.pingOffset), pong: context.cWord64(ControlBlock.pongOffset),
            ping_buffer: ring.assumingMemoryBound(to: UInt8.self),
            pong_buffer: (ring + MemcpySpinSide.roundedToPage(size)).assumingMemoryBound(to: UInt8.self),
            message: message.assumingMemoryBound(to: UInt8.self), answer: answer.assumingMemoryBound(to: UInt8.self),
            size: UInt64(size))
        self.initiates = initiates
    }

    deinit {
        UnsafeMutableRawPointer(spin.message).deallocate()
        UnsafeMutableRawPointer(spin.answer).deallocate()
    }

    mutating func run(_ phase: BenchPhase) throws {
        let result = initiates
            ? ipcb_memcpy_spin_initiate(spin, phase.first, Int64(phase.count), phase.samples, phase.deadline)
            : ipcb_memcpy_spin_respond(spin, phase.first, Int64(phase.count), phase.deadline)
        try checkCResult(result, "the C memcpy ping-pong")
    }
}

/// Either side of `c-pubsub-protocol`, in the control segment's ring area; the bench's side
/// initializes the region (the peer touches it only once the first phase is commanded).
struct PubSubProtocolSide: BenchSide {
    let region: UnsafeMutableRawPointer
    let initiates: Bool

    init(_ context: SideContext, initiates: Bool) {
        region = context.control + ControlBlock.ringOffset
        self.initiates = initiates
        if initiates { ipcb_pubsub_protocol_init(region) }
    }

    mutating func run(_ phase: BenchPhase) throws {
        let result = initiates
            ? ipcb_pubsub_protocol_initiate(region, phase.first, Int64(phase.count), phase.samples, phase.deadline)
            : ipcb_pubsub_protocol_respond(region, phase.first, Int64(phase.count), phase.deadline)
        try checkCResult(result, "the C pub/sub protocol")
    }
}

/// Throws for a C ping-pong's failure code: -2 a wrong round, anything else but 0 a timeout.
private func checkCResult(_ result: Int32, _ what: String) throws {
    switch result {
    case 0: return
    case -2: throw BenchFailure("\(what) received a wrong round")
    default: throw BenchFailure("\(what) timed out")
    }
}
