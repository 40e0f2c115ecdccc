import CInterprocessBench
import CInterprocessShim
import Histogram
import Interprocess

#if canImport(Glibc)
import Glibc
#endif

// `pubsub-fanout`: what one `send` costs the publisher with 1, 4 or 16 subscriber processes
// attached and reading. The bench process publishes (on the bench CPU); each subscriber is a
// peer process of its own (all on the peer CPU), with its own control segment.

/// The publisher of the fanout service (`queueNames[0]`), in the bench process.
struct FanoutPublisherSide: BenchSide, ~Copyable {
    var publisher: Publisher
    let periodTicks: UInt64

    init(_ context: SideContext) throws {
        publisher = try Publisher(service: Service(open: context.queueNames[0]))
        periodTicks = context.idleTicks
    }

    mutating func run(_ phase: BenchPhase) throws {
        try fanoutPublish(&publisher, phase, periodTicks: periodTicks)
    }
}

/// Publishes `phase.count` samples, one every `periodTicks`: each a 16-byte header (its
/// sequence number, which `phase.first` gives for the first, and the send tick) written in
/// place. The time of each `send` call, from the tick before it to the tick after it returns,
/// goes to `phase.samples` in ticks.
func fanoutPublish(_ publisher: inout Publisher, _ phase: BenchPhase, periodTicks: UInt64) throws {
    let samples = phase.samples
    let count = phase.count
    var sequence = phase.first
    var index = 0
    var next = benchTicks()
    while index < count {
        while benchTicks() < next { ipc_cpu_relax() }
        let expected = sequence
        let before = benchTicks()
        let published = try publisher.send(byteCount: PubSubBench.fanoutPayloadBytes) { sample in
            sample.storeBytes(of: expected, as: UInt64.self)
            sample.storeBytes(of: before, toByteOffset: 8, as: UInt64.self)
        }
        let after = benchTicks()
        guard published == expected else { throw BenchFailure("sent sequence \(published), expected \(expected)") }
        if let samples { samples[index] = after &- before }
        next = before &+ periodTicks
        sequence &+= 1
        index &+= 1
    }
}

/// One subscriber of the fanout service, in a peer process: attached (without history) before
/// it reports ready.
struct FanoutSubscriberSide: BenchSide, ~Copyable {
    var subscriber: Subscriber

    init(_ context: SideContext) throws {
        subscriber = try Subscriber(service: Service(open: context.queueNames[0]), history: false)
    }

    mutating func run(_ phase: BenchPhase) throws {
        try fanoutReceive(&subscriber, phase)
    }
}

/// Spins on `tryReceive` until it has received the phase's last sample (sequence
/// `phase.first + phase.count - 1`), checking that each sample's header carries its sequence
/// number. A subscriber that the scheduler kept off the CPU misses samples (`.dropOldest`); the
/// last one stays readable, so it always gets there.
func fanoutReceive(_ subscriber: inout Subscriber, _ phase: BenchPhase) throws {
    let last = phase.first &+ UInt64(phase.count) &- 1
    let deadline = phase.deadline
    var polls = 0
    while true {
        if let (sequence, header) = try subscriber.tryReceive({ sample in
            (sample.sequence, sample.withUnsafeBytes { $0.count >= 8 ? $0.load(as: UInt64.self) : UInt64.max })
        }) {
            guard header == sequence else { throw BenchFailure("sample \(sequence) carries \(header)") }
            if sequence >= last { return }
            continue
        }
        ipc_cpu_relax()
        polls &+= 1
        if polls & benchDeadlineCheckMask == 0, ipcb_monotonic_ns() > deadline { throw BenchFailure("no sample \(last) in time") }
    }
}

/// What a fanout case measured.
struct FanoutMeasurement {
    /// The time of each `send` call, in nanoseconds (not halved: one call, one process).
    var sendTicks: Histogram<UInt64>
    var rounds: Int
    /// Voluntary context switches of the publisher and all subscribers, per sample.
    var sleepsPerSample: Double
    /// The median of two back-to-back clock reads, in nanoseconds: included in every sample.
    var clockOverheadNanoseconds: Double
}

/// The bench's driver of a fanout case: a warm-up phase, then as many samples as fit in
/// ``BenchSettings/latencySeconds`` at one per period (at most `iterations`). Each phase is
/// commanded to every subscriber before the publisher starts, and ends when all of them have
/// received its last sample.
struct FanoutDriver: SideDriver {
    let controls: [ControlBlock]
    let peers: [pid_t]
    let settings: BenchSettings

    func drive<Side: BenchSide & ~Copyable>(_ side: inout Side) throws -> FanoutMeasurement {
        let warmup = max(1, settings.latencyWarmup)
        _ = try phase(&side, count: warmup, first: 0, samples: nil)
        let affordable = Int(settings.latencySeconds * 1e9 / PubSubBench.fanoutPeriodNanoseconds)
        let rounds = max(1, min(settings.iterations, max(affordable, settings.minimumRounds)))
        let samples = UnsafeMutablePointer<UInt64>.allocate(capacity: rounds)
        defer { samples.deallocate() }
        samples.initialize(repeating: 0, count: rounds)
        let sleeps = try phase(&side, count: rounds, first: UInt64(warmup), samples: samples)
        var histogram = Histogram<UInt64>(highestTrackableValue: LatencyDriver.highestTrackable, numberOfSignificantValueDigits: .three)
        for index in 0..<rounds {
            let nanoseconds = settings.clock.nanoseconds(samples[index]).rounded()
            histogram.record(min(UInt64(max(1, nanoseconds)), LatencyDriver.highestTrackable))
        }
        return FanoutMeasurement(sendTicks: histogram, rounds: rounds, sleepsPerSample: Double(sleeps) / Double(rounds),
                                 clockOverheadNanoseconds: FanoutDriver.clockOverhead(settings.clock))
    }

    /// Runs one phase on the publisher and every subscriber; returns their voluntary context
    /// switches.
    private func phase<Side: BenchSide & ~Copyable>(
        _ side: inout Side, count: Int, first: UInt64, samples: UnsafeMutablePointer<UInt64>?
    ) throws -> UInt64 {
        let deadline = ipcb_monotonic_ns() + BenchSettings.phaseTimeoutNanoseconds
        let before = voluntaryContextSwitches()
        let sequences = controls.map { $0.command(count: count, first: first) }
        try side.run(BenchPhase(count: count, first: first, samples: samples, deadline: deadline))
        var switches = voluntaryContextSwitches() - before
        for (index, control) in controls.enumerated() {
            switches += try control.awaitDone(sequences[index], peer: peers[index], deadline: deadline)
        }
        return switches
    }

    /// The median of 10,000 back-to-back pairs of clock reads, in nanoseconds.
    static func clockOverhead(_ clock: BenchClock) -> Double {
        var pairs = [UInt64](repeating: 0, count: 10_000)
        for index in pairs.indices {
            let before = benchTicks()
            pairs[index] = benchTicks() &- before
        }
        pairs.sort()
        return clock.nanoseconds(pairs[pairs.count / 2])
    }
}

/// A control segment owned by a class, so that a case can keep one per subscriber in an array.
private final class OwnedControl {
    let control: BenchControl
    init(_ control: consuming BenchControl) { self.control = control }
}

/// A peer process owned by a class, for the same reason; killed and reaped if still running
/// when it goes away.
private final class OwnedPeer {
    var process: PeerProcess
    init(_ process: consuming PeerProcess) { self.process = process }
}

/// Runs one fanout case: creates the service, starts one subscriber process per subscriber
/// (each with its own control segment), waits until all are attached, publishes, then stops
/// them and removes the service.
struct FanoutRunner {
    let settings: BenchSettings

    func run(subscribers: Int, serial: Int) throws -> FanoutMeasurement {
        let prefix = "interprocess-bench-\(getpid())-\(serial)"
        let serviceName = "\(prefix)-fanout"
        _ = try Service(create: serviceName, configuration: PubSubBench.fanoutConfiguration)
        defer { try? Service.remove(serviceName) }

        var controls: [OwnedControl] = []
        var peers: [OwnedPeer] = []
        for index in 0..<subscribers {
            let controlName = "\(prefix)-control\(index)"
            controls.append(OwnedControl(try BenchControl(creating: controlName, ringBytes: 0)))
            let arguments = ["bench-peer", "--group", BenchGroup.pubsub.rawValue, "--transport", BenchTransport.pubsubFanout.rawValue,
                             "--size", String(PubSubBench.fanoutPayloadBytes), "--control", controlName,
                             "--cpu", String(settings.peerCPU), "--queue", serviceName]
            peers.append(OwnedPeer(try PeerProcess(arguments: arguments, descriptors: [])))
        }
        let blocks = controls.map { $0.control.block }
        let pids = peers.map { $0.process.pid }
        for (block, pid) in zip(blocks, pids) {
            try block.awaitReady(peer: pid, deadline: ipcb_monotonic_ns() + 30_000_000_000)
        }

        let context = SideContext(control: blocks[0].base, ringCapacity: 0, queueNames: [serviceName],
                                  readDescriptor: -1, writeDescriptor: -1, messageSize: PubSubBench.fanoutPayloadBytes,
                                  idleTicks: UInt64(PubSubBench.fanoutPeriodNanoseconds / settings.clock.nanosecondsPerTick))
        let benchCase = BenchCase(group: .pubsub, transport: .pubsubFanout, messageSize: PubSubBench.fanoutPayloadBytes)
        let result = try BenchSides.run(benchCase, isBench: true, context: context,
                                        driver: FanoutDriver(controls: blocks, peers: pids, settings: settings))
        for block in blocks { _ = block.command(count: 0, first: 0) }
        for peer in peers { try peer.process.wait() }
        return result
    }
}
