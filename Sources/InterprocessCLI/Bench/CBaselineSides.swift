import CInterprocessBench

/// Either side of the C spin ping-pong: the latency floor.
struct CSpinSide: BenchSide {
    let ping: UnsafeMutablePointer<UInt64>
    let pong: UnsafeMutablePointer<UInt64>
    let initiates: Bool

    init(_ context: SideContext, initiates: Bool) {
        ping = context.cWord64(ControlBlock.pingOffset)
        pong = context.cWord64(ControlBlock.pongOffset)
        self.initiates = initiates
    }

    mutating func run(_ phase: BenchPhase) throws {
        let result = initiates
            ? ipcb_spin_initiate(ping, pong, phase.first, Int64(phase.count), phase.samples, phase.deadline)
            : ipcb_spin_respond(ping, pong, phase.first, Int64(phase.count), phase.deadline)
        guard result == 0 else { throw BenchFailure("the C spin ping-pong timed out") }
    }
}

/// Either side of the raw futex handoff (both sides sleep every round: the cost of a sleep and
/// a wake-up), or with `idleTicks`, of the raw futex wake (the initiator idles, wakes the parked
/// responder and spins for its answer).
struct CFutexSide: BenchSide {
    let word: UnsafeMutablePointer<UInt32>
    let initiates: Bool
    let idleTicks: UInt64

    init(_ context: SideContext, initiates: Bool, idleTicks: UInt64) {
        word = context.cWord32(ControlBlock.futexOffset)
        self.initiates = initiates
        self.idleTicks = idleTicks
    }

    mutating func run(_ phase: BenchPhase) throws {
        let first = UInt32(truncatingIfNeeded: phase.first)
        let result = initiates
            ? ipcb_futex_initiate(word, first, Int64(phase.count), phase.samples, idleTicks, phase.deadline)
            : ipcb_futex_respond(word, first, Int64(phase.count), phase.deadline)
        guard result == 0 else { throw BenchFailure("the futex handoff timed out") }
    }
}

/// Either side of the plain C ring of fixed-size slots: the throughput floor. It batches its
/// index updates as the SPSC stream does, so the two differ only in the queue.
struct CRingSide: BenchSide, ~Copyable {
    let ring: ipcb_ring
    let message: UnsafeMutableRawPointer
    let produces: Bool

    init(_ context: SideContext, produces: Bool) {
        let size = context.messageSize
        ring = ipcb_ring(
            tail: context.cWord64(ControlBlock.ringTailOffset),
            head: context.cWord64(ControlBlock.ringHeadOffset),
            slots: (context.control + ControlBlock.ringOffset).assumingMemoryBound(to: UInt8.self),
            slot_count: UInt64(context.ringCapacity / size),
            slot_size: UInt64(size),
            batch: UInt64(BenchSizing.batch(for: size)))
        message = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        message.initializeMemory(as: UInt8.self, repeating: 0x5A, count: size)
        self.produces = produces
    }

    deinit { message.deallocate() }

    mutating func run(_ phase: BenchPhase) throws {
        let result = produces
            ? ipcb_ring_produce(ring, message, Int64(phase.count), phase.deadline)
            : ipcb_ring_consume(ring, message, Int64(phase.count), phase.deadline)
        guard result == 0 else { throw BenchFailure("the C ring timed out") }
    }
}
