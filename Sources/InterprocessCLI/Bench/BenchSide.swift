/// One side of a bench case, in one process: the bench's side (initiator of a ping-pong, or
/// consumer of a stream) or the peer's (responder, or producer). It runs phases of a given
/// number of rounds or messages; a phase's per-message code allocates nothing and, except for
/// the baselines that are system calls, makes no system call.
protocol BenchSide: ~Copyable {
    /// Runs one phase.
    mutating func run(_ phase: BenchPhase) throws
}

/// One phase of a case: a warm-up or a measurement.
struct BenchPhase {
    /// Rounds (latency) or messages (throughput).
    var count: Int
    /// The number of the first round (round numbers continue across phases).
    var first: UInt64
    /// Where the initiator of a latency case stores each round trip, in ticks (`count` slots),
    /// or nil during a warm-up.
    var samples: UnsafeMutablePointer<UInt64>?
    /// When to give up waiting (CLOCK_MONOTONIC nanoseconds): a peer that died fails the run.
    var deadline: UInt64
}

/// A bench run that could not complete, with the reason.
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// How often the spinning loops look at the clock for their deadline: once per 2^16 empty polls.
let benchDeadlineCheckMask = 0xFFFF
