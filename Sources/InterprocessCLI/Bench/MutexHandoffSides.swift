import CInterprocessBench
import Interprocess

// The lock handoff: the mutex of the condition ping-pong's place and its turn word, handed back
// and forth. Each side takes the lock, and if the turn word says it is its turn, advances it;
// otherwise it releases the lock and tries again. 0 → 1 by the initiator, 1 → 2 by the
// responder, 2 → 0 by the initiator: one round trip is two handoffs.

/// Either side of the `ProcessMutex` handoff.
struct ProcessMutexHandoffSide: BenchSide, ~Copyable {
    let mutex: ProcessMutex
    let turn: UnsafeMutablePointer<UInt64>
    let initiates: Bool

    init(_ context: SideContext, initiates: Bool) throws {
        mutex = try ProcessMutex(placedAt: context.control + ConditionPair.mutexOffset)
        turn = context.cWord64(ConditionPair.turnOffset)
        self.initiates = initiates
    }

    /// Takes the lock until the turn word reads `want` under it, then sets `next`.
    private func takeTurn(_ want: UInt64, _ next: UInt64, _ deadline: Deadline) throws {
        var spins = 0
        while true {
            _ = try mutex.lock()
            if turn.pointee == want {
                turn.pointee = next
                try mutex.unlock()
                return
            }
            try mutex.unlock()
            spins &+= 1
            if spins & 1023 == 0, deadline.hasPassed { throw BenchFailure("the mutex handoff timed out") }
        }
    }

    mutating func run(_ phase: BenchPhase) throws {
        let deadline = Deadline(nanoseconds: phase.deadline)
        for index in 0..<phase.count {
            let start = ipcb_ticks()
            if initiates {
                try takeTurn(0, 1, deadline)
                try takeTurn(2, 0, deadline)
                phase.samples?[index] = ipcb_ticks() &- start
            } else {
                try takeTurn(1, 2, deadline)
            }
        }
    }
}

/// Either side of the glibc robust process-shared `pthread_mutex_t` handoff (C).
struct PthreadMutexHandoffSide: BenchSide {
    let mutex: UnsafeMutableRawPointer
    let turn: UnsafeMutablePointer<UInt64>
    let initiates: Bool

    init(_ context: SideContext, initiates: Bool) {
        mutex = context.control + ConditionPair.mutexOffset
        turn = context.cWord64(ConditionPair.turnOffset)
        self.initiates = initiates
    }

    mutating func run(_ phase: BenchPhase) throws {
        let result = ipcb_mutex_handoff(mutex, turn, initiates ? 1 : 0, Int64(phase.count), phase.samples, phase.deadline)
        guard result == 0 else { throw BenchFailure("the pthread mutex handoff timed out") }
    }
}
