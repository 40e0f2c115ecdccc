#if os(Linux)
internal import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The advisory lock that makes removing a named segment safe against processes opening it.
///
/// Every handle of a named segment holds a shared `flock` on its own descriptor for as long as it
/// has the segment mapped (the descriptor stays open with the mapping). `gc` removes a name only
/// while it holds the exclusive lock, taken without waiting, so it can never remove a segment a
/// handle maps. An opener takes its shared lock after `shm_open` and then checks that the name
/// still refers to the file it opened: if `gc` won the race for the lock and removed the name
/// in between, the opener sees it and opens again (or finds nothing: `notFound`).
enum NameLock {
    /// A file's device and inode: which file a descriptor or a name refers to.
    struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
    }

    /// Takes a shared lock on `descriptor`, retrying while a remover holds the exclusive lock
    /// (only for microseconds, unless a hostile process holds it) until `deadline`.
    static func lockShared(
        _ descriptor: Int32, until deadline: Deadline, operation: String, name: String
    ) throws(InterprocessError) {
        while true {
            if flock(descriptor, LOCK_SH | LOCK_NB) == 0 { return }
            let error = currentErrno
            switch error {
            case .interrupted:
                continue
            case .wouldBlock:
                if deadline.hasPassed {
                    throw InterprocessError(.timedOut, operation: operation, name: name,
                                            reason: "another process held an exclusive lock on it (flock) past the deadline")
                }
                var pause = timespec(tv_sec: 0, tv_nsec: 200_000)
                nanosleep(&pause, nil)
            default:
                throw InterprocessError.system(error, operation: operation, name: name, reason: "taking its shared lock (flock) failed")
            }
        }
    }

    /// Tries to take the exclusive lock without waiting; false if any handle holds the shared one.
    static func tryLockExclusive(_ descriptor: Int32) -> Bool {
        while true {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return true }
            if errno != EINTR { return false }
        }
    }

    /// The identity of the file `descriptor` refers to.
    static func identity(of descriptor: Int32) -> Identity? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// The identity of the file `path` names now (not following a symbolic link), or nil if none.
    static func identity(ofPath path: String) -> Identity? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Whether `path` still names the file open as `descriptor`.
    static func path(_ path: String, names descriptor: Int32) -> Bool {
        guard let opened = identity(of: descriptor) else { return false }
        return identity(ofPath: path) == opened
    }
}
#endif
