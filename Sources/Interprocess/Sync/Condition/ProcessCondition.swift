#if os(Linux)
import Synchronization

/// A condition variable shared by processes: wait, holding a ``ProcessMutex``, until another
/// process signals that the state it protects has changed.
///
/// ```swift
/// try mutex.withLock(onOwnerDeath: .giveUp) { () throws(InterprocessError) in
///     while !ready() {
///         try condition.wait(mutex, until: deadline)  // throws timedOut, leaving the mutex released
///     }
///     consume()
/// }
/// ```
///
/// A wait may return without a signal (spuriously, or on a signal meant for another waiter):
/// always re-check the predicate in a loop. Every wait that returns has re-acquired the mutex, as
/// `pthread_cond_wait` does; a wait that throws ``InterprocessError/Code/timedOut`` has not (inside
/// `withLock`, just let the error propagate). A wait reports ``LockAcquisition/previousOwnerDied(_:)``
/// if the mutex's owner died meanwhile: repair and ``ProcessMutex/markConsistent()`` as after
/// ``ProcessMutex/lock()``.
///
/// ## Why not glibc's `pthread_cond_t`
///
/// A process-shared `pthread_cond_t` in glibc before 2.41 counts its sleeping waiters in
/// `__g_refs`; a waiter killed while asleep never gives its reference back, and a later
/// `pthread_cond_signal` waits for it forever (reproduced on glibc 2.36). A condition must not
/// hang because a waiting process died, so this one is a futex word of our own: a sequence number
/// that every signal increments, and a count of sleepers so that a signal makes a system call
/// only when someone sleeps. A dead waiter leaves the count one too high, which costs later
/// signals a `FUTEX_WAKE` that wakes nobody, and nothing else. **A wake-up lost to a dead process
/// delays a waiter by at most 20 ms**: a signaller killed between bumping the sequence and
/// waking, or a signalled waiter killed before it returned, leaves the sequence changed, and
/// every sleeper re-checks it at least every 20 ms (the others may then return too: re-check
/// the predicate).
///
/// A wait with a deadline keeps the whole call within it, re-acquiring the mutex included: if
/// the mutex cannot be re-acquired by then, ``wait(_:until:)`` throws
/// ``InterprocessError/Code/timedOut`` and the mutex is **not** held.
///
/// ## Blocking
///
/// The `wait` calls block the calling thread; ``signal()`` and ``broadcast()`` never do. From Swift
/// concurrency, wait on a dedicated thread, not on the cooperative pool.
///
/// Placed at a 64-byte-aligned address in any shared mapping (``initialize(at:)``,
/// ``init(placedAt:)``; the mapping must outlive the handle) or named, alone in a segment of kind
/// ``SegmentKind/condition`` (``init(create:permissions:lifetime:)``, ``init(open:)``, ``init(open:until:)``,
/// ``init(openOrCreate:permissions:lifetime:)``).
public struct ProcessCondition: ~Copyable, @unchecked Sendable {
    /// The bytes a placed condition takes: 128.
    public static let size = 128
    /// The alignment a placed condition needs: 64 bytes.
    public static let alignment = 64

    /// The tag at byte 0 of a placed condition: the ASCII bytes `PCND`.
    static let tag: UInt32 = 0x444E_4350
    /// The bytes of the condition's object (sequence and waiters).
    static let objectSize = 8

    /// Where the primitive starts (its header).
    let address: UnsafeMutableRawPointer
    /// The named segment, kept mapped while the handle lives; nil for a placed condition.
    let segment: Segment?
    /// The segment name, for error messages.
    let name: String?
    /// The truncation guard's slot of the mapping that holds it: a wait ends in `truncated`
    /// once that file was shrunk under it (no signal can come any more).
    let truncation: TruncationGuard.Slot

    /// Initializes a condition at `address`, overwriting the ``size`` bytes there. Do this once,
    /// before any process uses it, and never while one does.
    ///
    /// - Throws: ``InterprocessError`` `invalidArgument` for an address not aligned to ``alignment``.
    public static func initialize(at address: UnsafeMutableRawPointer) throws(InterprocessError) {
        try Placement.check(address, alignment: alignment, for: "condition")
        address.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        (address + Field.sequence.offset).bindMemory(to: Atomic<UInt32>.self, capacity: 1).initialize(to: Atomic(0))
        (address + Field.waiters.offset).bindMemory(to: Atomic<UInt32>.self, capacity: 1).initialize(to: Atomic(0))
        PrimitiveHeader.write(at: address, tag: tag, flags: 0, objectSize: objectSize)
    }

    /// Uses the condition that ``initialize(at:)`` placed at `address` (in this or another process).
    ///
    /// - Throws: ``InterprocessError`` `invalidArgument` for a misaligned address; `corrupt` if no
    ///   condition was initialized there; `wrongKind` if a ``ProcessMutex`` was;
    ///   `incompatibleVersion` for another layout version.
    public init(placedAt address: UnsafeMutableRawPointer) throws(InterprocessError) {
        try self.init(validating: address, name: nil, segment: nil)
    }

    /// Checks the header at `address` and builds the handle.
    init(validating address: UnsafeMutableRawPointer, name: String?, segment: consuming Segment?) throws(InterprocessError) {
        try Placement.check(address, alignment: ProcessCondition.alignment, for: "condition")
        _ = try PrimitiveHeader.validate(
            at: address, tag: ProcessCondition.tag, primitive: "condition", objectSize: ProcessCondition.objectSize,
            knownFlags: 0, name: name, operation: name == nil ? "use a placed condition" : "open condition")
        self.address = address
        self.segment = segment
        self.name = name
        truncation = TruncationGuard.slot(containing: address)
    }

    /// The futex word every signal increments.
    var sequence: UnsafeMutablePointer<Atomic<UInt32>> {
        UnsafeMutablePointer(OpaquePointer(address + Field.sequence.offset))
    }

    /// How many waiters are (or may be) asleep.
    var waiters: UnsafeMutablePointer<Atomic<UInt32>> {
        UnsafeMutablePointer(OpaquePointer(address + Field.waiters.offset))
    }

    /// The futex protocol on the sequence and waiter words.
    var parking: FutexParking { FutexParking(word: sequence, waiters: waiters) }
}
#endif
