import CInterprocessBench
import Interprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The shared segment of one case, through which the bench and its peer process start and stop
/// each phase, and which holds the C baselines' shared words and ring (see ``ControlBlock``).
/// Removed when the bench's value goes away.
struct BenchControl: ~Copyable {
    let segment: Segment
    /// The words inside it.
    let block: ControlBlock

    /// Creates the control segment with room for a ring of `ringBytes` bytes.
    init(creating name: String, ringBytes: Int) throws {
        let segment = try Segment(create: name, bodySize: ControlBlock.ringOffset + max(ringBytes, 128),
                                  lifetime: .removedWhenCreatorCloses)
        block = ControlBlock(base: try segment.writableBody.baseAddress!)
        self.segment = segment
    }

    /// Opens the control segment of a running bench.
    init(opening name: String) throws {
        let segment = try Segment(open: name, kind: .raw, timeout: .seconds(10))
        block = ControlBlock(base: try segment.writableBody.baseAddress!)
        self.segment = segment
    }
}

/// The words of a control segment. Each writer has its own 128-byte line: the bench writes
/// commands, the peer writes its state and acknowledgements. A phase: the bench stores the count
/// and first round, then bumps the command sequence; the peer runs its side, stores its status,
/// then sets the done sequence to match. A count of 0 tells the peer to exit.
struct ControlBlock {
    // The bench's line.
    static let commandSequenceOffset = 0      // UInt32
    static let commandCountOffset = 8         // UInt64: rounds or messages; 0 = exit
    static let commandFirstOffset = 16        // UInt64: the first round's number
    // The peer's line.
    static let peerStateOffset = 128          // UInt32: 0 starting, 1 ready
    static let doneSequenceOffset = 132       // UInt32
    static let doneStatusOffset = 136         // Int32: 0 ok, else failed
    static let peerSwitchesOffset = 144       // UInt64: voluntary context switches in the phase
    // The C baselines.
    static let pingOffset = 256               // UInt64, written by the initiator
    static let pongOffset = 384               // UInt64, written by the responder
    static let futexOffset = 512              // UInt32
    static let ringTailOffset = 640           // UInt64, written by the producer
    static let ringHeadOffset = 768           // UInt64, written by the consumer
    static let ringOffset = 1024              // the ring's slots

    /// The start of the segment's body.
    let base: UnsafeMutableRawPointer

    /// A control word, as a Swift atomic (the zero-filled segment is a valid initial value).
    func atomic32(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (base + offset).bindMemory(to: Atomic<UInt32>.self, capacity: 1)
    }

    /// A 64-bit control word, as a Swift atomic.
    func atomic64(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
    }

    // MARK: The bench's side

    /// Asks the peer to run a phase of `count` rounds or messages, starting at round `first`;
    /// returns the command's sequence number.
    func command(count: Int, first: UInt64) -> UInt32 {
        atomic64(ControlBlock.commandCountOffset).pointee.store(UInt64(count), ordering: .relaxed)
        atomic64(ControlBlock.commandFirstOffset).pointee.store(first, ordering: .relaxed)
        return atomic32(ControlBlock.commandSequenceOffset).pointee.add(1, ordering: .releasing).newValue
    }

    /// Waits until the peer finished command `sequence`; returns its voluntary context switches.
    func awaitDone(_ sequence: UInt32, peer: pid_t, deadline: UInt64) throws -> UInt64 {
        try ControlBlock.poll(deadline: deadline, what: "the peer to finish a phase") {
            if atomic32(ControlBlock.doneSequenceOffset).pointee.load(ordering: .acquiring) == sequence { return true }
            try PeerProcess.checkAlive(peer)
            return false
        }
        let status = atomic32(ControlBlock.doneStatusOffset).pointee.load(ordering: .relaxed)
        guard status == 0 else { throw BenchFailure("the peer failed its phase (see its message above)") }
        return atomic64(ControlBlock.peerSwitchesOffset).pointee.load(ordering: .relaxed)
    }

    /// Waits until the peer has attached and is ready for commands.
    func awaitReady(peer: pid_t, deadline: UInt64) throws {
        try ControlBlock.poll(deadline: deadline, what: "the peer to start") {
            if atomic32(ControlBlock.peerStateOffset).pointee.load(ordering: .acquiring) == 1 { return true }
            try PeerProcess.checkAlive(peer)
            return false
        }
    }

    // MARK: The peer's side

    /// Tells the bench that the peer is ready.
    func markReady() {
        atomic32(ControlBlock.peerStateOffset).pointee.store(1, ordering: .releasing)
    }

    /// Waits for the command after `sequence`; returns it.
    func awaitCommand(after sequence: UInt32) throws -> (sequence: UInt32, count: Int, first: UInt64) {
        var next: UInt32 = sequence
        try ControlBlock.poll(deadline: .max, what: "a command") {
            next = atomic32(ControlBlock.commandSequenceOffset).pointee.load(ordering: .acquiring)
            return next != sequence
        }
        let count = atomic64(ControlBlock.commandCountOffset).pointee.load(ordering: .relaxed)
        let first = atomic64(ControlBlock.commandFirstOffset).pointee.load(ordering: .relaxed)
        return (next, Int(count), first)
    }

    /// Reports the end of command `sequence`.
    func markDone(_ sequence: UInt32, succeeded: Bool, switches: UInt64) {
        atomic32(ControlBlock.doneStatusOffset).pointee.store(succeeded ? 0 : 1, ordering: .relaxed)
        atomic64(ControlBlock.peerSwitchesOffset).pointee.store(switches, ordering: .relaxed)
        atomic32(ControlBlock.doneSequenceOffset).pointee.store(sequence, ordering: .releasing)
    }

    // MARK: Polling

    /// Polls `condition` until it holds: yielding the CPU for the first 20 ms (so that the next
    /// phase starts promptly, also when both processes share one CPU), then every 100 µs.
    static func poll(deadline: UInt64, what: String, _ condition: () throws -> Bool) throws {
        let start = ipcb_monotonic_ns()
        while true {
            if try condition() { return }
            let now = ipcb_monotonic_ns()
            if now > deadline { throw BenchFailure("timed out waiting for \(what)") }
            if now - start < 20_000_000 { sched_yield() } else { usleep(100) }
        }
    }
}
