import CInterprocessBench
import Interprocess

#if canImport(Glibc)
import Glibc
#endif

/// Runs one case in the bench process: creates what the two processes share (the control
/// segment, the SPSC queues, the stream descriptors), starts the peer, lets a driver run the
/// phases, then stops the peer and removes everything it created.
struct CaseRunner {
    let settings: BenchSettings

    func run<Driver: SideDriver>(
        _ benchCase: BenchCase, serial: Int, driver makeDriver: (ControlBlock, pid_t) -> Driver
    ) throws -> Driver.Result {
        let prefix = "interprocess-bench-\(getpid())-\(serial)"
        let ringBytes = switch benchCase.transport {
        case .cRing: BenchSizing.ringBytes(for: benchCase.messageSize)
        case .cMemcpySpin: MemcpySpinSide.sharedBytes(for: benchCase.messageSize)
        case .cPubSubProtocol: Int(ipcb_pubsub_protocol_bytes())
        default: 0
        }
        let control = try BenchControl(creating: "\(prefix)-control", ringBytes: ringBytes)

        try SemaphorePair.place(in: control.block, transport: benchCase.transport)
        try ConditionPair.place(in: control.block, transport: benchCase.transport)

        var queueNames: [String] = []
        defer {
            for name in queueNames {
                switch benchCase.transport {
                case .mpmc: try? MPMCQueue.remove(name)
                case .byteStream: try? ByteStream.remove(name)
                case .pubsub, .pubsubFull: try? Service.remove(name)
                case .rpc: try? RequestResponseService.remove(name)
                default: try? SPSCQueue.remove(name)
                }
            }
        }
        switch benchCase.transport {
        case .spscSpin, .spscBlocking, .spscParked:
            for direction in ["ping", "pong"] {
                let name = "\(prefix)-\(direction)"
                _ = try SPSCQueue(create: name, capacity: BenchSizing.latencyQueueBytes(for: benchCase.messageSize), maximumRecordSize: benchCase.messageSize)
                queueNames.append(name)
            }
        case .spsc:
            let name = "\(prefix)-queue"
            _ = try SPSCQueue(create: name, capacity: BenchSizing.ringBytes(for: benchCase.messageSize), maximumRecordSize: benchCase.messageSize)
            queueNames.append(name)
        case .byteStream:
            let name = "\(prefix)-stream"
            _ = try ByteStream(create: name, capacity: BenchSizing.ringBytes(for: benchCase.messageSize))
            queueNames.append(name)
        case .mpmc:
            let name = "\(prefix)-queue"
            _ = try MPMCQueue(create: name, slotCount: mpmcBenchSlotCount, slotSize: benchCase.messageSize)
            queueNames.append(name)
        case .pubsub, .pubsubFull:
            try PubSubBench.createPingPongServices(prefix: prefix, payloadBytes: benchCase.messageSize, into: &queueNames)
        case .rpc:
            _ = try RequestResponseService(create: "\(prefix)-rpc", configuration: RPCBench.configuration)
            queueNames.append("\(prefix)-rpc")
        default:
            break
        }

        let streams = benchCase.transport.isStream ? try StreamEndpoints(benchCase.transport, group: benchCase.group) : nil
        defer { streams?.closeBench() }

        let arguments = ["bench-peer", "--group", benchCase.group.rawValue, "--transport", benchCase.transport.rawValue,
                         "--size", String(benchCase.messageSize), "--control", "\(prefix)-control",
                         "--cpu", String(settings.peerCPU)] + queueNames.flatMap { ["--queue", $0] }
        var peer = try PeerProcess(arguments: arguments, descriptors: streams?.peer ?? [])
        streams?.closePeer()

        try control.block.awaitReady(peer: peer.pid, deadline: ipcb_monotonic_ns() + 30_000_000_000)

        // MPMC: a second producer, with its own control segment, on the first producer's CPU.
        let isMPMC = benchCase.transport == .mpmc
        var second = isMPMC ? try BenchControl(creating: "\(prefix)-control2", ringBytes: 0) : nil
        let secondBlock = second?.block
        let secondArguments = arguments.map { $0 == "\(prefix)-control" ? "\(prefix)-control2" : $0 } + ["--producer-index", "1"]
        var secondPeer = isMPMC ? try PeerProcess(arguments: secondArguments, descriptors: []) : nil
        let secondPID = secondPeer?.pid ?? 0
        if let secondBlock {
            try secondBlock.awaitReady(peer: secondPID, deadline: ipcb_monotonic_ns() + 30_000_000_000)
        }

        var context = SideContext(control: control.block.base, ringCapacity: ringBytes, queueNames: queueNames,
                                  readDescriptor: streams?.benchRead ?? -1, writeDescriptor: streams?.benchWrite ?? -1,
                                  messageSize: benchCase.messageSize,
                                  idleTicks: UInt64(BenchSizing.parkingIdleNanoseconds / settings.clock.nanosecondsPerTick))
        context.secondControl = secondBlock
        context.secondPeer = secondPID
        let result = try BenchSides.run(benchCase, isBench: true, context: context,
                                        driver: makeDriver(control.block, peer.pid))
        _ = control.block.command(count: 0, first: 0)
        try peer.wait()
        if let secondBlock {
            _ = secondBlock.command(count: 0, first: 0)
            try secondPeer?.wait()
        }
        second = nil  // removes the second control segment
        return result
    }
}
