import CInterprocessShim
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ProcessMutex {
    /// Undoes a glibc slip on a not-recoverable mutex.
    ///
    /// glibc's `pthread_mutex_trylock` on a robust mutex that is not recoverable takes the futex
    /// word (stores the caller's thread id) and then returns `ENOTRECOVERABLE` without releasing it
    /// (glibc 2.36: it releases only `if (oldval == id)`, where `oldval` is the word *before* its
    /// compare-and-swap, 0). The word then names a live thread forever, so every later locker waits
    /// or times out instead of being told `ENOTRECOVERABLE`. If the word holds the calling thread's
    /// id, clear it and wake the waiters, as glibc's own lock path does. A cold path: it makes a
    /// `gettid` system call.
    func releaseWordLeftHeldByNotRecoverable() {
        let word = UnsafeMutablePointer<Atomic<UInt32>>(OpaquePointer(object))
        let me = UInt32(bitPattern: ipc_gettid()) & 0x3FFF_FFFF
        let current = word.pointee.load(ordering: .relaxed)
        guard current & 0x3FFF_FFFF == me else { return }
        let (exchanged, _) = word.pointee.compareExchange(expected: current, desired: 0, ordering: .releasing)
        if exchanged, current & 0x8000_0000 != 0 {
            Futex.wake(UnsafeMutablePointer(OpaquePointer(object)))
        }
    }

    /// Releases the lock (every level of a recursive one) if the calling thread holds it, so that
    /// the mapping can go without leaving the thread's robust list pointing into it. A cold path:
    /// it makes a `gettid` system call when the lock is held by anyone.
    func releaseBeforeUnmapping() {
        let word = UnsafeMutablePointer<Atomic<UInt32>>(OpaquePointer(object))
        guard word.pointee.load(ordering: .relaxed) & 0x3FFF_FFFF != 0 else { return }
        let me = UInt32(bitPattern: ipc_gettid()) & 0x3FFF_FFFF
        var levels = ownerRecord.depth
        while word.pointee.load(ordering: .relaxed) & 0x3FFF_FFFF == me {
            ownerRecord = .none
            guard pthread_mutex_unlock(object) == 0, levels > 1 else { return }
            levels -= 1
        }
    }
}
