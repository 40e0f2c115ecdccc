#if os(Linux)
public import Synchronization

/// A mutual-exclusion lock shared by processes, which survives the death of its owner: the next
/// locker is told which process died holding it, may repair the state it protects, and carries on.
///
/// A mutex lives either *placed* at a 64-byte-aligned address inside any shared mapping
/// (``initialize(at:recursive:)`` once, then ``init(placedAt:)`` in every process), or *named*, alone in
/// a segment of kind ``SegmentKind/mutex`` (``init(create:recursive:permissions:lifetime:)``,
/// ``init(open:)``, ``init(open:until:)``, ``init(openOrCreate:recursive:permissions:lifetime:)``).
///
/// ```swift
/// let mutex = try ProcessMutex(openOrCreate: "orders-lock")
/// try mutex.withLock(onOwnerDeath: { dead in
///     rebuildIndex()              // the previous owner died mid-update
/// }) {
///     appendOrder(order)
/// }
/// ```
///
/// ## Owner death: decide up front
///
/// A process that dies holding the lock — killed, crashed, or calling `exit()` inside the critical
/// section — may leave the protected state half-updated. The next locker is told, and every way
/// of locking makes it decide what happens then:
///
/// - **Scoped** (`withLock`): the decision is a required argument. A closure
///   (`onOwnerDeath: { dead in … }`) repairs the state holding the lock, then the mutex is marked
///   consistent and `body` runs. ``OwnerDeathPolicy/stateNeedsNoRepair`` marks it consistent at
///   once (state that is valid at every point: a lock that only serializes, single-store updates).
///   ``OwnerDeathPolicy/giveUp`` releases it unrepaired and throws
///   ``InterprocessError/Code/ownerDied``: the mutex is then not recoverable for every process,
///   which is right when nothing can repair the state and nobody must see it.
/// - **Manual** (``lock()``): it returns ``LockAcquisition/previousOwnerDied(_:)`` with the dead
///   owner's ``ProcessIdentity`` (pid 0 if it died in the few instructions between acquiring the
///   lock and recording itself). The caller holds the lock; it repairs and calls
///   ``markConsistent()`` before ``unlock()``. Unlocking without that makes the mutex permanently
///   unusable: every later lock throws ``InterprocessError/Code/notRecoverable`` instead of handing
///   out broken state or deadlocking.
///
/// Either way ``state`` shows the owner, whether it lives, and the mutex's consistency.
///
/// A waiter notices the death within ``ownerCheckInterval`` of it: it sleeps on the lock in slices
/// and, after each slice that ends with the lock still held, asks `/proc` whether the owner (its
/// process, then its thread) is alive. ``tryLock()`` asks at once when the lock is held. An owner
/// this process cannot judge (`/proc` hidden, another pid namespace) counts as alive.
///
/// ## Why a lock word of our own
///
/// The lock is a 32-bit futex word of this library's (the owner's thread id, a waiters bit and an
/// "inconsistent" bit) and an owner record, not a glibc `pthread_mutex_t`: any process that can
/// map the memory can write any bytes there, and glibc follows the robust-list pointers inside a
/// `pthread_mutex_t`, takes its lock-elision or priority-inheritance path by its kind word, and
/// crashes on a lock word naming the caller's thread. Every word of this lock is validated when
/// read; bad contents are ``InterprocessError/Code/corrupt``, never a crash or a hang past a
/// deadline. Uncontended lock and unlock are a compare-and-swap and an exchange in user space (no
/// system call); unlock calls `FUTEX_WAKE` only when the waiters bit is set. The lock belongs to a
/// *thread*: the thread that locked must unlock. Thread ids are those of the pid namespace of the
/// process that wrote them: don't share a mutex between pid namespaces.
///
/// ## Blocking
///
/// ``lock()``, ``lock(until:)``, ``lock(timeout:)`` and the `withLock` forms block the calling
/// thread (after a brief spin); the deadline forms throw ``InterprocessError/Code/timedOut``. From Swift concurrency, keep critical sections short and never
/// hold the lock across an `await` (the task may resume on another thread, which cannot unlock);
/// for long waits, call from a dedicated thread. ``tryLock()``, ``unlock()`` and
/// ``markConsistent()`` never sleep.
///
/// A placed mutex does not own its memory: the mapping must outlive the handle. A named one keeps
/// its segment mapped for as long as the handle lives; if the handle goes away while the calling
/// thread holds the lock *through this handle* (the handle made the outermost acquisition), the
/// lock is released first (every level of a recursive one; unrepaired state after an owner's
/// death then becomes not recoverable, as with any unlock). A lock taken through another handle is
/// left alone. The handle is `Sendable`: the lock is made for concurrent use, and the handle holds
/// only its address (and the mapping). To use one handle from many tasks, wrap it in ``Shared``. To use one handle from many tasks, wrap it in ``Shared``.
public struct ProcessMutex: ~Copyable, @unchecked Sendable {
    /// The bytes a placed mutex takes: 128.
    public static let size = 128
    /// The alignment a placed mutex needs: 64 bytes.
    public static let alignment = 64
    /// How long a waiter sleeps at most before it checks whether the lock's owner is still alive:
    /// a dead owner is noticed this long after its death, at the latest.
    public static let ownerCheckInterval = Duration.milliseconds(20)

    /// ``ownerCheckInterval`` in nanoseconds.
    static let ownerCheckIntervalNanoseconds: UInt64 = 20_000_000

    /// The tag at byte 0 of a placed mutex: the ASCII bytes `PMTX`.
    static let tag: UInt32 = 0x5854_4D50
    /// The layout version of a placed mutex (2: the lock word of our own; 1 was glibc's object).
    static let layoutVersion: UInt32 = 2
    /// The bytes at ``PrimitiveHeader/objectOffset`` that hold the lock word and the owner record.
    static let objectSize: UInt32 = 36
    /// Flag bit: the mutex is recursive.
    static let recursiveFlag: UInt32 = 1
    /// How many times a contended lock peeks and retries before it sleeps.
    static let spinLimit = 100

    /// Where the primitive starts (its header).
    let address: UnsafeMutableRawPointer
    /// The lock word (``Field/lockWord``).
    @usableFromInline let word: UnsafeMutablePointer<Atomic<UInt32>>
    /// The owner record's depth (``Field/ownerDepth``), read on the unlock fast path.
    @usableFromInline let depth: UnsafeMutablePointer<Atomic<UInt32>>
    /// The fault count of the truncation guard's slot holding the mutex: once a peer shrank
    /// that file, the lock word is a private zero page that every process "acquires", so each
    /// acquisition loads it (a process-local line) and throws `truncated` instead.
    @usableFromInline let truncationFaults: UnsafePointer<Atomic<UInt64>>
    /// The named segment, kept mapped while the handle lives; nil for a placed mutex.
    let segment: Segment?
    /// The segment name, for error messages.
    let name: String?
    /// Whether the same thread may lock it again (and must unlock it as many times).
    public let isRecursive: Bool
    /// This handle, among all handles of this process: recorded by the outermost acquisition, so
    /// that dropping a handle releases only a lock taken through it.
    let handleToken: UInt64

    /// A named handle unmaps its segment when it goes away; a lock the calling thread took through
    /// it is released first. Dropping a handle while holding the lock after an owner's death,
    /// without ``markConsistent()``, releases it unrepaired: the mutex becomes
    /// ``InterprocessError/Code/notRecoverable`` for everyone.
    deinit {
        if segment != nil { releaseIfTakenThroughThisHandle() }
    }

    /// Initializes a mutex at `address`, overwriting the ``size`` bytes there. Do this once, before
    /// any process uses the mutex, and never while one does.
    ///
    /// - Parameters:
    ///   - address: where to place it; must be aligned to ``alignment``, in a shared mapping of at
    ///     least ``size`` bytes from there.
    ///   - recursive: whether the owning thread may lock it again (counted).
    /// - Throws: ``InterprocessError`` `invalidArgument` for a misaligned address.
    public static func initialize(at address: UnsafeMutableRawPointer, recursive: Bool = false) throws(InterprocessError) {
        try Placement.check(address, alignment: alignment, for: "mutex")
        address.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        address.storeBytes(of: (recursive ? recursiveFlag : 0).littleEndian, toByteOffset: PrimitiveHeader.flagsOffset, as: UInt32.self)
        address.storeBytes(of: objectSize.littleEndian, toByteOffset: PrimitiveHeader.objectSizeOffset, as: UInt32.self)
        PlacedTag.publish(at: address, tag: tag, version: layoutVersion)
    }

    /// Uses the mutex that ``initialize(at:recursive:)`` placed at `address` (in this or another
    /// process). The memory must stay mapped for as long as the handle is used.
    ///
    /// - Throws: ``InterprocessError`` `invalidArgument` for a misaligned address; `corrupt` if no
    ///   mutex was initialized there; `wrongKind` if a ``ProcessCondition`` was; `incompatibleVersion`
    ///   for another layout version.
    public init(placedAt address: UnsafeMutableRawPointer) throws(InterprocessError) {
        try self.init(validating: address, name: nil, segment: nil)
    }

    /// Checks the header at `address` and builds the handle.
    init(validating address: UnsafeMutableRawPointer, name: String?, segment: consuming Segment?) throws(InterprocessError) {
        let operation = name == nil ? "use a placed mutex" : "open mutex"
        try Placement.check(address, alignment: ProcessMutex.alignment, for: "mutex")
        try PlacedTag.check(at: address, tag: ProcessMutex.tag, version: ProcessMutex.layoutVersion, primitive: "mutex",
                            name: name, operation: operation)
        let size = PrimitiveHeader.load(address, PrimitiveHeader.objectSizeOffset)
        guard size == ProcessMutex.objectSize else {
            throw InterprocessError(.incompatibleVersion, operation: operation, name: name,
                                    reason: "its mutex object is \(size) bytes; layout version \(ProcessMutex.layoutVersion) has \(ProcessMutex.objectSize)")
        }
        let flags = PrimitiveHeader.load(address, PrimitiveHeader.flagsOffset)
        guard flags & ~ProcessMutex.recursiveFlag == 0 else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its mutex has unknown flags 0x\(String(flags, radix: 16))")
        }
        self.address = address
        self.word = (address + Field.lockWord.offset).assumingMemoryBound(to: Atomic<UInt32>.self)
        self.depth = (address + Field.ownerDepth.offset).assumingMemoryBound(to: Atomic<UInt32>.self)
        self.truncationFaults = TruncationGuard.faultCounter(TruncationGuard.slot(containing: address))
        self.segment = segment
        self.name = name
        self.isRecursive = flags & ProcessMutex.recursiveFlag != 0
        self.handleToken = ProcessMutex.nextHandleToken.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// Hands out ``handleToken``s.
    private static let nextHandleToken = Atomic<UInt64>(0)
}
#endif
