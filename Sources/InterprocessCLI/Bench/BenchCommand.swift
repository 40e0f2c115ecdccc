import ArgumentParser
import CInterprocessShim
import Foundation
import Interprocess

/// `interprocess bench`: cross-process latency and throughput of the package's channels,
/// beside the C floor and the usual baselines, measured in the same run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure cross-process latency and throughput against a C floor and pipe, socket, TCP and futex baselines.",
        discussion: """
            Each case starts its peer as a second process (this executable, `bench-peer`), pins \
            the two to different CPUs, warms up, then measures. Latency: one-way = round trip / 2, \
            ping-pong of 8 B (every transport) and 1 KiB, 64 KiB, 1 MiB messages (the SPSC queue, \
            pipe, Unix socket, TCP), p50/p90/p99/p99.9/max. Throughput: 8 B to 1 MiB messages, \
            msgs/s and GB/s. Pubsub (publish/subscribe services): handoff one way (ping-pong over \
            two services, halved) at 8 B to 4 MiB with a small header or the whole payload written \
            and read, beside the C spin floor and a C memcpy ping-pong, and the time of one send \
            with 1, 4 and 16 subscriber processes. Broadcast: a stream writer's rate with 0, 1 and 4 \
            reader processes, 8 B records. Blackboard: reads per second per reader process (of its \
            own CPU time and of wall time) of a 64 B entry while the writer updates it continuously, \
            with 1 and 4 reader processes, and the writer's rate beside each, at 2 and 4 copies per \
            entry; then with the writer paced at 1 M and 10 M updates/s (4 copies); then readers that \
            poll through a BlackboardEntryReader (keeps its last value), 1 and 4, and at 10 M updates/s; \
            then the writer's rate with 1 and with 4 readers in alternating 20 ms phases of one run \
            (both kinds of reader). Request/response (rpc): the round trip of an 8-byte request and response beside \
            the C spin round trip. Waitset: wake-up latency from a notify in one process to a \
            WaitSet of 1 and of 1,000 listeners returning in another (the 1,000-listener rounds alternate \
            with a one-listener wait set's in the same peer, the base of its ratio), beside a blocked listener. \
            Byte stream (in the throughput group): 64 B, 64 KiB and 1 MiB writes through a \
            ByteStream, each read as one span; `--only byte-stream` runs the SPSC queue's cases beside it. \
            Message queue: 8 B prioritized messages through a MessageQueue with 1 × 1 and 4 × 4 \
            sender and receiver processes, beside a C pthread-mutex priority queue. \
            Shm-vs-mmap (the seed table): a futex-woken one-way handoff through POSIX shared memory \
            and through a mapped file, min/mean/max µs beside the published figures. Journal: \
            64 B records appended by one process and tailed by another, the rate and the \
            writer→tailer latency beside the SPSC queue's. \
            Progress (case n/total, elapsed) goes to standard error, with --json too. JSON: \
            {"latency": [...], "throughput": [...], "locks": [...], "pubsub": [...], "broadcast": [...], \
            "blackboard": [...], "blackboardInterleaved": [...], "rpc": [...], "waitset": [...], "messageQueue": [...], "shmVsMmap": [...], "journal": [...], "machine", ...}. \
            Use a release build: `swift build -c release`.
            """
    )

    @Flag(help: "Short runs, for a smoke test (the numbers are rough).")
    var quick = false

    @Option(help: "Run only this group (latency, throughput, lock, broadcast, pubsub, heap, containers, legacy, blackboard, rpc, waitset, message-queue, shm-vs-mmap, journal) or transport (e.g. spsc — with its latency cases —, pipe); repeatable.")
    var only: [BenchSelection] = []

    @Option(parsing: .unconditional, help: "Round trips per latency case (default 1000000, quick 2000); slow transports stop after about 2 s.")
    var iterations: Int?

    @Option(parsing: .unconditional, help: "Seconds per throughput measurement (default 0.5, quick 0.02).")
    var seconds: Double?

    @Flag(help: "Run both processes on the same CPU (the first of --cpus).")
    var sameCPU = false

    @Option(parsing: .unconditional, help: "The CPUs of the bench and of its peer, as A,B (CPUs this process may run on).")
    var cpus = "0,1"

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard let (benchCPU, peerCPU) = parsedCPUs else { throw ValidationError("--cpus takes two CPU numbers, as 0,1 (got '\(cpus)')") }
        if let allowed = UsageChecks.allowedCPUs() {
            for cpu in [benchCPU, peerCPU] where !allowed.contains(cpu) {
                throw ValidationError("--cpus: CPU \(cpu) is not one this process may run on (\(allowed.sorted().map(String.init).joined(separator: ",")))")
            }
        }
        if let iterations, iterations < 1 { throw ValidationError("--iterations must be at least 1") }
        if let seconds, !(seconds > 0) { throw ValidationError("--seconds must be positive") }
    }

    private var parsedCPUs: (Int, Int)? {
        let parts = cpus.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, parts.allSatisfy({ $0 >= 0 }) else { return nil }
        return (parts[0], sameCPU ? parts[0] : parts[1])
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let (benchCPU, peerCPU) = parsedCPUs!
        guard ipc_pin_to_cpu(0, Int32(benchCPU)) == 0 else {
            printError("cannot pin to CPU \(benchCPU): \(String(cString: strerror(errno)))")
            throw ExitCode.failure
        }
        let settings = BenchSettings(
            benchCPU: benchCPU, peerCPU: peerCPU,
            iterations: iterations ?? (quick ? 2000 : 1_000_000),
            latencyWarmup: quick ? 200 : 20_000,
            latencySeconds: quick ? 0.05 : 2,
            minimumRounds: quick ? 100 : 1000,
            throughputSeconds: seconds ?? (quick ? 0.02 : 0.5),
            pilotSeconds: quick ? 0.002 : 0.05,
            clock: BenchClock(calibratingFor: quick ? 20 : 200))
        var report = BenchReport(
            command: CommandLine.arguments, date: ISO8601DateFormatter().string(from: Date()),
            machine: .current(), cpus: [benchCPU, peerCPU], quick: quick, latency: [], throughput: [])
        let runner = CaseRunner(settings: settings)
        var serial = 0
        var progress = BenchProgress(total: BenchCase.latencyCases.filter { BenchSelection.selects(only, $0) }.count
            + BenchCase.throughputCases.filter { BenchSelection.selects(only, $0) }.count
            + LockBench.cases.filter { BenchSelection.selects(only, $0) }.count
            + BroadcastBench.cases.filter { BenchSelection.selects(only, $0) }.count
            + LegacyBench.cases.filter { BenchSelection.selects(only, $0) }.count
            + PubSubBench.selected(only).count
            + HeapBench.cases.filter { BenchSelection.selects(only, $0) }.count
            + ContainerBench.cases.filter { BenchSelection.selects(only, $0) }.count
            + BlackboardBench.cases.filter { BenchSelection.selects(only, $0) }.count
            + RPCBench.cases.filter { BenchSelection.selects(only, $0) }.count
            + WaitSetBench.cases.filter { BenchSelection.selects(only, $0) }.count
            + MessageQueueBench.cases.filter { BenchSelection.selects(only, $0) }.count
            + ShmVsMmapBench.cases.filter { BenchSelection.selects(only, $0) }.count
            + JournalBench.cases.filter { BenchSelection.selects(only, $0) }.count)
        do {
            for benchCase in BenchCase.latencyCases where BenchSelection.selects(only, benchCase) {
                serial += 1
                progress.starting(benchCase)
                // A parked round trip idles 200 µs first: fewer warm-up rounds. Big messages
                // take longer per round: fewer too, down to 50.
                let idles = benchCase.transport == .spscParked || benchCase.transport == .futexWake
                let base = idles ? settings.latencyWarmup / 20 : settings.latencyWarmup
                let warmup = benchCase.messageSize <= BenchCase.latencyMessageSize
                    ? base : max(min(base, 50), base * BenchCase.latencyMessageSize / benchCase.messageSize)
                let measured = try runner.run(benchCase, serial: serial) { control, peer in
                    LatencyDriver(control: control, peer: peer, settings: settings, warmup: warmup)
                }
                report.latency.append(LatencyRow(
                    transport: benchCase.transport, role: benchCase.transport.role, messageBytes: benchCase.messageSize,
                    rounds: measured.rounds, oneWayNanoseconds: Percentiles(oneWayFrom: measured.roundTrips),
                    sleepsPerRoundTrip: measured.sleepsPerRoundTrip))
            }
            for benchCase in BenchCase.throughputCases where BenchSelection.selects(only, benchCase) {
                serial += 1
                progress.starting(benchCase)
                let measured = try runner.run(benchCase, serial: serial) { control, peer in
                    ThroughputDriver(control: control, peer: peer, settings: settings, messageSize: benchCase.messageSize)
                }
                let seconds = Double(measured.nanoseconds) / 1e9
                let perSecond = Double(measured.messages) / seconds
                report.throughput.append(ThroughputRow(
                    transport: benchCase.transport, role: benchCase.transport.role, messageBytes: benchCase.messageSize,
                    messages: measured.messages, seconds: seconds, messagesPerSecond: perSecond,
                    gigabytesPerSecond: perSecond * Double(benchCase.messageSize) / 1e9))
            }
            for benchCase in LockBench.cases where BenchSelection.selects(only, benchCase) {
                progress.starting(benchCase)
                report.locks.append(try LockBench.run(benchCase, pairs: quick ? 100_000 : 10_000_000))
            }
            for benchCase in BroadcastBench.cases where BenchSelection.selects(only, benchCase) {
                progress.starting(benchCase)
                report.broadcast = try BroadcastBench.run(settings: settings)
            }
            for benchCase in BlackboardBench.cases where BenchSelection.selects(only, benchCase) {
                progress.starting(benchCase)
                report.blackboard = try BlackboardBench.run(settings: settings, quick: quick)
                let interleaved = (quick ? [4] : BlackboardBench.copyCounts).map { (BlackboardReaderKind.read, $0) } + [(.entry, 4)]
                report.blackboardInterleaved = try interleaved.map {
                    try BlackboardInterleavedBench.measure(copies: $0.1, kind: $0.0, settings: settings, warmup: quick ? 1 << 12 : 1 << 18)
                }
            }
            report.pubsub = try PubSubBench.run(only, settings: settings, progress: &progress, serial: &serial)
            for benchCase in LegacyBench.cases where BenchSelection.selects(only, benchCase) {
                progress.starting(benchCase)
                report.legacy.append(try LegacyBench.run(benchCase, iterations: quick ? 100_000 : 5_000_000))
            }
            if HeapBench.cases.contains(where: { BenchSelection.selects(only, $0) }) {
                for benchCase in HeapBench.cases where BenchSelection.selects(only, benchCase) { progress.starting(benchCase) }
                report.heap = try HeapBench.run(only, settings: settings, quick: quick)
            }
            for benchCase in ContainerBench.cases where BenchSelection.selects(only, benchCase) {
                progress.starting(benchCase)
                report.containers.append(try ContainerBench.run(benchCase, settings: settings))
            }
            report.rpc = try RPCBench.run(only, settings: settings, progress: &progress, serial: &serial)
            for benchCase in WaitSetBench.cases where BenchSelection.selects(only, benchCase) {
                progress.starting(benchCase)
                report.waitset.append(try WaitSetBench.run(benchCase, settings: settings, quick: quick))
            }
            WaitSetBench.computeRatios(&report.waitset)
            for benchCase in MessageQueueBench.cases where BenchSelection.selects(only, benchCase) { progress.starting(benchCase) }
            report.messageQueue = try MessageQueueBench.run(only, settings: settings, quick: quick)
            for benchCase in ShmVsMmapBench.cases where BenchSelection.selects(only, benchCase) {
                progress.starting(benchCase)
                report.shmVsMmap.append(try ShmVsMmapBench.run(benchCase, settings: settings, quick: quick))
            }
            for benchCase in JournalBench.cases where BenchSelection.selects(only, benchCase) {
                progress.starting(benchCase)
                report.journal = try JournalBench.run(settings: settings, quick: quick)
            }
        } catch let error as InterprocessError {
            throw ExitCode(output.report(error).rawValue)
        } catch {
            printError("bench failed: \(error)")
            throw ExitCode.failure
        }
        progress.finished()
        report.computeRatios()
        if output.json {
            try output.printJSON(report)
        } else {
            print(BenchTable.render(report), terminator: "")
        }
    }
}
