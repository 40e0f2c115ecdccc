#if os(Linux)
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The calling process's ``ProcessIdentity``, read from `/proc` once and then cached, because a
/// lock records its owner on every acquisition and must not read a file (or call `getpid`, a
/// system call) to do so. A fork child forgets the cache (`pthread_atfork`), so it records
/// its own pid (and, after `unshare(CLONE_NEWPID)`, its own namespace).
enum CachedProcessIdentity {
    private static let pid = Atomic<Int32>(0)
    private static let startTime = Atomic<UInt64>(0)
    private static let pidNamespace = Atomic<UInt32>(0)
    private static let forkHandlerInstalled: Bool = {
        pthread_atfork(nil, nil, { CachedProcessIdentity.forget() }) == 0
    }()

    /// The identity of the calling process.
    static var current: ProcessIdentity {
        let cached = pid.load(ordering: .acquiring)
        if cached != 0 {
            return ProcessIdentity(pid: cached, startTime: startTime.load(ordering: .relaxed),
                                   pidNamespace: pidNamespace.load(ordering: .relaxed))
        }
        let identity = ProcessIdentity.current
        guard forkHandlerInstalled else { return identity }
        startTime.store(identity.startTime, ordering: .relaxed)
        pidNamespace.store(identity.pidNamespace, ordering: .relaxed)
        pid.store(identity.pid, ordering: .releasing)
        return identity
    }

    private static func forget() {
        pid.store(0, ordering: .releasing)
        startTime.store(0, ordering: .relaxed)
        pidNamespace.store(0, ordering: .relaxed)
    }
}
#endif
