import CInterprocessBench
import Interprocess

// The condition ping-pong: a mutex, a condition and a turn word in the control segment (at the
// ping, pong and ring-tail offsets), placed by the bench before the peer starts. Under the
// mutex the initiator sets the turn to 1, signals and waits for 0; the responder waits for 1,
// sets 0 and signals.

/// Places the mutex and condition of a condition ping-pong case in the control segment.
enum ConditionPair {
    /// Where the mutex, the condition and the turn word live in the control segment.
    static let mutexOffset = ControlBlock.pingOffset
    static let conditionOffset = ControlBlock.pongOffset
    static let turnOffset = ControlBlock.ringTailOffset

    /// Writes the mutex and condition of `transport` at `control` (nothing for others).
    static func place(in control: ControlBlock, transport: BenchTransport) throws {
        switch transport {
        case .processCondition:
            try ProcessMutex.initialize(at: control.base + mutexOffset)
            try ProcessCondition.initialize(at: control.base + conditionOffset)
        case .processMutexHandoff:
            try ProcessMutex.initialize(at: control.base + mutexOffset)
        case .pthreadCondition, .pthreadMutexHandoff:
            guard ipcb_cond_init(control.base + mutexOffset, control.base + conditionOffset) == 0 else {
                throw BenchFailure("pthread_mutex_init or pthread_cond_init failed")
            }
        default:
            break
        }
    }
}

/// Either side of the `ProcessCondition` (with `ProcessMutex`) ping-pong.
struct ProcessConditionSide: BenchSide, ~Copyable {
    let mutex: ProcessMutex
    let condition: ProcessCondition
    let turn: UnsafeMutablePointer<UInt64>
    let initiates: Bool

    init(_ context: SideContext, initiates: Bool) throws {
        let mutex = try ProcessMutex(placedAt: context.control + ConditionPair.mutexOffset)
        let condition = try ProcessCondition(placedAt: context.control + ConditionPair.conditionOffset)
        self.mutex = mutex
        self.condition = condition
        turn = context.cWord64(ConditionPair.turnOffset)
        self.initiates = initiates
    }

    mutating func run(_ phase: BenchPhase) throws {
        let deadline = Deadline(nanoseconds: phase.deadline)
        for index in 0..<phase.count {
            let start = ipcb_ticks()
            _ = try mutex.lock()
            if initiates {
                turn.pointee = 1
                condition.signal()
            }
            let want: UInt64 = initiates ? 0 : 1
            while turn.pointee != want {
                let outcome = Result { () throws(InterprocessError) in try condition.wait(mutex, until: deadline) }
                if case .failure(let error) = outcome {
                    // After a timeout the mutex is not held.
                    guard error.code == .timedOut else { throw error }
                    throw BenchFailure("the condition ping-pong timed out")
                }
            }
            if !initiates {
                turn.pointee = 0
                condition.signal()
            }
            try mutex.unlock()
            if initiates { phase.samples?[index] = ipcb_ticks() &- start }
        }
    }
}

/// Either side of the glibc `pthread_cond_t` (process-shared, with a robust process-shared
/// mutex) ping-pong.
struct PthreadConditionSide: BenchSide {
    let mutex: UnsafeMutableRawPointer
    let condition: UnsafeMutableRawPointer
    let turn: UnsafeMutablePointer<UInt64>
    let initiates: Bool

    init(_ context: SideContext, initiates: Bool) {
        mutex = context.control + ConditionPair.mutexOffset
        condition = context.control + ConditionPair.conditionOffset
        turn = context.cWord64(ConditionPair.turnOffset)
        self.initiates = initiates
    }

    mutating func run(_ phase: BenchPhase) throws {
        let result = initiates
            ? ipcb_cond_initiate(mutex, condition, turn, Int64(phase.count), phase.samples, phase.deadline)
            : ipcb_cond_respond(mutex, condition, turn, Int64(phase.count), phase.deadline)
        guard result == 0 else { throw BenchFailure("the pthread condition ping-pong timed out") }
    }
}
