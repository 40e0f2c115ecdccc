#if canImport(Glibc)
import Glibc
#endif

/// How long and where a bench run measures, from the command line.
struct BenchSettings {
    /// The CPUs of the bench process and of its peer.
    var benchCPU: Int
    var peerCPU: Int
    /// Round trips per latency case, at most (see ``latencySeconds``).
    var iterations: Int
    /// Round trips of warm-up before each latency measurement.
    var latencyWarmup: Int
    /// The most a latency measurement may take: slow transports get fewer round trips.
    var latencySeconds: Double
    /// The fewest round trips a latency measurement takes, however slow (1000; 100 quick, so
    /// that a smoke test of the 1 MiB cases stays short).
    var minimumRounds = 1000
    /// How long each throughput measurement should take.
    var throughputSeconds: Double
    /// The warm-up phases of a throughput case double their count until one takes this long.
    var pilotSeconds: Double
    /// The tick rate.
    var clock: BenchClock

    /// The longest any phase may wait for the other process before the run fails.
    static let phaseTimeoutNanoseconds: UInt64 = 120_000_000_000
}

/// This process's voluntary context switches so far: how often it went to sleep.
func voluntaryContextSwitches() -> UInt64 {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return UInt64(max(0, usage.ru_nvcsw))
}
