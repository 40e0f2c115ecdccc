import CInterprocessBench
import Interprocess

// The semaphore ping-pong (lock handoff): the initiator posts the ping semaphore and waits on
// the pong one; the responder waits on ping and posts pong. Both semaphores live in the control
// segment, at the ping and pong offsets, placed by the bench before the peer starts
// (``SemaphorePair/place(in:transport:)``).

/// Places the two semaphores of a semaphore ping-pong case in the control segment.
enum SemaphorePair {
    /// Writes the ping and pong semaphores of `transport` at `control` (nothing for others).
    static func place(in control: ControlBlock, transport: BenchTransport) throws {
        switch transport {
        case .processSemaphore:
            try ProcessSemaphore.initialize(at: control.base + ControlBlock.pingOffset)
            try ProcessSemaphore.initialize(at: control.base + ControlBlock.pongOffset)
        case .posixSemaphore:
            guard ipcb_sem_init_pair(control.base + ControlBlock.pingOffset, control.base + ControlBlock.pongOffset) == 0 else {
                throw BenchFailure("sem_init failed")
            }
        default:
            break
        }
    }
}

/// Either side of the `ProcessSemaphore` ping-pong.
struct ProcessSemaphoreSide: BenchSide, ~Copyable {
    let ping: ProcessSemaphore
    let pong: ProcessSemaphore
    let initiates: Bool

    init(_ context: SideContext, initiates: Bool) throws {
        let ping = try ProcessSemaphore(placedAt: context.control + ControlBlock.pingOffset)
        let pong = try ProcessSemaphore(placedAt: context.control + ControlBlock.pongOffset)
        self.ping = ping
        self.pong = pong
        self.initiates = initiates
    }

    mutating func run(_ phase: BenchPhase) throws {
        let deadline = Deadline(nanoseconds: phase.deadline)
        if initiates {
            for index in 0..<phase.count {
                let start = ipcb_ticks()
                try ping.post()
                do { try pong.wait(until: deadline) } catch { throw BenchFailure("the semaphore ping-pong timed out") }
                phase.samples?[index] = ipcb_ticks() &- start
            }
        } else {
            for _ in 0..<phase.count {
                do { try ping.wait(until: deadline) } catch { throw BenchFailure("the semaphore ping-pong timed out") }
                try pong.post()
            }
        }
    }
}

/// Either side of the glibc POSIX semaphore (`sem_t`, process-shared) ping-pong.
struct PosixSemaphoreSide: BenchSide {
    let ping: UnsafeMutableRawPointer
    let pong: UnsafeMutableRawPointer
    let initiates: Bool

    init(_ context: SideContext, initiates: Bool) {
        ping = context.control + ControlBlock.pingOffset
        pong = context.control + ControlBlock.pongOffset
        self.initiates = initiates
    }

    mutating func run(_ phase: BenchPhase) throws {
        let result = initiates
            ? ipcb_sem_initiate(ping, pong, Int64(phase.count), phase.samples, phase.deadline)
            : ipcb_sem_respond(ping, pong, Int64(phase.count), phase.deadline)
        guard result == 0 else { throw BenchFailure("the POSIX semaphore ping-pong timed out") }
    }
}
