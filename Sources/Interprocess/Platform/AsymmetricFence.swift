#if os(Linux)
public import CInterprocessShim
import Synchronization

/// A store → load fence split unevenly between two processes: the frequent side (a broadcast
/// writer, once per record) pays only a compiler barrier, and the rare side (a reader about to
/// sleep) pays a `membarrier(2)` system call that runs a full barrier on every CPU currently
/// running a thread of a process that registered as a frequent side.
///
/// This is what lets the writer skip the sequentially consistent store that the parking
/// handshake (``FutexParking``) otherwise needs on every publish: a locked instruction per
/// record waits for the store buffer to drain, which under readers polling the same lines costs
/// a cache miss per record. With the asymmetric fence, the reader's announce → membarrier → load
/// orders against the writer's store → compiler barrier → load: either the writer's store was
/// made visible by the barrier, or the writer's later load runs after it and sees the announce.
///
/// Where `membarrier` is missing or refused (seccomp), ``registerFrequentSide()`` returns false
/// and the writer falls back to sequentially consistent stores.
@usableFromInline
enum AsymmetricFence {
    /// `MEMBARRIER_CMD_GLOBAL_EXPEDITED` and its registration (linux/membarrier.h).
    static let globalExpedited: Int32 = 1 << 1
    static let registerGlobalExpedited: Int32 = 1 << 2

    /// Whether this process registered as a frequent side.
    private static let registered = Atomic<Bool>(false)

    /// Registers the calling process as a frequent side (idempotent); returns whether it is one.
    /// A process that registered stays registered: the kernel has no unregister.
    static func registerFrequentSide() -> Bool {
        if registered.load(ordering: .acquiring) { return true }
        guard ipc_membarrier(registerGlobalExpedited) == 0 else { return false }
        registered.store(true, ordering: .releasing)
        return true
    }

    /// The frequent side's half: keeps the compiler from moving a load above an earlier store.
    @inlinable @inline(__always)
    static func frequentSide() { ipc_compiler_barrier() }

    /// The rare side's half: a full barrier on every CPU running a registered process's thread
    /// (a thread not running passed one when it was switched out). Call between the store and
    /// the load it orders. Returns false if the system call failed (then only the 20 ms re-check
    /// of ``FutexParking`` bounds a lost wake-up from a writer that relies on it).
    @discardableResult
    static func rareSide() -> Bool {
        ipc_membarrier(globalExpedited) == 0
    }
}
#endif
