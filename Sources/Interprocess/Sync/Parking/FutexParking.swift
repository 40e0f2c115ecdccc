#if os(Linux)
public import Synchronization

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
    /// The memory the wait watches was truncated under its mapping (another process shrank
    /// the file; ``TruncationGuard``): its words read as zeros that no peer can change, so
    /// the wait could never end otherwise.
    case truncated
}

/// The one way anything in this library sleeps on shared memory: a 32-bit futex word, and a
/// count of waiters that may sleep on it, so that a waker skips `FUTEX_WAKE` (~300 ns even with
/// nobody asleep) when nobody sleeps. ``ProcessSemaphore``, ``ProcessEvent``,
/// ``ProcessCondition``, ``ProcessRWLock``, the SPSC and the MPMC queues all park through it.
///
/// ## The handshake (store → load on both sides)
///
/// A waiter (1) announces itself with a sequentially consistent read-modify-write on `waiters`,
/// (2) loads the futex word and re-checks the state it waits on with sequentially consistent
/// loads, and (3) calls `FUTEX_WAIT` expecting the word's value from (2). A waker (1') updates
/// the state with a sequentially consistent store or read-modify-write, (2') loads `waiters`
/// sequentially consistently, and calls `FUTEX_WAKE` only if it is not zero (bumping the word
/// first when the word is a wake-up sequence rather than the state itself). In the single total
/// order of (1), (2), (1') and (2'), either (1) precedes (2') — the waker sees the announcement and
/// wakes — or (1') precedes (2) — the waiter sees the new state and does not sleep. Acquire and
/// release are not enough for this (store → load), even where x86 hides it. A `FUTEX_WAKE` that
/// runs between (2) and (3) makes (3) return `EAGAIN` at once: the kernel compares the word
/// under its queue lock.
///
/// On x86 the waker's load (2') is a plain `mov`; the sequentially consistent update (1') is the
/// locked instruction the fast paths already paid for.
///
/// ## Wake-ups lost to a dead process
///
/// A waker killed between (1') and its `FUTEX_WAKE`, or a woken waiter killed before it takes
/// what it was woken for, leaves sleepers that could proceed. No sleep is longer than
/// ``recheckInterval``: every sleeper re-checks the state at least that often, so **a wake-up
/// lost to a dead process delays a live waiter by at most ``recheckInterval`` (20 ms)**. An idle
/// sleeper therefore wakes 50 times a second (a few microseconds of CPU each time).
///
/// ## What a peer can corrupt
///
/// Both words are plain counters to us, changed only with wrapping arithmetic: any value is
/// safe. A `waiters` count that is too high (a waiter killed asleep, or written by a peer) costs
/// wakers a `FUTEX_WAKE` that finds nobody; one too low (a peer wrote it) loses wake-ups, which
/// the bounded sleep turns into a delay of at most ``recheckInterval``.
@usableFromInline
struct FutexParking: @unchecked Sendable {
    // @unchecked: two addresses of atomic words in shared memory; every access is atomic.

    /// The word waiters sleep on: a semaphore's count, an event's state, or a wake-up sequence
    /// that wakers bump. (For an SPSC queue, the low half of a 64-bit index, which only the
    /// futex system call reads through this pointer.)
    let word: UnsafeMutablePointer<Atomic<UInt32>>
    /// How many waiters are (about to be) asleep on ``word``; for a ``Sleepers/single`` word,
    /// 1 while its one waiter is (about to be) asleep.
    let waiters: UnsafeMutablePointer<Atomic<UInt32>>
    /// How many waiters may sleep on the word at once.
    let sleepers: Sleepers

    /// How many waiters may sleep on one word, which decides how they announce themselves.
    enum Sleepers {
        /// Any number: each adds one to the waiter count and subtracts it when it wakes.
        case many
        /// At most one (a side of an SPSC queue): it stores 1 (sequentially consistent) and then
        /// 0, so a stale value left by a dead sleeper or written by a peer is cleared by the
        /// next sleep.
        case single
    }

    /// The longest any sleep lasts before the sleeper re-checks the state by itself, and so the
    /// longest a wake-up lost to a killed process delays a live waiter.
    ///
    /// 20 ms: far below the timeouts callers use and below what a person notices, while a
    /// sleeper wakes only 50 times a second (a few microseconds of CPU each). The RW lock has
    /// always used the same slice to look for dead holders.
    static let recheckInterval: Duration = .milliseconds(20)

    /// How many times a waiter re-reads the word (with a CPU pause) before it sleeps.
    static let spinLimit = 100

    /// The word as the futex system call sees it: the same four bytes as ``word``.
    var futexWord: UnsafeMutablePointer<UInt32> { UnsafeMutablePointer(OpaquePointer(word)) }

    /// Parking on the 32-bit word at `word` (a raw address: for an SPSC queue, the low half of
    /// a 64-bit index) with the waiter count at `waiters`.
    init(word: UnsafeMutableRawPointer, waiters: UnsafeMutablePointer<Atomic<UInt32>>, sleepers: Sleepers = .many) {
        self.init(word: UnsafeMutablePointer(OpaquePointer(word)), waiters: waiters, sleepers: sleepers)
    }

    /// Parking on the atomic word `word` with the waiter count at `waiters`.
    init(word: UnsafeMutablePointer<Atomic<UInt32>>, waiters: UnsafeMutablePointer<Atomic<UInt32>>, sleepers: Sleepers = .many) {
        self.word = word
        self.waiters = waiters
        self.sleepers = sleepers
    }

    // MARK: Waker side

    /// Whether a waiter may sleep on the word whose waiter count is at `waiters`: step (2') of
    /// the handshake. Call right after the sequentially consistent update of the state. A plain
    /// load on x86, so it costs a hot path nothing.
    @inlinable @inline(__always)
    static func mayHaveSleepers(_ waiters: UnsafeMutablePointer<Atomic<UInt32>>) -> Bool {
        waiters.pointee.load(ordering: .sequentiallyConsistent) != 0
    }

    /// Wakes up to `count` sleepers if any may sleep. For a word that is the state itself (its
    /// update already changed what sleepers expect).
    func wakeIfWaiting(_ count: Int32 = .max) {
        if FutexParking.mayHaveSleepers(waiters) { Futex.wake(futexWord, count: count) }
    }

    /// Bumps the word and wakes up to `count` sleepers, if any may sleep. For a word that is a
    /// wake-up sequence, after a sequentially consistent update of the state it guards.
    func advanceAndWakeIfWaiting(_ count: Int32 = .max) {
        guard FutexParking.mayHaveSleepers(waiters) else { return }
        word.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
        Futex.wake(futexWord, count: count)
    }

    // MARK: Waiter side, in steps

    /// Step (1): counts the caller as a possible sleeper. Pair with ``withdraw()``.
    func announce() {
        switch sleepers {
        case .many: waiters.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
        case .single: waiters.pointee.store(1, ordering: .sequentiallyConsistent)
        }
    }

    /// Undoes ``announce()`` once the caller no longer sleeps. Relaxed: a count that stays too
    /// high a little longer only costs a waker a `FUTEX_WAKE`.
    func withdraw() {
        switch sleepers {
        case .many: waiters.pointee.wrappingSubtract(1, ordering: .relaxed)
        case .single: waiters.pointee.store(0, ordering: .relaxed)
        }
    }

    /// Step (3): sleeps while the word holds `expected`, for at most ``recheckInterval`` and
    /// never past `deadline`. Call between ``announce()`` and ``withdraw()``, after re-checking
    /// the state; whatever this returns, re-check the state before sleeping again.
    func sleep(expecting expected: UInt32, until deadline: Deadline) {
        _ = Futex.wait(on: futexWord, expecting: expected,
                       until: Deadline.after(FutexParking.recheckInterval).earlier(than: deadline))
    }

    // MARK: Waiter side, whole

    /// One bounded sleep: announces, asks `check` (which must read the futex word and then
    /// re-check the state with sequentially consistent loads) for the word's value to sleep on —
    /// nil when the caller can already proceed — sleeps at most ``recheckInterval``, withdraws.
    /// The caller loops, re-checking its state and deadline.
    func sleepOnce(until deadline: Deadline, check: () -> UInt32?) {
        announce()
        if let expected = check() { sleep(expecting: expected, until: deadline) }
        withdraw()
    }

    /// ``sleepOnce(until:check:)`` for a wake-up sequence word: reads the word, then sleeps if
    /// `stillBlocked()` (sequentially consistent loads of the state) says so.
    func sleepOnce(until deadline: Deadline, whileBlocked stillBlocked: () -> Bool) {
        sleepOnce(until: deadline) {
            let expected = word.pointee.load(ordering: .sequentiallyConsistent)
            return stillBlocked() ? expected : nil
        }
    }

    /// For a word that is the state itself (a semaphore's count, an event's state): waits until
    /// `attempt` reports ``ParkingAttempt/acquired``, the deadline passes, or `isTruncated`
    /// returns true. Spins briefly first. Blocks the calling thread.
    ///
    /// A waiter woken for a unit tries to take before it gives up for any reason (deadline,
    /// truncation), so a wake-up is never swallowed by a live waiter that leaves while
    /// something is there to take.
    ///
    /// - Parameters:
    ///   - deadline: absolute; ``Deadline/never`` waits without limit.
    ///   - isTruncated: asked before each sleep (only after an attempt found nothing to take):
    ///     true ends the wait with ``ParkingOutcome/truncated``.
    ///   - attempt: given the word's value, takes what is there (usually with a
    ///     compare-and-exchange from that value) or says why not.
    func park(
        until deadline: Deadline,
        isTruncated: () -> Bool = { false },
        attempt: (UInt32) -> ParkingAttempt
    ) -> ParkingOutcome {
        // Spin: a waker on another CPU often arrives within microseconds, and a sleep costs two
        // syscalls and a context switch. Bounded, and no clock reads while spinning.
        var spins = 0
        while spins < FutexParking.spinLimit {
            switch attempt(word.pointee.load(ordering: .acquiring)) {
            case .acquired: return .acquired
            case .retry: break
            case .wait: CPU.relax()
            }
            spins += 1
        }
        var retries = 0
        while true {
            announce()
            let seen = word.pointee.load(ordering: .sequentiallyConsistent)
            switch attempt(seen) {
            case .acquired:
                withdraw()
                return .acquired
            case .retry:
                withdraw()
                // A peer that keeps rewriting the word makes every compare-and-exchange fail:
                // it may cost the wait its deadline, never more.
                retries &+= 1
                if retries & 63 == 0, deadline.hasPassed { return .timedOut }
                continue
            case .wait:
                // Only here, after an attempt found nothing, may a waiter give up: a wake-up it
                // received has been used or was for a value someone else already took.
                if deadline.hasPassed {
                    withdraw()
                    return .timedOut
                }
                if isTruncated() {
                    withdraw()
                    return .truncated
                }
                sleep(expecting: seen, until: deadline)
                withdraw()
            }
        }
    }

    /// The waiter count as it is now (too high by one for each waiter that died asleep).
    var waiterCount: UInt32 { waiters.pointee.load(ordering: .relaxed) }
}
#endif
