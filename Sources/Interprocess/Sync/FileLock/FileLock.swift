#if os(Linux)
public import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A shared or exclusive lock on a file (or a byte range of it), held through the file's open
/// file description: Linux open-file-description locks (`F_OFD_SETLK`, `F_OFD_SETLKW`).
///
/// Unlike classic POSIX record locks (`F_SETLK`), which belong to the *process* — so that two
/// handles on one file in one process silently share a lock, and closing *any* descriptor of the
/// file drops it — an OFD lock belongs to this handle's own open file description. Two
/// `FileLock`s on the same file exclude each other even in one process, and the lock is released
/// by the kernel when this handle is closed (`deinit`) or the process dies, however it dies.
///
/// ```swift
/// let lock = try FileLock(path: "/run/user/1000/jobs.lock")
/// try lock.withLock(.exclusive) {
///     // only one holder, in any process, at a time
/// }
/// ```
///
/// The lock is not a thread lock: every thread that uses the same `FileLock` acts as the same
/// holder. To exclude threads from each other, give each its own `FileLock`. The descriptor is
/// opened with `O_CLOEXEC`, so a program started with `exec` never inherits the lock; a child made
/// with `fork` shares the open file description, and with it the lock.
///
/// Blocking: ``lock(_:bytes:)`` blocks the calling thread until the lock is granted, and
/// ``lock(_:bytes:until:)`` and ``lock(_:bytes:timeout:)`` until the deadline (then they throw
/// ``InterprocessError/Code/timedOut``); don't call them from Swift concurrency's
/// cooperative pool for waits that may be long. ``tryLock(_:bytes:)`` and ``unlock(bytes:)``
/// never wait.
public struct FileLock: ~Copyable, Sendable {
    /// Which kind of lock to take.
    public enum Mode: Sendable, Hashable, CustomStringConvertible {
        /// A read lock: any number of shared holders may hold it together, but no exclusive one.
        /// Taking it needs the file opened for reading (it always is).
        case shared
        /// A write lock: one holder, and no shared ones.
        case exclusive

        /// "shared" or "exclusive".
        public var description: String { self == .shared ? "shared" : "exclusive" }
    }

    /// The locked file.
    public let path: FilePath
    /// The descriptor this handle owns (read-write, `O_CLOEXEC`); closed in `deinit`.
    let descriptor: Int32

    /// Opens (and, by default, creates) the file to lock. Takes no lock.
    ///
    /// - Parameters:
    ///   - path: the file; its contents are never read or written.
    ///   - createIfMissing: create the file if it does not exist (default true).
    ///   - permissions: the mode of a file this call creates, exactly (the umask is not applied).
    ///     Default `0600`. An existing file keeps its mode.
    /// - Throws: ``InterprocessError/Code/notFound`` when the file (with `createIfMissing: false`)
    ///   or its directory does not exist, `permissionDenied` when the file cannot be opened for
    ///   reading and writing, `resourceLimit` when the process is out of descriptors.
    public init(
        path: FilePath, createIfMissing: Bool = true, permissions: FilePermissions = .ownerReadWrite
    ) throws(InterprocessError) {
        let operation = "open lock file"
        let label = path.string
        while true {
            if createIfMissing {
                // O_EXCL first, so that we know whether we created it (and may set its mode).
                switch retryingInterrupts({ open(label, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, mode_t(permissions.rawValue)) }) {
                case .success(let descriptor):
                    if fchmod(descriptor, mode_t(permissions.rawValue)) != 0 {
                        let error = currentErrno
                        close(descriptor)
                        unlink(label)
                        throw .system(error, operation: operation, name: label)
                    }
                    self.descriptor = descriptor
                    self.path = path
                    return
                case .failure(let errno) where errno == .fileExists:
                    break
                case .failure(let errno):
                    throw .system(errno, operation: operation, name: label,
                                  reason: errno == .noSuchFileOrDirectory ? "its directory does not exist" : nil)
                }
            }
            switch retryingInterrupts({ open(label, O_RDWR | O_CLOEXEC) }) {
            case .success(let descriptor):
                self.descriptor = descriptor
                self.path = path
                return
            case .failure(let errno) where errno == .noSuchFileOrDirectory && createIfMissing:
                continue  // removed between our two opens: create it after all
            case .failure(let errno):
                throw .system(errno, operation: operation, name: label)
            }
        }
    }

    deinit {
        OFDLock.unlockAndClose(descriptor)
    }
}
#endif
