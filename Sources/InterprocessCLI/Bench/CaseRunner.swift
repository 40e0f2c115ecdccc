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
        let ringBytes = benchCase.transport == .cRing ? BenchSizing.ringBytes(for: benchCase.messageSize) : 0
        let control = try BenchControl(creating: "\(prefix)-control", ringBytes: ringBytes)

        var queueNames: [String] = []
        defer { for name in queueNames { try? SPSCQueue.remove(name) } }
        switch benchCase.transport {
        case .spscSpin, .spscBlocking, .spscParked:
            for direction in ["ping", "pong"] {
                let name = "\(prefix)-\(direction)"
                try SPSCQueue.create(name, capacity: BenchSizing.latencyQueueBytes, maximumRecordSize: benchCase.messageSize)
                queueNames.append(name)
            }
        case .spsc:
            let name = "\(prefix)-queue"
            try SPSCQueue.create(name, capacity: BenchSizing.ringBytes(for: benchCase.messageSize), maximumRecordSize: benchCase.messageSize)
            queueNames.append(name)
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
        let context = SideContext(control: control.block.base, ringCapacity: ringBytes, queueNames: queueNames,
                                  readDescriptor: streams?.benchRead ?? -1, writeDescriptor: streams?.benchWrite ?? -1,
                                  messageSize: benchCase.messageSize,
                                  idleTicks: UInt64(BenchSizing.parkingIdleNanoseconds / settings.clock.nanosecondsPerTick))
        let result = try BenchSides.run(benchCase, isBench: true, context: context,
                                        driver: makeDriver(control.block, peer.pid))
        _ = control.block.command(count: 0, first: 0)
        try peer.wait()
        return result
    }
}
