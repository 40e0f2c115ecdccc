#if os(Linux)
public import Synchronization

/// A counting semaphore shared between processes: ``post()`` adds a unit, `wait()` takes one,
/// sleeping while there is none.
///
/// It lives either at an address inside any shared mapping (its *placed* form,
/// ``initialize(at:initialCount:maximumCount:)`` and ``init(placedAt:)``) or alone in a named
/// segment of kind ``SegmentKind/semaphore`` (``init(create:initialCount:maximumCount:permissions:lifetime:)``,
/// ``init(open:)``, ``init(open:until:)``, ``init(openOrCreate:initialCount:maximumCount:permissions:lifetime:)``). The layout is in `docs/FORMAT.md`.
///
/// ```swift
/// let jobs = try ProcessSemaphore(openOrCreate: "jobs")
/// try jobs.post()                                  // producer, in any process
/// try jobs.wait(timeout: .seconds(1))              // took a unit, or threw timedOut
/// try await jobs.wait()                            // from async code, without blocking the pool
/// ```
///
/// Uncontended ``post()`` and ``tryWait()`` are one atomic operation each and make no system
/// call; a post calls `FUTEX_WAKE` only when someone sleeps. A waiter spins briefly before it
/// sleeps on a futex.
///
/// ## Blocking
///
/// `wait()`, `wait(until:)` and `wait(timeout:)` block the calling thread (the deadline
/// forms throw ``InterprocessError/Code/timedOut``); they are unavailable from async code,
/// which uses the `async` forms. The `async` forms of `wait` take a
/// unit without blocking if one is there, and otherwise sleep on the process's shared waiter thread (``ProcessWaiter``).
/// ``post()`` and ``tryWait()`` never block.
///
/// ## When a process dies
///
/// A semaphore has no owner. A unit taken by a process that dies is not given back (as with
/// POSIX semaphores): if units stand for held resources, reclaim them at a higher level. A
/// process killed while it waits leaves the waiter count one too high; that only costs later
/// posts a `FUTEX_WAKE` that finds nobody.
///
/// **A wake-up lost to a dead process delays a waiter by at most 20 ms**: a poster killed
/// between adding its unit and waking a sleeper, or a waiter woken for a unit and killed before
/// taking it, leaves the unit in the count, and every sleeper re-checks the count at least every
/// 20 ms. A waiter that takes a unit after sleeping and sees units left wakes one more sleeper,
/// so recovery is usually immediate.
public struct ProcessSemaphore: ~Copyable {
    /// The bytes a placed semaphore takes.
    public static let size = 64
    /// The alignment a placed semaphore needs (a cache line, so it shares none with other data).
    public static let alignment = 64
    /// The largest ``maximumCount`` a semaphore can have.
    public static let maximumCountLimit = Int(UInt32.max)

    /// The count word: the futex word waiters sleep on.
    @usableFromInline let count: UnsafeMutablePointer<Atomic<UInt32>>
    /// How many waiters may be asleep.
    @usableFromInline let waiters: UnsafeMutablePointer<Atomic<UInt32>>
    /// The maximum count, read once when the handle was made (it never changes).
    @usableFromInline let maximum: UInt32
    /// The named segment holding the semaphore, or nil for a placed one.
    let segment: Segment?
    /// The truncation guard's slot of the mapping that holds it: a wait that can throw ends in
    /// `truncated` once that file was shrunk under it.
    let truncation: TruncationGuard.Slot

    /// The segment's name for a named semaphore; nil for a placed one.
    public let name: String?

    /// The largest the count may become; a post beyond it fails.
    public var maximumCount: Int { Int(maximum) }

    /// How many units are available right now. Only a snapshot: other processes may change it
    /// at any moment.
    public var currentCount: Int { Int(count.pointee.load(ordering: .relaxed)) }

    /// Validates the semaphore at `base` (its tag, version and fields) and makes a handle on it.
    init(validating base: UnsafeMutableRawPointer, name: String?, segment: consuming Segment?) throws(InterprocessError) {
        try Placement.check(base, alignment: ProcessSemaphore.alignment, for: "semaphore")
        try PlacedTag.check(at: base, tag: ProcessSemaphore.tag, version: ProcessSemaphore.layoutVersion,
                            primitive: "semaphore", name: name)
        let maximum = UInt32(littleEndian: (base + Field.maximumCount.offset).load(as: UInt32.self))
        let count = ProcessSemaphore.word(.count, at: base)
        let current = count.pointee.load(ordering: .relaxed)
        guard maximum > 0, current <= maximum else {
            throw InterprocessError(.corrupt, operation: "open a placed semaphore", name: name,
                                    reason: "its count \(current) and maximum \(maximum) are impossible (need 0 ≤ count ≤ maximum, maximum ≥ 1)")
        }
        self.count = count
        self.waiters = ProcessSemaphore.word(.waiters, at: base)
        self.maximum = maximum
        self.segment = segment
        self.name = name
        truncation = TruncationGuard.slot(containing: base)
    }

    /// The futex protocol on this semaphore's words.
    var parking: FutexParking { FutexParking(word: count, waiters: waiters) }

    /// The waiter count as stored (for tests: it includes waiters that died asleep).
    var waiterCount: UInt32 { parking.waiterCount }
}

extension ProcessSemaphore: @unchecked Sendable {}
// @unchecked: the handle holds addresses of atomic words in shared memory (and the mapping that
// keeps them valid, unmapped only when the handle ends); every operation on them is atomic.
#endif
