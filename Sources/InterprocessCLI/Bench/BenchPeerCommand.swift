import ArgumentParser
import CInterprocessBench
import CInterprocessShim
import Foundation

extension BenchTransport: ExpressibleByArgument {}

/// `interprocess bench-peer` (hidden): the second process of one bench case, started by
/// `interprocess bench` with the case, the control segment's name, its CPU, the queues' names,
/// and stream descriptors at 3 (and 4).
struct BenchPeerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-peer",
        abstract: "The peer process of `interprocess bench` (not for direct use).",
        shouldDisplay: false
    )

    @Option var group: BenchGroup
    @Option var transport: BenchTransport
    @Option var size: Int
    @Option var control: String
    @Option var cpu: Int
    @Option var queue: [String] = []
    @Option var producerIndex = 0

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        _ = ipcb_die_with_parent()
        if getppid() == 1 { throw ExitCode.failure }  // the bench is already gone
        do {
            guard ipc_pin_to_cpu(0, Int32(cpu)) == 0 else {
                throw BenchFailure("cannot pin to CPU \(cpu): \(String(cString: strerror(errno)))")
            }
            if group == .heap {
                return try HeapBench.peer(transport: transport, resultsName: control, names: queue, index: producerIndex, size: size)
            }
            if group == .messageQueue {
                return try MessageQueueBench.peer(transport: transport, resultsName: control, names: queue, index: producerIndex)
            }
            if group == .shmVsMmap {
                return try ShmVsMmapBench.peer(transport: transport, control: control, size: size)
            }
            if group == .journal {
                return try JournalBench.peer(resultsName: control, name: queue[0], mode: producerIndex)
            }
            if group == .waitset {
                return try WaitSetBench.peer(transport: transport, prefix: control, count: size)
            }
            if transport == .broadcast {
                return try BroadcastBench.read(resultsName: control, streamName: queue[0], index: producerIndex)
            }
            if transport == .blackboard {
                return try BlackboardBench.read(resultsName: control, boardName: queue[0], index: producerIndex)
            }
            if transport == .sharedDictionary {
                return try ContainerBench.read(resultsName: control, segmentName: queue[0], index: producerIndex)
            }
            let controlSegment = try BenchControl(opening: control)
            let benchCase = BenchCase(group: group, transport: transport, messageSize: size)
            let ringBytes = transport == .cRing ? BenchSizing.ringBytes(for: size) : 0
            // Descriptors as StreamEndpoints hands them over: a latency pipe pair reads 3 and
            // writes 4; everything else uses 3.
            let writeDescriptor: Int32 = transport == .pipe && group == .latency ? 4 : 3
            let context = SideContext(control: controlSegment.block.base, ringCapacity: ringBytes, queueNames: queue,
                                      readDescriptor: transport.isStream ? 3 : -1,
                                      writeDescriptor: transport.isStream ? writeDescriptor : -1, messageSize: size,
                                      producerIndex: producerIndex)
            try BenchSides.run(benchCase, isBench: false, context: context, driver: PeerDriver(control: controlSegment.block))
        } catch {
            printError("bench peer (\(transport.rawValue)): \(error)")
            throw ExitCode.failure
        }
    }
}
