#if canImport(Glibc)
import Glibc
#endif

/// What a side needs to set itself up: the shared control block, the queues' names, the stream
/// descriptors and the message size of its case.
struct SideContext {
    /// The body of the control segment (see ``BenchControl``), valid for the whole case.
    var control: UnsafeMutableRawPointer
    /// The bytes of the control segment's ring.
    var ringCapacity: Int
    /// The SPSC queues of the case: ping then pong (latency), or the one queue (throughput).
    var queueNames: [String]
    /// The stream descriptors: to read from and to write to (-1 where unused).
    var readDescriptor: Int32
    var writeDescriptor: Int32
    /// The message size in bytes.
    var messageSize: Int
    /// How long the initiator of `spsc-parked` and `futex-wake` idles before each ping, in ticks
    /// (bench only).
    var idleTicks: UInt64 = 0
    /// Which producer this is, for a stream with two (MPMC): 0 or 1.
    var producerIndex = 0
    /// The control block of the second producer of an MPMC stream (bench only), and its process.
    var secondControl: ControlBlock?
    var secondPeer: pid_t = 0

    /// A word of the control segment for C code.
    func cWord64(_ offset: Int) -> UnsafeMutablePointer<UInt64> {
        UnsafeMutablePointer(OpaquePointer(control + offset))
    }

    /// A 32-bit word of the control segment for C code.
    func cWord32(_ offset: Int) -> UnsafeMutablePointer<UInt32> {
        UnsafeMutablePointer(OpaquePointer(control + offset))
    }
}

/// Runs phases on a side, whatever its type: the bench's latency and throughput drivers and the
/// peer's command loop. (A protocol with a generic method, because closures cannot be generic.)
protocol SideDriver {
    associatedtype Result
    func drive<Side: BenchSide & ~Copyable>(_ side: inout Side) throws -> Result
}

/// The side types of each case, for either process.
enum BenchSides {
    /// Sets up the side of `benchCase` for the bench (`isBench`: the initiator or consumer) or
    /// for the peer (the responder or producer), and hands it to `driver`.
    static func run<Driver: SideDriver>(
        _ benchCase: BenchCase, isBench: Bool, context: SideContext, driver: Driver
    ) throws -> Driver.Result {
        switch (benchCase.group, benchCase.transport) {
        case (.latency, .cSpin):
            var side = CSpinSide(context, initiates: isBench)
            return try driver.drive(&side)
        case (.latency, .futex), (.latency, .futexWake):
            let idleTicks = benchCase.transport == .futexWake ? context.idleTicks : 0
            var side = CFutexSide(context, initiates: isBench, idleTicks: idleTicks)
            return try driver.drive(&side)
        case (.latency, let transport) where (transport == .spscSpin || transport == .spscBlocking)
            && benchCase.messageSize > BenchCase.latencyMessageSize:
            if isBench {
                var side = try SPSCPayloadPingSide(context, spinning: benchCase.transport == .spscSpin)
                return try driver.drive(&side)
            }
            var side = try SPSCPayloadPongSide(context, spinning: benchCase.transport == .spscSpin)
            return try driver.drive(&side)
        case (.latency, let transport) where transport.isStream && benchCase.messageSize > BenchCase.latencyMessageSize:
            var side = StreamPayloadLatencySide(context, initiates: isBench)
            return try driver.drive(&side)
        case (.latency, .spscSpin), (.latency, .spscBlocking), (.latency, .spscParked):
            let mode: SPSCPingPongMode = switch benchCase.transport {
            case .spscSpin: .spinning
            case .spscBlocking: .blocking
            default: .parked(idleTicks: context.idleTicks)
            }
            if isBench {
                var side = try SPSCPingSide(context, mode: mode)
                return try driver.drive(&side)
            }
            var side = try SPSCPongSide(context, mode: mode)
            return try driver.drive(&side)
        case (.latency, .processSemaphore):
            var side = try ProcessSemaphoreSide(context, initiates: isBench)
            return try driver.drive(&side)
        case (.latency, .posixSemaphore):
            var side = PosixSemaphoreSide(context, initiates: isBench)
            return try driver.drive(&side)
        case (.latency, .processCondition):
            var side = try ProcessConditionSide(context, initiates: isBench)
            return try driver.drive(&side)
        case (.latency, .pthreadCondition):
            var side = PthreadConditionSide(context, initiates: isBench)
            return try driver.drive(&side)
        case (.latency, .processMutexHandoff):
            var side = try ProcessMutexHandoffSide(context, initiates: isBench)
            return try driver.drive(&side)
        case (.latency, .pthreadMutexHandoff):
            var side = PthreadMutexHandoffSide(context, initiates: isBench)
            return try driver.drive(&side)
        case (.latency, let transport) where transport.isStream:
            var side = StreamLatencySide(context, initiates: isBench)
            return try driver.drive(&side)
        case (.throughput, .cRing):
            var side = CRingSide(context, produces: !isBench)
            return try driver.drive(&side)
        case (.throughput, .spsc):
            if isBench {
                var side = try SPSCConsumerSide(context)
                return try driver.drive(&side)
            }
            var side = try SPSCProducerSide(context)
            return try driver.drive(&side)
        case (.throughput, .byteStream):
            if isBench {
                var side = try ByteStreamReaderSide(context)
                return try driver.drive(&side)
            }
            var side = try ByteStreamWriterSide(context)
            return try driver.drive(&side)
        case (.throughput, .mpmc):
            if isBench {
                var side = try MPMCConsumerSide(context)
                return try driver.drive(&side)
            }
            var side = try MPMCProducerSide(context)
            return try driver.drive(&side)
        case (.rpc, .rpc):
            var side = try RPCSide(context, initiates: isBench)
            return try driver.drive(&side)
        case (.pubsub, _):
            return try PubSubSides.run(benchCase, isBench: isBench, context: context, driver: driver)
        case (.throughput, let transport) where transport.isStream:
            var side = StreamThroughputSide(context, produces: !isBench)
            return try driver.drive(&side)
        default:
            throw BenchFailure("no bench for \(benchCase)")
        }
    }
}
