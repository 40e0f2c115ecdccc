import CInterprocessBench
import Histogram

#if canImport(Glibc)
import Glibc
#endif

/// What one latency case measured: round trips in nanoseconds, and how often the two processes
/// slept per round trip.
struct LatencyMeasurement {
    var roundTrips: Histogram<UInt64>
    var rounds: Int
    var sleepsPerRoundTrip: Double
}

/// What one throughput case measured.
struct ThroughputMeasurement {
    var messages: Int
    var nanoseconds: UInt64
}

/// The bench's driver of a latency case: a warm-up (which also times a round trip), then at
/// most `iterations` round trips, each recorded as ticks in a preallocated buffer and put into
/// the histogram afterwards, so the loop itself only stores one word per round.
struct LatencyDriver: SideDriver {
    let control: ControlBlock
    let peer: pid_t
    let settings: BenchSettings
    /// Round trips of warm-up.
    let warmup: Int

    /// Round trips longer than this (10 s) are recorded as this.
    static let highestTrackable: UInt64 = 10_000_000_000

    func drive<Side: BenchSide & ~Copyable>(_ side: inout Side) throws -> LatencyMeasurement {
        var round: UInt64 = 1
        let warmup = max(1, self.warmup)
        let started = ipcb_monotonic_ns()
        _ = try phase(&side, count: warmup, first: round, samples: nil)
        round &+= UInt64(warmup)
        let perRound = max(1, Double(ipcb_monotonic_ns() - started) / Double(warmup))
        let affordable = Int(settings.latencySeconds * 1e9 / perRound)
        let rounds = max(1, min(settings.iterations, max(affordable, min(settings.iterations, settings.minimumRounds))))

        let samples = UnsafeMutablePointer<UInt64>.allocate(capacity: rounds)
        defer { samples.deallocate() }
        samples.initialize(repeating: 0, count: rounds)
        let (mySleeps, peerSleeps) = try phase(&side, count: rounds, first: round, samples: samples)

        var histogram = Histogram<UInt64>(highestTrackableValue: LatencyDriver.highestTrackable, numberOfSignificantValueDigits: .three)
        for index in 0..<rounds {
            let nanoseconds = settings.clock.nanoseconds(samples[index]).rounded()
            histogram.record(min(UInt64(max(1, nanoseconds)), LatencyDriver.highestTrackable))
        }
        return LatencyMeasurement(roundTrips: histogram, rounds: rounds,
                                  sleepsPerRoundTrip: Double(mySleeps + peerSleeps) / Double(rounds))
    }

    /// Runs one phase on both sides; returns the voluntary context switches of each process.
    private func phase<Side: BenchSide & ~Copyable>(
        _ side: inout Side, count: Int, first: UInt64, samples: UnsafeMutablePointer<UInt64>?
    ) throws -> (UInt64, UInt64) {
        let deadline = ipcb_monotonic_ns() + BenchSettings.phaseTimeoutNanoseconds
        let before = voluntaryContextSwitches()
        let sequence = control.command(count: count, first: first)
        try side.run(BenchPhase(count: count, first: first, samples: samples, deadline: deadline))
        let mine = voluntaryContextSwitches() - before
        return (mine, try control.awaitDone(sequence, peer: peer, deadline: deadline))
    }
}

/// The bench's driver of a throughput case (the bench consumes, the peer produces): warm-up
/// phases that double their count until one takes ``BenchSettings/pilotSeconds``, then a
/// phase sized from their rate to take ``BenchSettings/throughputSeconds`` (repeated, at most
/// twice, if it took less than half that), timed from the command to the last message received.
struct ThroughputDriver: SideDriver {
    let control: ControlBlock
    let peer: pid_t
    let settings: BenchSettings
    let messageSize: Int

    func drive<Side: BenchSide & ~Copyable>(_ side: inout Side) throws -> ThroughputMeasurement {
        var count = max(4, 256 * 1024 / messageSize)
        var elapsed: UInt64
        while true {
            elapsed = try phase(&side, count: count)
            if Double(elapsed) >= settings.pilotSeconds * 1e9 || count >= 1 << 30 { break }
            count *= 2
        }
        // Sized from the last rate; a phase much shorter than wanted (the pilot ran while the
        // machine was busy) is repeated with a count sized from its own rate.
        let target = settings.throughputSeconds * 1e9
        var measured = count
        for _ in 0..<3 {
            let rate = Double(measured) / Double(max(1, elapsed))
            measured = max(count, min(Int(rate * target), 1 << 34))
            elapsed = try phase(&side, count: measured)
            if Double(elapsed) >= target / 2 { break }
        }
        return ThroughputMeasurement(messages: measured, nanoseconds: elapsed)
    }

    /// Runs one phase; returns the nanoseconds from the command to the last message received.
    private func phase<Side: BenchSide & ~Copyable>(_ side: inout Side, count: Int) throws -> UInt64 {
        let deadline = ipcb_monotonic_ns() + BenchSettings.phaseTimeoutNanoseconds
        let start = ipcb_monotonic_ns()
        let sequence = control.command(count: count, first: 1)
        try side.run(BenchPhase(count: count, first: 1, samples: nil, deadline: deadline))
        let end = ipcb_monotonic_ns()
        _ = try control.awaitDone(sequence, peer: peer, deadline: deadline)
        return max(1, end - start)
    }
}

/// The peer's driver: tells the bench it is ready, then runs each commanded phase until told
/// to exit.
struct PeerDriver: SideDriver {
    let control: ControlBlock

    func drive<Side: BenchSide & ~Copyable>(_ side: inout Side) throws {
        control.markReady()
        var sequence: UInt32 = 0
        while true {
            let command = try control.awaitCommand(after: sequence)
            sequence = command.sequence
            if command.count == 0 { return }
            let before = voluntaryContextSwitches()
            let phase = BenchPhase(count: command.count, first: command.first, samples: nil,
                                   deadline: ipcb_monotonic_ns() + BenchSettings.phaseTimeoutNanoseconds)
            do {
                try side.run(phase)
            } catch {
                control.markDone(sequence, succeeded: false, switches: 0)
                throw error
            }
            control.markDone(sequence, succeeded: true, switches: voluntaryContextSwitches() - before)
        }
    }
}
