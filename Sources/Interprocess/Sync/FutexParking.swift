import CInterprocessShim
import Synchronization

/// What a waiter makes of the value it just read from a primitive's futex word.
enum ParkingAttempt {
    /// The waiter got what it waits for (a semaphore unit, an event's signal).
    case acquired
    /// A compare-and-exchange lost a race with another process: read the word again at once.
    case retry
    /// Nothing to take: sleep while the word still holds the value that was read.
    case wait
}

/// How a parked wait ended.
enum ParkingOutcome: Sendable {
    /// The waiter got what it waited for.
    case acquired
    /// The deadline passed first.
    case timedOut
    /// The caller asked to stop (an async wait whose task was cancelled).
    case cancelled
}

/// The slow path shared by ``ProcessSemaphore`` and ``ProcessEvent``: spin briefly, then sleep on
/// a shared futex word, counting sleepers in a second word so that wakers skip `FUTEX_WAKE`
/// (~300 ns even with nobody asleep) when nobody sleeps.
///
/// ## Why no wake-up is lost
///
/// A waiter parks in this order: (1) increment `waiters`, (2) read the word, (3) decide from that
/// value, (4) `FUTEX_WAIT` expecting exactly that value. A waker (1') changes the word, then
/// (2') reads `waiters` and calls `FUTEX_WAKE` only if it is non-zero. (1), (2), (1') and (2') are
/// sequentially consistent, so in their single total order either (1) precedes (2') — the waker
/// sees the waiter and wakes it — or (1') precedes (2) — the waiter reads the new value and does
/// not sleep. If the waker's `FUTEX_WAKE` runs while the waiter is between (2) and (4), the kernel
/// compares the word with the expected value under its queue lock, finds it changed, and returns
/// `EAGAIN` at once instead of sleeping.
///
/// A waiter decrements `waiters` only after it stops sleeping. So the count can be too high (a
/// waiter between its wake-up and its decrement, or a process killed while it waited, whose
/// increment is never undone), never too low; too high only costs a `FUTEX_WAKE` that finds
/// nobody, and a dead process is not on the kernel's queue, so it never absorbs a wake-up meant
/// for a live waiter.
///
/// `FUTEX_WAKE` for one waiter picks one sleeper. Whoever it wakes tries to take before it gives
/// up for any reason (deadline, cancellation), so a wake-up is never swallowed by a waiter that
/// leaves while something is there to take: it either takes it, or finds it already taken.
///
/// Deadlines are absolute `CLOCK_MONOTONIC` times handed to `FUTEX_WAIT_BITSET`, so a wait
/// interrupted by a signal (`EINTR`) resumes with the same deadline and never drifts.
struct FutexParking: @unchecked Sendable {
    // @unchecked: two addresses of atomic words in shared memory; every access is atomic.

    /// The word waiters sleep on (a semaphore's count, an event's state).
    let word: UnsafeMutablePointer<Atomic<UInt32>>
    /// How many waiters are (about to be) asleep on ``word``.
    let waiters: UnsafeMutablePointer<Atomic<UInt32>>

    /// How many times a waiter re-reads the word (with a CPU pause) before it sleeps.
    static let spinLimit = 100

    /// The word as the futex system call sees it: the same four bytes as ``word``.
    var futexWord: UnsafeMutablePointer<UInt32> { UnsafeMutablePointer(OpaquePointer(word)) }

    /// Waits until `attempt` reports ``ParkingAttempt/acquired``, the deadline passes, or
    /// `isCancelled` returns true. Blocks the calling thread.
    ///
    /// - Parameters:
    ///   - deadline: absolute; ``MonotonicDeadline/never`` waits without limit.
    ///   - slice: when set, sleep at most this long at a time, so that `isCancelled` is asked
    ///     again even if nobody wakes the word.
    ///   - isCancelled: asked before each sleep (only after an attempt found nothing to take).
    ///   - attempt: given the word's value, takes what is there (usually with a
    ///     compare-and-exchange from that value) or says why not.
    func park(
        until deadline: MonotonicDeadline,
        slice: Duration? = nil,
        isCancelled: () -> Bool = { false },
        attempt: (UInt32) -> ParkingAttempt
    ) -> ParkingOutcome {
        // Spin: a waker on another CPU often arrives within microseconds, and a sleep costs two
        // syscalls and a context switch. Bounded, and no clock reads while spinning.
        var spins = 0
        while spins < FutexParking.spinLimit {
            switch attempt(word.pointee.load(ordering: .acquiring)) {
            case .acquired: return .acquired
            case .retry: break
            case .wait: ipc_cpu_relax()
            }
            spins += 1
        }
        while true {
            waiters.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
            let seen = word.pointee.load(ordering: .sequentiallyConsistent)
            let decision = attempt(seen)
            switch decision {
            case .acquired:
                waiters.pointee.wrappingSubtract(1, ordering: .relaxed)
                return .acquired
            case .retry:
                waiters.pointee.wrappingSubtract(1, ordering: .relaxed)
                continue
            case .wait:
                // Only here, after an attempt found nothing, may a waiter give up: a wake-up it
                // received has been used or was for a value someone else already took.
                if deadline.hasPassed {
                    waiters.pointee.wrappingSubtract(1, ordering: .relaxed)
                    return .timedOut
                }
                if isCancelled() {
                    waiters.pointee.wrappingSubtract(1, ordering: .relaxed)
                    return .cancelled
                }
                let wakeBy = slice.map { MonotonicDeadline.after($0).earlier(than: deadline) } ?? deadline
                // Woken, timed out, value changed or EINTR: all mean "try again" (the loop
                // checks the deadline itself, after one more attempt).
                _ = Futex.wait(on: futexWord, expecting: seen, until: wakeBy)
                waiters.pointee.wrappingSubtract(1, ordering: .relaxed)
            }
        }
    }

    /// Wakes up to `count` sleepers, but only if the waiter count says someone may sleep.
    /// Call after changing the word with a sequentially consistent read-modify-write.
    func wakeIfWaiting(_ count: Int32) {
        if waiters.pointee.load(ordering: .sequentiallyConsistent) != 0 {
            Futex.wake(futexWord, count: count)
        }
    }

    /// The waiter count as it is now (too high by one for each waiter that died asleep).
    var waiterCount: UInt32 { waiters.pointee.load(ordering: .relaxed) }
}
