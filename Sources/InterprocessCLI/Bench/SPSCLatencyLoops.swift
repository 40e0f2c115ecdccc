import CInterprocessBench
import CInterprocessShim
import Interprocess

// The SPSC ping-pong, written as the DESIGN's hot-path rules ask: free functions on the
// ~Copyable endpoints, locals for counters and pointers, no classes, closures or arrays, and
// the clock read once per round (ticks, inlined). Waiting spins with `pause`, as the C floor does. Each message is the round's number (8 bytes),
// echoed back and checked.

/// The initiator, spinning: per round, sends the ping, spins on `tryPeek` for the pong, and
/// stores the round trip in ticks. Releases are published after the next ping is sent, off the
/// critical path: `tryReceive`'s per-message publish is a sequentially consistent store (a
/// locked `xchg`, for the parking handshake) that would otherwise sit between a message and its
/// answer.
func spscInitiateSpinning(_ producer: inout SPSCProducer, _ consumer: inout SPSCConsumer, _ phase: BenchPhase) throws {
    let samples = phase.samples
    let deadline = phase.deadline
    let count = phase.count
    var round = phase.first
    var index = 0
    var start = benchTicks()
    while index < count {
        guard try producer.trySend(round) else { throw BenchFailure("the ping queue is full") }
        // The previous pong's space is handed back once the ping is on its way.
        consumer.publishReleases()
        var polls = 0
        while true {
            if let record = try consumer.tryPeek() {
                let echo = record.baseAddress!.loadUnaligned(as: UInt64.self)
                consumer.release(publish: false)
                guard record.count == 8, echo == round else { throw BenchFailure("pong \(echo) for ping \(round)") }
                break
            }
            ipc_cpu_relax()
            polls &+= 1
            if polls & benchDeadlineCheckMask == 0, ipcb_monotonic_ns() > deadline { throw BenchFailure("no pong in time") }
        }
        let now = benchTicks()
        if let samples { samples[index] = now &- start }
        start = now
        index &+= 1
        round &+= 1
    }
}

/// The responder, spinning: per round, spins on `tryPeek` for the ping, echoes it, and then
/// publishes the release.
func spscRespondSpinning(_ producer: inout SPSCProducer, _ consumer: inout SPSCConsumer, _ phase: BenchPhase) throws {
    let deadline = phase.deadline
    let count = phase.count
    var round = phase.first
    var index = 0
    while index < count {
        var polls = 0
        while true {
            if let record = try consumer.tryPeek() {
                let ping = record.baseAddress!.loadUnaligned(as: UInt64.self)
                consumer.release(publish: false)
                guard record.count == 8, ping == round else { throw BenchFailure("ping \(ping), expected \(round)") }
                break
            }
            ipc_cpu_relax()
            polls &+= 1
            if polls & benchDeadlineCheckMask == 0, ipcb_monotonic_ns() > deadline { throw BenchFailure("no ping in time") }
        }
        guard try producer.trySend(round) else { throw BenchFailure("the pong queue is full") }
        // Released space is handed back after the pong is on its way: off the critical path.
        consumer.publishReleases()
        index &+= 1
        round &+= 1
    }
}

/// The initiator, blocking: `send`, then `receive(as:until:)`, which spins briefly and then
/// parks on the queue's futex. With `idleTicks`, it first idles that long before each ping (so
/// that the responder parks), and times each round trip from the ping to the pong.
func spscInitiateBlocking(_ producer: inout SPSCProducer, _ consumer: inout SPSCConsumer, _ phase: BenchPhase, idleTicks: UInt64) throws {
    let samples = phase.samples
    let deadline = Deadline(nanoseconds: phase.deadline)
    let count = phase.count
    var round = phase.first
    var index = 0
    var start = benchTicks()
    while index < count {
        if idleTicks != 0 {
            let idleEnd = benchTicks() &+ idleTicks
            while benchTicks() < idleEnd { ipc_cpu_relax() }
            start = benchTicks()
        }
        try producer.send(round)
        // A pong that does not come in time throws InterprocessError.timedOut.
        let echo = try consumer.receive(as: UInt64.self, until: deadline)
        guard echo == round else { throw BenchFailure("pong \(echo) for ping \(round)") }
        let now = benchTicks()
        if let samples { samples[index] = now &- start }
        start = now
        index &+= 1
        round &+= 1
    }
}

/// The responder, blocking.
func spscRespondBlocking(_ producer: inout SPSCProducer, _ consumer: inout SPSCConsumer, _ phase: BenchPhase) throws {
    let deadline = Deadline(nanoseconds: phase.deadline)
    let count = phase.count
    var round = phase.first
    var index = 0
    while index < count {
        let ping = try consumer.receive(as: UInt64.self, until: deadline)
        guard ping == round else { throw BenchFailure("ping \(ping), expected \(round)") }
        try producer.send(round)
        index &+= 1
        round &+= 1
    }
}
