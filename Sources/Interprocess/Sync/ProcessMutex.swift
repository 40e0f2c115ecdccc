#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A mutual-exclusion lock shared by processes, which survives the death of its owner: the next
/// locker is told which process died holding it, may repair the state it protects, and carries on.
///
/// A mutex lives either *placed* at a 64-byte-aligned address inside any shared mapping
/// (``initialize(at:recursive:)`` once, then ``init(placedAt:)`` in every process), or *named*, alone in
/// a segment of kind ``SegmentKind/mutex`` (``init(create:recursive:permissions:)``,
/// ``init(open:timeout:)``).
///
/// ```swift
/// let mutex = try ProcessMutex(create: "orders-lock")
/// try mutex.withLock(onOwnerDeath: { dead in
///     rebuildIndex()              // the previous owner died mid-update
/// }) {
///     appendOrder(order)
/// }
/// ```
///
/// ## Owner death
///
/// When the process (or thread) holding the lock dies, the next ``lock()`` returns
/// ``LockAcquisition/previousOwnerDied(_:)`` with the dead owner's ``ProcessIdentity`` (pid 0 if it
/// died in the few instructions between acquiring the lock and recording itself). The caller holds
/// the lock; it repairs the protected state and calls ``markConsistent()`` before ``unlock()``. If
/// it unlocks without that, the mutex becomes permanently unusable: every later lock throws
/// ``InterprocessError/Code/notRecoverable`` instead of handing out broken state or deadlocking.
///
/// ## Why glibc's robust pthread mutex
///
/// The lock is a `pthread_mutex_t` with `PTHREAD_PROCESS_SHARED`, `PTHREAD_MUTEX_ROBUST`, and type
/// `PTHREAD_MUTEX_ERRORCHECK` (or `PTHREAD_MUTEX_RECURSIVE`), rather than a futex word of our own:
/// - The kernel's robust-futex list marks a dead owner's lock (`FUTEX_OWNER_DIED`) and wakes a
///   waiter at the moment the owner dies: immediate and reliable, with no polling of `/proc`.
/// - glibc already owns each thread's single robust-list head (`set_robust_list`), so locks of our
///   own could not be registered there.
/// - Uncontended lock and unlock are a compare-and-swap in user space (no system call), and unlock
///   calls `FUTEX_WAKE` only when the waiters bit is set.
/// - `EOWNERDEAD`, `pthread_mutex_consistent` and `ENOTRECOVERABLE` are exactly the "repair, or
///   become unrecoverable" semantics wanted.
///
/// The costs: the object's bytes are glibc's ABI (40 bytes on x86_64, 48 on arm64), not a format of
/// ours; any glibc program that uses the same attributes can share the lock, and the layout records
/// the object's size so that another ABI is refused (``InterprocessError/Code/incompatibleVersion``).
/// The lock belongs to a *thread*: the thread that locked must unlock.
///
/// ## Blocking
///
/// ``lock()``, ``lock(until:)``, ``lock(timeout:)`` and the `withLock` forms block the calling
/// thread (after a brief spin). From Swift concurrency, keep critical sections short and never
/// hold the lock across an `await` (the task may resume on another thread, which cannot unlock);
/// for long waits, call from a dedicated thread. ``tryLock()``, ``unlock()`` and
/// ``markConsistent()`` never block.
///
/// A placed mutex does not own its memory: the mapping must outlive the handle. A named one keeps
/// its segment mapped for as long as the handle lives. Never unmap a placed mutex while holding
/// it: glibc links each held robust mutex into its thread's robust list *through the mutex's own
/// memory*, so a later lock or unlock on that thread would walk unmapped memory and crash, and
/// the kernel could not mark the lock when the owner dies. A named handle that goes away while
/// the calling thread holds its lock therefore releases the lock first (unrepaired state after an
/// owner's death then becomes not recoverable, as with any unlock); drop it on the thread that
/// holds the lock, or unlock first. (A `Never`-returning call such as `exit` can end a local's
/// lifetime early; pass the handle to a function as a parameter to keep it alive.) The handle is `Sendable`: the lock is made
/// for concurrent use, and the handle holds only its address (and the mapping).
public struct ProcessMutex: ~Copyable, @unchecked Sendable {
    /// The bytes a placed mutex takes: 128.
    public static let size = 128
    /// The alignment a placed mutex needs: 64 bytes.
    public static let alignment = 64

    /// The tag at byte 0 of a placed mutex: the ASCII bytes `PMTX`.
    static let tag: UInt32 = 0x5854_4D50
    /// Flag bit: the mutex is recursive.
    static let recursiveFlag: UInt32 = 1
    /// How many times a contended lock peeks and retries before it sleeps.
    static let spinLimit = 100

    /// Where the primitive starts (its header).
    let address: UnsafeMutableRawPointer
    /// The named segment, kept mapped while the handle lives; nil for a placed mutex.
    let segment: Segment?
    /// The segment name, for error messages.
    let name: String?
    /// Whether the same thread may lock it again (and must unlock it as many times).
    public let isRecursive: Bool

    /// A named handle unmaps its segment when it goes away; if the calling thread still holds the
    /// lock, it is released first (see ``ProcessMutex`` on unmapping a held lock).
    deinit {
        if segment != nil { releaseBeforeUnmapping() }
    }

    /// Initializes a mutex at `address`, overwriting the ``size`` bytes there. Do this once, before
    /// any process uses the mutex, and never while one does.
    ///
    /// - Parameters:
    ///   - address: where to place it; must be aligned to ``alignment``, in a shared mapping of at
    ///     least ``size`` bytes from there.
    ///   - recursive: whether the owning thread may lock it again (counted).
    /// - Throws: ``InterprocessError`` `invalidArgument` for a misaligned address; `systemError` if
    ///   glibc refuses the attributes.
    public static func initialize(at address: UnsafeMutableRawPointer, recursive: Bool = false) throws(InterprocessError) {
        try Placement.check(address, alignment: alignment, for: "mutex")
        address.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        defer { pthread_mutexattr_destroy(&attributes) }
        let type = Int32(recursive ? PTHREAD_MUTEX_RECURSIVE : PTHREAD_MUTEX_ERRORCHECK)
        for (what, result) in [
            ("type", pthread_mutexattr_settype(&attributes, type)),
            ("process-shared", pthread_mutexattr_setpshared(&attributes, Int32(PTHREAD_PROCESS_SHARED))),
            ("robust", pthread_mutexattr_setrobust(&attributes, Int32(PTHREAD_MUTEX_ROBUST))),
        ] where result != 0 {
            throw .system(.init(rawValue: result), operation: "initialize a mutex", reason: "glibc refused the \(what) attribute")
        }
        let object = (address + PrimitiveHeader.objectOffset).bindMemory(to: pthread_mutex_t.self, capacity: 1)
        let result = pthread_mutex_init(object, &attributes)
        guard result == 0 else {
            throw .system(.init(rawValue: result), operation: "initialize a mutex", reason: "pthread_mutex_init failed")
        }
        PrimitiveHeader.write(at: address, tag: tag, flags: recursive ? recursiveFlag : 0,
                              objectSize: MemoryLayout<pthread_mutex_t>.size)
    }

    /// Uses the mutex that ``initialize(at:recursive:)`` placed at `address` (in this or another
    /// process). The memory must stay mapped for as long as the handle is used.
    ///
    /// - Throws: ``InterprocessError`` `invalidArgument` for a misaligned address; `corrupt` if no
    ///   mutex was initialized there; `wrongKind` if a ``ProcessCondition`` was; `incompatibleVersion`
    ///   for another layout version or another `pthread_mutex_t` size.
    public init(placedAt address: UnsafeMutableRawPointer) throws(InterprocessError) {
        try self.init(validating: address, segment: nil, name: nil)
    }

    /// Checks the header at `address` and builds the handle.
    init(validating address: UnsafeMutableRawPointer, segment: consuming Segment?, name: String?) throws(InterprocessError) {
        let operation = name == nil ? "use a placed mutex" : "open mutex"
        try Placement.check(address, alignment: ProcessMutex.alignment, for: "mutex")
        let flags = try PrimitiveHeader.validate(
            at: address, tag: ProcessMutex.tag, primitive: "mutex", objectSize: MemoryLayout<pthread_mutex_t>.size,
            knownFlags: ProcessMutex.recursiveFlag, name: name, operation: operation)
        self.address = address
        self.segment = segment
        self.name = name
        self.isRecursive = flags & ProcessMutex.recursiveFlag != 0
    }

    /// The `pthread_mutex_t` at byte 64.
    var object: UnsafeMutablePointer<pthread_mutex_t> {
        (address + PrimitiveHeader.objectOffset).assumingMemoryBound(to: pthread_mutex_t.self)
    }
}
