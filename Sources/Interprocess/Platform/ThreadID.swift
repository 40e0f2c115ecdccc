#if os(Linux)
public import CInterprocessShim

/// The calling thread's kernel thread id (`gettid`), which a ``ProcessMutex`` stores in its lock
/// word. Cached per thread by the C shim, so reading it costs a thread-local load, not a system
/// call; a fork child reads its own.
@usableFromInline
enum ThreadID {
    /// The calling thread's id, as a lock word holds it.
    @inlinable @inline(__always)
    static var current: UInt32 { UInt32(bitPattern: ipc_thread_id()) }
}
#endif
