#if os(Linux)
import Synchronization

/// The one thread per process on which every `async` wait of this library sleeps.
///
/// An async wait that cannot complete at once (a semaphore's or an event's `wait() async`, a
/// queue's `receive() async` or `send(_:) async`, …) registers with the process's waiter: the futex word it waits on, a
/// check the waiter runs to see whether it may proceed, its deadline, and its continuation. It
/// never blocks a thread of Swift's cooperative pool and never starts a thread of its own.
///
/// ## Where the thread sleeps
///
/// One thread (started by the first async wait that has to sleep, and kept for the process's
/// life) sleeps in a single `futex_waitv(2)` on every distinct registered word at once (many
/// waits on one word share one entry) plus a private wake word that a new registration bumps.
/// Each registration is counted in its primitive's waiter count for as long as it is
/// registered, so wakers in any process call `FUTEX_WAKE` exactly as they do for a blocked
/// thread, and the same store → load handshake as theirs (`docs/FORMAT.md`) rules out lost wake-ups:
/// the thread reads each word, then runs each check, then sleeps expecting the values it read.
///
/// When it wakes it runs every registration's check under its lock (a few atomic loads, and
/// for a semaphore or an auto-reset event the compare-and-exchange that takes the unit on the
/// task's behalf), collects the continuations that may proceed, and resumes them after
/// releasing the lock: resuming only enqueues the task on its executor, so no code of the
/// waiting task runs on the waiter thread (a custom executor's `enqueue` does, and must not
/// block).
///
/// ## The 20 ms bound
///
/// The thread never sleeps longer than ``recheckInterval`` (20 ms) while anything
/// is registered, so a wake-up lost to a process killed between its update and its
/// `FUTEX_WAKE` delays an async waiter by at most 20 ms, as it does a blocked thread. Idle with
/// registrations, the thread wakes 50 times a second and runs every check (microseconds for a
/// thousand waits); with nothing registered it sleeps until the next registration.
///
/// ## More words than one system call takes
///
/// `futex_waitv` takes at most 128 words: the wake word and ``maximumWatchedWords`` (127)
/// distinct shared words. With more distinct words registered, the rest are not slept on: the
/// thread then sleeps at most ``crowdedSleep`` (1 ms), so those waits notice a change within a
/// millisecond, at the cost of a thousand wake-ups a second of the waiter thread while it
/// lasts. On a kernel without `futex_waitv` (before Linux 5.16), or where a seccomp filter
/// forbids it (`EPERM`), every wait works that way; with nothing registered the thread still
/// sleeps until the next registration.
///
/// ## After `fork()`
///
/// A fork child has no waiter thread: its first async wait that has to sleep starts one. The
/// parent's registrations copied into the child are never resumed there (their tasks and their
/// counts in the waiter words are the parent's). As with any lock, forking while another thread
/// holds the waiter's lock leaves it held in the child. In tests, the child's *forking* thread
/// trapped when the new waiter thread contended for the waiter's lock (Synchronization's
/// `Mutex` appears to record a thread id cached before the fork); threads started in the child
/// work.
///
/// ## Cancellation
///
/// Cancelling a waiting task removes its registration (and its count in the waiter count) under
/// the waiter's lock and resumes it with ``InterprocessError/Code/cancelled``. Since its entry in
/// the thread's `futex_waitv` may already have taken a `FUTEX_WAKE` meant for a blocked waiter
/// elsewhere, a cancelled wait or a removed readiness descriptor passes one `FUTEX_WAKE` on to
/// its word. A wait that times out does not (the queues' waits time out every 20 ms slice): a
/// wake-up it took is found by its intended sleeper's own recheck, within 20 ms. A check that
/// already took a unit for the task wins the race: the task then gets the unit.
///
/// ## What has no async form
///
/// Locks (``ProcessMutex``, ``ProcessRWLock``, ``FileLock``) have no async acquire, and
/// ``ProcessCondition`` no async wait: a process-shared mutex is owned by a *thread* (its owner
/// record names the thread so that a dead owner can be told from a live one), and a task may
/// resume on any thread of the pool after an `await`, so it could neither unlock nor be judged
/// alive. Hold locks only in synchronous code; wait asynchronously on a semaphore, an event or
/// a queue.
public final class ProcessWaiter: @unchecked Sendable {
    // @unchecked: the wake word is a pointer to an atomic allocated once and never freed; all
    // other state is behind `state`'s lock.

    /// The waiter of this process.
    static let shared = ProcessWaiter()

    /// How many distinct shared words one sleep of the thread watches: `futex_waitv`'s limit
    /// less the wake word.
    public static let maximumWatchedWords = Futex.waitAnyLimit - 1

    /// The longest the waiter thread sleeps while anything is registered, and so the longest a
    /// wake-up lost to a killed process delays an async wait: 20 ms, as for a blocked thread.
    public static var recheckInterval: Duration { FutexParking.recheckInterval }

    /// The longest sleep while some registered word could not be slept on (more than
    /// ``maximumWatchedWords`` distinct words, a kernel without `futex_waitv`, or a word a peer
    /// keeps rewriting).
    public static let crowdedSleep = Duration.milliseconds(1)

    /// What the thread and the registering tasks share.
    struct State: ~Copyable {
        var registrations: [UInt64: Registration] = [:]
        var nextIdentifier: UInt64 = 1
        /// The process that started the thread (0: none yet). A fork child sees its parent's
        /// pid here and starts a thread of its own.
        var threadProcess: Int32 = 0
        /// A fork child's copies of its parent's registrations: never resumed (their tasks and
        /// waiter counts are the parent's), kept so that their continuations are not reported
        /// as leaked.
        var orphaned: [Registration] = []
        /// How many registrations of this process use each one-sleeper flag (a side of an SPSC
        /// queue): the flag is 1 while any does. A one-time wait ending must not store 0 while a
        /// readiness descriptor of the same side relies on the flag (the other side would skip
        /// its `FUTEX_WAKE`, and the signal come only at the next 20 ms recheck).
        var singleSleeperUsers: [UnsafeMutablePointer<Atomic<UInt32>>: Int] = [:]

        /// Adds a registration (already announced).
        mutating func register(_ identifier: UInt64, _ registration: Registration) {
            if registration.parking.sleepers == .single {
                singleSleeperUsers[registration.parking.waiters, default: 0] += 1
            }
            registrations[identifier] = registration
        }

        /// Removes a registration and withdraws it from its waiter word (a one-sleeper flag only
        /// when no other registration of this process uses it).
        mutating func unregister(_ identifier: UInt64) -> Registration? {
            guard let removed = registrations.removeValue(forKey: identifier) else { return nil }
            withdraw(removed.parking, registered: true)
            return removed
        }

        /// Withdraws `parking` (`registered`: it was counted in ``singleSleeperUsers``).
        mutating func withdraw(_ parking: FutexParking, registered: Bool) {
            guard parking.sleepers == .single else { return parking.withdraw() }
            let left = (singleSleeperUsers[parking.waiters] ?? 0) - (registered ? 1 : 0)
            if left > 0 {
                singleSleeperUsers[parking.waiters] = left
            } else {
                singleSleeperUsers[parking.waiters] = nil
                parking.withdraw()
            }
        }
    }

    let state = ThreadLock(State())
    /// Bumped (and woken) by each new registration, so that the thread sleeps on its word too.
    let wakeWord: UnsafeMutablePointer<Atomic<UInt32>>

    private init() {
        wakeWord = .allocate(capacity: 1)
        wakeWord.initialize(to: Atomic(0))
    }

    /// The wake word as the futex system call sees it.
    var wakeFutexWord: UnsafeMutablePointer<UInt32> { UnsafeMutablePointer(OpaquePointer(wakeWord)) }

    /// Makes the thread look at the registrations again now.
    func wakeThread() {
        wakeWord.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
        Futex.wake(wakeFutexWord)
    }

    /// How many looks in a row may find a word changed under them before the thread sleeps
    /// ``crowdedSleep`` anyway.
    static let againLimit = 4

    /// How many times the thread has gone to sleep (for tests: a registration made before a
    /// later value of this was looked at, and its word is slept on).
    let sleepCount = Atomic<UInt64>(0)

    /// How many registrations there are now (for tests: a cancelled or finished wait leaves none).
    var registrationCount: Int { state.withLock { $0.registrations.count } }
}
#endif
