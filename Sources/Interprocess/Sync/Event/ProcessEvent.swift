#if os(Linux)
public import Synchronization

/// An event shared between processes: waiters sleep until some process ``set()``s it.
///
/// - A ``Mode/manualReset`` event stays set until ``reset()``: one ``set()`` releases every
///   waiter, and later waits pass at once. Every waiter asleep when ``set()`` runs is released,
///   even if the event is reset again before it gets to run.
/// - An ``Mode/autoReset`` event releases exactly one waiter per ``set()``: that waiter consumes
///   the signal atomically, and the event is unset again. Set while nobody waits, it stays set
///   until one waiter comes. Setting an event that is already set changes nothing (two sets
///   before any waiter takes the first release one waiter, not two: use a
///   ``ProcessSemaphore`` to count).
///
/// It lives either at an address inside any shared mapping (``initialize(at:mode:initiallySet:)``
/// and ``init(placedAt:)``) or alone in a named segment of kind ``SegmentKind/event``
/// (``init(create:mode:initiallySet:permissions:lifetime:)``, ``init(open:)``, ``init(open:until:)``,
/// ``init(openOrCreate:mode:initiallySet:permissions:lifetime:)``). The layout is in
/// `docs/FORMAT.md`.
///
/// ```swift
/// let ready = try ProcessEvent(create: "config-ready", mode: .manualReset)
/// ready.set()                                      // in the process that loaded the config
/// try ready.wait(timeout: .seconds(5))             // in any process; throws timedOut
/// try await ready.wait()                           // from async code, without blocking the pool
/// ```
///
/// ``set()``, ``reset()`` and ``tryWait()`` never block and, when nobody sleeps, make no system
/// call. A waiter spins briefly before it sleeps on a futex.
///
/// ## Blocking
///
/// `wait()`, `wait(until:)` and `wait(timeout:)` block the calling thread (the deadline
/// forms throw ``InterprocessError/Code/timedOut``); they are unavailable from async code,
/// which uses the `async` forms. The `async` forms of `wait` return at once
/// if the event is set, and otherwise sleep on the process's shared waiter thread (``ProcessWaiter``).
///
/// ## When a process dies
///
/// An event has no owner, so a process dying never leaves it locked; it stays in whatever state
/// it was last put in. A signal an auto-reset event handed to a process that then dies is gone
/// with it. A process killed while it waits leaves the waiter count one too high; that only
/// costs later sets a `FUTEX_WAKE` that finds nobody.
///
/// **A wake-up lost to a dead process delays a waiter by at most 20 ms**: a setter killed
/// between setting the event and waking sleepers, or an auto-reset waiter woken and killed
/// before it consumed the signal, leaves the event set, and every sleeper re-checks the state at
/// least every 20 ms.
public struct ProcessEvent: ~Copyable {
    /// How an event behaves once set.
    public enum Mode: String, Sendable, Hashable, Codable, CustomStringConvertible {
        /// Releases one waiter per set, and is unset again as that waiter leaves.
        case autoReset
        /// Releases every waiter and stays set until ``ProcessEvent/reset()``.
        case manualReset

        /// "auto-reset" or "manual-reset".
        public var description: String { self == .autoReset ? "auto-reset" : "manual-reset" }
    }

    /// The bytes a placed event takes.
    public static let size = 64
    /// The alignment a placed event needs (a cache line, so it shares none with other data).
    public static let alignment = 64

    /// The state word: the futex word waiters sleep on.
    @usableFromInline let stateWord: UnsafeMutablePointer<Atomic<UInt32>>
    /// How many waiters may be asleep.
    @usableFromInline let waiters: UnsafeMutablePointer<Atomic<UInt32>>
    /// The named segment holding the event, or nil for a placed one.
    let segment: Segment?
    /// The truncation guard's slot of the mapping that holds it: a wait that can throw ends in
    /// `truncated` once that file was shrunk under it.
    let truncation: TruncationGuard.Slot

    /// How the event behaves once set (it never changes).
    public let mode: Mode
    /// The segment's name for a named event; nil for a placed one.
    public let name: String?

    /// Whether the event is set right now. Only a snapshot: other processes may change it at
    /// any moment.
    public var isSet: Bool { stateWord.pointee.load(ordering: .relaxed) & ProcessEvent.setBit != 0 }

    /// Validates the event at `base` (its tag, version and mode) and makes a handle on it.
    init(validating base: UnsafeMutableRawPointer, name: String?, segment: consuming Segment?) throws(InterprocessError) {
        try Placement.check(base, alignment: ProcessEvent.alignment, for: "event")
        try PlacedTag.check(at: base, tag: ProcessEvent.tag, version: ProcessEvent.layoutVersion,
                            primitive: "event", name: name)
        let rawMode = UInt32(littleEndian: (base + Field.mode.offset).load(as: UInt32.self))
        switch rawMode {
        case ProcessEvent.rawMode(.autoReset): self.mode = .autoReset
        case ProcessEvent.rawMode(.manualReset): self.mode = .manualReset
        default:
            throw InterprocessError(.corrupt, operation: "open a placed event", name: name,
                                    reason: "its mode is \(rawMode); expected 1 (auto-reset) or 2 (manual-reset)")
        }
        self.stateWord = ProcessEvent.word(.state, at: base)
        self.waiters = ProcessEvent.word(.waiters, at: base)
        self.segment = segment
        self.name = name
        truncation = TruncationGuard.slot(containing: base)
    }

    /// The futex protocol on this event's words.
    var parking: FutexParking { FutexParking(word: stateWord, waiters: waiters) }

    /// The waiter count as stored (for tests: it includes waiters that died asleep).
    var waiterCount: UInt32 { parking.waiterCount }
}

extension ProcessEvent: @unchecked Sendable {}
// @unchecked: the handle holds addresses of atomic words in shared memory (and the mapping that
// keeps them valid, unmapped only when the handle ends); every operation on them is atomic.
#endif
