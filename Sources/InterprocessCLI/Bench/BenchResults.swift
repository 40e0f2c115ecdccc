import Histogram

/// One-way latencies (half a round trip) in nanoseconds, or ratios of them.
struct Percentiles: Codable {
    var p50: Double
    var p90: Double
    var p99: Double
    var p999: Double
    var max: Double

    enum CodingKeys: String, CodingKey {
        case p50, p90, p99, p999 = "p99.9", max
    }

    /// Half of each round-trip percentile.
    init(oneWayFrom roundTrips: Histogram<UInt64>) {
        p50 = Double(roundTrips.valueAtPercentile(50)) / 2
        p90 = Double(roundTrips.valueAtPercentile(90)) / 2
        p99 = Double(roundTrips.valueAtPercentile(99)) / 2
        p999 = Double(roundTrips.valueAtPercentile(99.9)) / 2
        max = Double(roundTrips.max) / 2
    }

    /// Each percentile divided by `other`'s.
    func ratio(to other: Percentiles) -> Percentiles {
        Percentiles(p50: p50 / other.p50, p90: p90 / other.p90, p99: p99 / other.p99, p999: p999 / other.p999, max: max / other.max)
    }

    init(p50: Double, p90: Double, p99: Double, p999: Double, max: Double) {
        self.p50 = p50; self.p90 = p90; self.p99 = p99; self.p999 = p999; self.max = max
    }
}

/// A latency case's result: each percentile, and its ratio (higher is slower) to the C spin
/// floor and to the best baseline (the one with the lowest p50) of the same message size (no
/// floor ratio beyond 8 bytes: the floor carries no payload).
struct LatencyRow: Codable {
    var transport: BenchTransport
    var role: BenchRole
    var messageBytes: Int
    var rounds: Int
    var oneWayNanoseconds: Percentiles
    /// Voluntary context switches of both processes per round trip (2 when both sleep each time).
    var sleepsPerRoundTrip: Double
    var ratioToFloor: Percentiles?
    var bestBaseline: BenchTransport?
    var ratioToBestBaseline: Percentiles?
}

/// A throughput case's result, and its ratio (higher is faster) to the C ring and to the best
/// baseline of the same message size.
struct ThroughputRow: Codable {
    var transport: BenchTransport
    var role: BenchRole
    var messageBytes: Int
    var messages: Int
    var seconds: Double
    var messagesPerSecond: Double
    /// Payload bytes per second / 10^9.
    var gigabytesPerSecond: Double
    var ratioToFloor: Double?
    var bestBaseline: BenchTransport?
    var ratioToBestBaseline: Double?
}

/// Everything a run measured, as `--json` prints it.
struct BenchReport: Codable {
    var command: [String]
    /// ISO 8601, UTC.
    var date: String
    var machine: MachineInfo
    /// The bench's CPU and its peer's.
    var cpus: [Int]
    var quick: Bool
    var latency: [LatencyRow]
    var throughput: [ThroughputRow]
    /// Uncontended lock + unlock pairs.
    var locks: [LockRow] = []
    /// The broadcast stream's writer and reader rates.
    var broadcast: [BroadcastRow] = []
    /// Publish/subscribe handoff latency and publish cost (the pubsub group).
    var pubsub: [PubSubRow] = []
    /// libsharedmemory streams: write + read pairs in one thread (the legacy group).
    var legacy: [LegacyRow] = []
    /// The managed segment's allocator (the heap group).
    var heap: [HeapRow] = []
    /// Containers in a managed segment (the containers group).
    var containers: [ContainerRow] = []
    /// A blackboard's writer and reader rates (the blackboard group).
    var blackboard: [BlackboardRow] = []
    /// A blackboard writer's rate with 1 and 4 readers in alternating phases (the blackboard group).
    var blackboardInterleaved: [BlackboardInterleavedRow] = []
    /// Request/response round trips (the rpc group).
    var rpc: [RPCRow] = []
    /// Wait sets: wake-up latency with 1 and 1,000 listeners (the waitset group).
    var waitset: [WaitSetRow] = []
    /// Priority message queues: 1 × 1 and 4 × 4 rates, ours and C's (the message-queue group).
    var messageQueue: [MessageQueueRow] = []
    /// The seed table: shm vs mmap handoff latency (the shm-vs-mmap group).
    var shmVsMmap: [ShmVsMmapRow] = []
    /// The journal's append+read rate and latency (the journal group).
    var journal: [JournalRow] = []

    /// Fills in every row's ratios to the floor and to the best baseline of the same run.
    mutating func computeRatios() {
        for index in latency.indices {
            // Rows are compared with rows of the same message size (the C floor has 8 bytes only).
            let peers = latency.filter { $0.messageBytes == latency[index].messageBytes }
            let floor = peers.first { $0.role == .floor }
            let best = peers.filter { $0.role == .baseline && $0.transport.pairedBaseline == nil }
                .min { $0.oneWayNanoseconds.p50 < $1.oneWayNanoseconds.p50 }
            if let floor { latency[index].ratioToFloor = latency[index].oneWayNanoseconds.ratio(to: floor.oneWayNanoseconds) }
            if let paired = latency[index].transport.pairedBaseline {
                // Lock handoffs: over the same handoff with glibc's object.
                if let baseline = peers.first(where: { $0.transport == paired }) {
                    latency[index].bestBaseline = paired
                    latency[index].ratioToBestBaseline = latency[index].oneWayNanoseconds.ratio(to: baseline.oneWayNanoseconds)
                }
            } else if let best {
                latency[index].bestBaseline = best.transport
                latency[index].ratioToBestBaseline = latency[index].oneWayNanoseconds.ratio(to: best.oneWayNanoseconds)
            }
        }
        if let baseline = locks.first(where: { $0.role == .baseline }) {
            for index in locks.indices { locks[index].ratioToBaseline = locks[index].nanosecondsPerPair / baseline.nanosecondsPerPair }
        }
        for index in throughput.indices {
            let size = throughput[index].messageBytes
            let peers = throughput.filter { $0.messageBytes == size }
            if let floor = peers.first(where: { $0.role == .floor }) {
                throughput[index].ratioToFloor = throughput[index].messagesPerSecond / floor.messagesPerSecond
            }
            if let best = peers.filter({ $0.role == .baseline }).max(by: { $0.messagesPerSecond < $1.messagesPerSecond }) {
                throughput[index].bestBaseline = best.transport
                throughput[index].ratioToBestBaseline = throughput[index].messagesPerSecond / best.messagesPerSecond
            }
        }
    }
}
