#if os(Linux)
import Synchronization

/// A reader-writer lock shared between processes, with owner-death recovery on the exclusive
/// side and reader slots that a dead reader cannot wedge.
///
/// Many processes (and threads) may hold the *shared* side together; the *exclusive* side has one
/// holder and no shared ones. Writers don't starve: once a writer asks, no new reader enters
/// until that writer has had its turn.
///
/// It lives either at an address inside any shared mapping (its *placed* form,
/// ``initialize(at:)`` and ``init(placedAt:)``) or alone in a named segment of kind
/// ``SegmentKind/rwLock`` (``init(create:permissions:lifetime:)``, ``init(open:)``, ``init(open:until:)``,
/// ``init(openOrCreate:permissions:lifetime:)``). The layout
/// is in `docs/FORMAT.md` ("ProcessRWLock").
///
/// ```swift
/// let lock = try ProcessRWLock(openOrCreate: "prices.lock")
/// try lock.withSharedLock(onOwnerDeath: .giveUp) { /* read */ }
/// try lock.withExclusiveLock(onOwnerDeath: { dead in /* repair what `dead` half-wrote */ }) {
///     /* write */
/// }
/// ```
///
/// Every scoped form takes the owner-death decision as a required argument — a repair closure,
/// ``OwnerDeathPolicy/stateNeedsNoRepair`` or ``OwnerDeathPolicy/giveUp`` — the same choice
/// ``ProcessMutex`` offers (see "When a process dies" below). ``state`` shows the writer, the
/// readers and the consistency.
///
/// ## Cost
///
/// Uncontended, each side's lock and unlock are a few atomic operations on the lock's words
/// and make no system call; an unlock calls `FUTEX_WAKE` only when a waiter counts itself
/// asleep. A waiter spins briefly, then sleeps on a futex in slices of at most 20 ms, between
/// which it checks (through `/proc`) whether the process it waits for is still alive.
///
/// ## Blocking
///
/// ``lockShared()``, ``lockExclusive()`` and their `until:`/`timeout:` forms (which throw
/// ``InterprocessError/Code/timedOut``), and the scoped forms, block the calling thread: don't call them from Swift concurrency's cooperative pool
/// for waits that may be long. The `try` forms and the unlocks never wait (a `try` form may
/// read `/proc` once to tell whether a holder is dead).
///
/// ## When a process dies
///
/// - **Holding the exclusive side** (or waiting for readers to leave after taking it): the lock
///   records the holder's ``ProcessIdentity``. The next process that asks for the exclusive side
///   finds it dead and takes the lock over (a compare-and-exchange, so exactly one does), getting
///   ``LockAcquisition/previousOwnerDied(_:)``. It must repair the protected state and call
///   ``markConsistent()`` before ``unlockExclusive()``; unlocked without that, the lock becomes
///   not recoverable and every later lock on either side throws
///   ``InterprocessError/Code/notRecoverable``. A reader that finds a dead writer's lock throws
///   ``InterprocessError/Code/ownerDied`` (the state may be half-written) until someone has
///   taken the lock over and repaired it. **Readers recover without writers** the same way a
///   writer does: catch `ownerDied`, call ``lockExclusive()`` (the takeover returns
///   ``LockAcquisition/previousOwnerDied(_:)`` to exactly one process; the others wait, then
///   get ``LockAcquisition/acquired``), repair, ``markConsistent()``, ``unlockExclusive()``, and
///   lock the shared side again — or let ``withSharedLock(onOwnerDeath:_:)-(OwnerDeathPolicy,_)`` do all of it. A
///   lock is never taken from a process whose liveness is unknown
///   (``ProcessIdentity/Liveness/unknown``: another pid namespace, a hidden `/proc`).
/// - **Holding the shared side:** each process counts its shared holds in a slot of its own,
///   keyed by its identity (pid, start time, pid namespace). A writer waiting for readers to leave finds a dead
///   process's slot and clears it, so a dead reader never wedges writers. The protected state
///   needs no repair (readers don't write it), so nobody is told.
/// - **Waiting:** a waiter that dies leaves a sleeper count one too high, which only costs a
///   later unlock a `FUTEX_WAKE` that finds nobody. **A wake-up lost to a dead process delays a
///   waiter by at most 20 ms** (an unlocker killed between releasing and waking): no sleep
///   lasts longer before the waiter looks again.
///
/// ## Limits
///
/// Not reentrant: a thread that holds either side and asks for the exclusive side waits for
/// itself (until its deadline); there is no upgrade. Don't nest shared holds on one thread
/// either: a writer that arrives between them waits for the first, and the second for the writer. All threads of one process share its
/// reader slot and its identity as a writer: unlock from the thread that locked. At most
/// ``readerSlotCount`` processes hold the shared side *at once*; a further process waits for a
/// slot to free. A process made with a raw `clone` (not `fork`, which is handled) shares its
/// parent's cached identity and must not use the lock.
public struct ProcessRWLock: ~Copyable, @unchecked Sendable {
    // @unchecked: addresses of atomic words in shared memory, and an immutable segment handle.

    /// The bytes a placed lock takes: two 128-byte lines of control words, then one 128-byte
    /// line per reader slot.
    public static let size = RWLockLayout.size
    /// The alignment a placed lock needs: 128 bytes, so that words written by different
    /// processes stay on separate cache-line pairs.
    public static let alignment = 128
    /// How many processes can hold the shared side at the same time.
    public static let readerSlotCount = RWLockLayout.slotCount

    /// The lock's words in shared memory.
    let words: RWLockWords
    /// The fault count of the truncation guard's slot holding the lock: once a peer shrank
    /// that file, its words are a private zero page that every process would "acquire", so
    /// each acquisition loads it and throws `truncated` instead.
    let truncationFaults: UnsafePointer<Atomic<UInt64>>
    /// The named segment holding the lock, or nil for a placed one.
    let segment: Segment?

    /// The segment's name for a named lock; nil for a placed one.
    public let name: String?

    /// Writes a fresh, unlocked lock at `address`, which must be ``alignment``-aligned and have
    /// ``size`` writable bytes. Do it once, before any process uses the lock there; the tag is
    /// written last, with a release store, so ``init(placedAt:)`` never sees a half-written lock.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a misaligned address.
    public static func initialize(at address: UnsafeMutableRawPointer) throws(InterprocessError) {
        try Placement.check(address, alignment: alignment, for: "reader-writer lock")
        RWLockLayout.write(at: address)
    }

    /// A handle on the lock initialized at `address` (by any process). The memory must stay
    /// mapped while the handle is used.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a misaligned address; `corrupt`
    ///   for memory that holds no initialized lock (zeroed or foreign bytes) or impossible
    ///   fields; `incompatibleVersion` for a lock of another layout version.
    public init(placedAt address: UnsafeMutableRawPointer) throws(InterprocessError) {
        try self.init(validating: address, name: nil, segment: nil)
    }

    /// Validates the lock at `base` and makes a handle on it.
    init(validating base: UnsafeMutableRawPointer, name: String?, segment: consuming Segment?) throws(InterprocessError) {
        try Placement.check(base, alignment: ProcessRWLock.alignment, for: "reader-writer lock")
        try RWLockLayout.validate(at: base, name: name)
        self.words = RWLockWords(base: base)
        self.truncationFaults = TruncationGuard.faultCounter(TruncationGuard.slot(containing: base))
        self.segment = segment
        self.name = name
    }

    /// Throws `truncated` once the file holding the lock was shrunk by a peer.
    func requireNotTruncated(_ action: String) throws(InterprocessError) {
        guard truncationFaults.pointee.load(ordering: .relaxed) != 0 else { return }
        throw InterprocessError(.truncated, operation: "\(action) a reader-writer lock", name: name,
                                reason: "the file holding it was truncated by another process: its words read as zeros here and exclude no other process")
    }

    /// Whether the lock is not recoverable: a writer took it over from a dead owner and unlocked
    /// it without ``markConsistent()``. Every lock attempt then throws.
    public var isNotRecoverable: Bool {
        words.consistency.pointee.load(ordering: .acquiring) == RWLockLayout.Consistency.notRecoverable
    }

    /// The process holding (or taking) the exclusive side right now, or nil. Only a snapshot.
    public var exclusiveOwner: ProcessIdentity? {
        let owner = words.owner.pointee.load(ordering: .acquiring)
        return owner == 0 ? nil : RWLockOwnerTag.identity(of: owner, recordedStartTime: words.ownerStartTime.pointee.load(ordering: .relaxed))
    }
}
#endif
