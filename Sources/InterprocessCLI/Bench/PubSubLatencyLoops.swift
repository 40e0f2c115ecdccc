import CInterprocessBench
import CInterprocessShim
import Interprocess

// The pub/sub ping-pong, written as the SPSC ping-pong is (SPSCLatencyLoops): free functions on
// the ~Copyable endpoints, locals for counters and pointers, the clock read once per round, and
// waiting by spinning on `tryReceive` with `pause`, as the C floor spins on its line. The
// initiator publishes on the ping service and subscribes to the pong service; the responder the
// reverse. Every sample carries the round's number in its first 8 bytes, checked on both sides.

/// What one side writes into each sample it sends and reads out of each sample it receives.
struct PubSubPayload {
    /// The size of every sample.
    let byteCount: Int
    /// `pubsub-full`: the side's message, copied whole into each sample it sends (the round's
    /// number stored in its first 8 bytes first), and where each received sample is copied whole.
    /// nil for `pubsub`, which writes and reads the header only.
    let message: UnsafeMutableRawBufferPointer?
    let answer: UnsafeMutableRawBufferPointer?

    /// `pubsub`: a header of 8 bytes (the round) or, from 16-byte samples on, 16 bytes (the
    /// round and its complement: a second word checked on receipt, with no clock read in the
    /// handoff that the floor does not make either).
    init(headerOnly byteCount: Int) {
        self.byteCount = byteCount
        message = nil
        answer = nil
    }

    /// `pubsub-full`: buffers of `byteCount` bytes, filled once. Released by ``deallocate()``.
    init(full byteCount: Int) {
        self.byteCount = byteCount
        let message = UnsafeMutableRawBufferPointer.allocate(byteCount: byteCount, alignment: 64)
        message.initializeMemory(as: UInt8.self, repeating: 0x5A)
        let answer = UnsafeMutableRawBufferPointer.allocate(byteCount: byteCount, alignment: 64)
        answer.initializeMemory(as: UInt8.self, repeating: 0)
        self.message = message
        self.answer = answer
    }

    func deallocate() {
        message?.deallocate()
        answer?.deallocate()
    }

    /// Writes round `round` into a loaned sample: the header, or the whole message.
    @inline(__always)
    func write(_ round: UInt64, into sample: inout MutableRawSpan) {
        if let message {
            message.storeBytes(of: round, as: UInt64.self)
            sample.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(message)) }
        } else {
            sample.storeBytes(of: round, as: UInt64.self)
            if byteCount >= 16 { sample.storeBytes(of: ~round, toByteOffset: 8, as: UInt64.self) }
        }
    }

    /// Reads a received sample: the header, or a copy of the whole payload; returns the round
    /// it carries, or `UInt64.max` for a sample of the wrong size or whose second word is not
    /// the round's complement.
    @inline(__always)
    func read(_ sample: borrowing ReceivedSample) -> UInt64 {
        sample.withUnsafeBytes { bytes in
            guard bytes.count == byteCount else { return UInt64.max }
            if let answer {
                answer.copyMemory(from: bytes)
                return answer.load(as: UInt64.self)
            }
            let round = bytes.load(as: UInt64.self)
            guard byteCount < 16 || bytes.load(fromByteOffset: 8, as: UInt64.self) == ~round else { return UInt64.max }
            return round
        }
    }
}

/// The initiator: per round, publishes the ping, spins on `tryReceive` for the pong, and stores
/// the round trip in ticks. The pong is released when the receive closure returns, before the
/// next ping is sent.
func pubsubInitiate(_ publisher: inout Publisher, _ subscriber: inout Subscriber, _ phase: BenchPhase, _ payload: PubSubPayload) throws {
    let samples = phase.samples
    let deadline = phase.deadline
    let count = phase.count
    let byteCount = payload.byteCount
    var round = phase.first
    var index = 0
    var start = benchTicks()
    while index < count {
        let ping = round
        try publisher.send(byteCount: byteCount) { sample in payload.write(ping, into: &sample) }
        var polls = 0
        while true {
            if let echo = try subscriber.tryReceive({ sample in payload.read(sample) }) {
                guard echo == round else { throw BenchFailure("pong \(echo) for ping \(round)") }
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

/// The responder: per round, spins on `tryReceive` for the ping (released when the closure
/// returns), then publishes the pong.
func pubsubRespond(_ publisher: inout Publisher, _ subscriber: inout Subscriber, _ phase: BenchPhase, _ payload: PubSubPayload) throws {
    let deadline = phase.deadline
    let count = phase.count
    let byteCount = payload.byteCount
    var round = phase.first
    var index = 0
    while index < count {
        var polls = 0
        while true {
            if let ping = try subscriber.tryReceive({ sample in payload.read(sample) }) {
                guard ping == round else { throw BenchFailure("ping \(ping), expected \(round)") }
                break
            }
            ipc_cpu_relax()
            polls &+= 1
            if polls & benchDeadlineCheckMask == 0, ipcb_monotonic_ns() > deadline { throw BenchFailure("no ping in time") }
        }
        let pong = round
        try publisher.send(byteCount: byteCount) { sample in payload.write(pong, into: &sample) }
        index &+= 1
        round &+= 1
    }
}
