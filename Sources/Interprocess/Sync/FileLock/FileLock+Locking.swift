#if os(Linux)
internal import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension FileLock {
    /// Takes the lock in `mode`, waiting as long as it takes. Blocks the calling thread.
    ///
    /// Taking a lock this handle already holds converts it (shared to exclusive waits for the
    /// other shared holders; exclusive to shared never waits). A signal does not end the wait.
    ///
    /// - Parameters:
    ///   - mode: shared or exclusive.
    ///   - bytes: the byte range to lock; nil (the default) locks the whole file, however
    ///     long it grows. Ranges of different handles that don't overlap don't conflict.
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for an empty or negative range,
    ///   `resourceLimit` when the kernel is out of lock records.
    @available(*, noasync, message: "blocks the thread until another process unlocks; in async code, run it on a thread of its own or use tryLock")
    public func lock(_ mode: Mode, bytes: Range<Int64>? = nil) throws(InterprocessError) {
        let (start, length) = try FileLock.span(bytes, operation: "lock file", name: path.string)
        try checkedCall("lock file", name: path.string) {
            OFDLock.set(descriptor, type: mode.lockType, start: start, length: length, wait: true)
        }
    }

    /// Takes the lock in `mode` if no other handle holds a conflicting one; never waits.
    ///
    /// - Returns: true if this handle now holds the lock, false if another holds a conflicting one.
    /// - Throws: as ``lock(_:bytes:)``.
    public func tryLock(_ mode: Mode, bytes: Range<Int64>? = nil) throws(InterprocessError) -> Bool {
        let (start, length) = try FileLock.span(bytes, operation: "lock file", name: path.string)
        return try attempt(mode, start: start, length: length)
    }

    /// Takes the lock in `mode`, waiting until `deadline` at the latest. Blocks the calling thread.
    ///
    /// The kernel has no timed form of an OFD lock, so this polls ``tryLock(_:bytes:)`` with a
    /// backoff from 0.5 ms up to 20 ms (never past the deadline): a lock released while we
    /// sleep is noticed within one backoff step, and waiters are not served in order.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` if the deadline passed first (no lock was
    ///   taken); otherwise as ``lock(_:bytes:)``.
    @available(*, noasync, message: "blocks the thread until another process unlocks; in async code, run it on a thread of its own or use tryLock")
    public func lock(_ mode: Mode, bytes: Range<Int64>? = nil, until deadline: Deadline) throws(InterprocessError) {
        let (start, length) = try FileLock.span(bytes, operation: "lock file", name: path.string)
        var backoff: UInt64 = 500_000
        while true {
            if try attempt(mode, start: start, length: length) { return }
            let now = Deadline.now
            if now >= deadline {
                throw InterprocessError(.timedOut, operation: "lock file", name: path.string,
                                        reason: "another handle held a conflicting lock until the deadline passed")
            }
            let wake = min(deadline.nanoseconds, now.nanoseconds &+ backoff)
            var time = Deadline(nanoseconds: wake).timespecValue
            while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &time, nil) == EINTR {}
            backoff = min(backoff * 2, 20_000_000)
        }
    }

    /// Takes the lock in `mode`, waiting at most `timeout`; see ``lock(_:bytes:until:)``.
    @available(*, noasync, message: "blocks the thread until another process unlocks; in async code, run it on a thread of its own or use tryLock")
    public func lock(_ mode: Mode, bytes: Range<Int64>? = nil, timeout: Duration) throws(InterprocessError) {
        try lock(mode, bytes: bytes, until: .after(timeout))
    }

    /// Releases what this handle holds on `bytes` (nil: the whole file). Releasing a lock that
    /// is not held does nothing. Never waits.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for an empty or negative range.
    public func unlock(bytes: Range<Int64>? = nil) throws(InterprocessError) {
        let (start, length) = try FileLock.span(bytes, operation: "unlock file", name: path.string)
        try checkedCall("unlock file", name: path.string) {
            OFDLock.set(descriptor, type: F_UNLCK, start: start, length: length, wait: false)
        }
    }

    /// Runs `body` holding the lock in `mode`, and releases it however `body` ends.
    /// Blocks the calling thread while it waits for the lock.
    ///
    /// - Throws: what ``lock(_:bytes:)`` throws, and whatever `body` throws.
    @available(*, noasync, message: "blocks the thread until another process unlocks; in async code, run it on a thread of its own or use tryLock")
    public func withLock<Result: ~Copyable>(
        _ mode: Mode, bytes: Range<Int64>? = nil, _ body: () throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        try lock(mode, bytes: bytes)
        defer { try? unlock(bytes: bytes) }
        return try body()
    }

    /// The mode of a lock that another open file description (in this process or another) holds
    /// and that conflicts with taking `mode` on `bytes`, or nil if `mode` could be taken now.
    /// Only a snapshot: the answer may be stale by the time it returns.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for an empty or negative range.
    public func conflictingLock(for mode: Mode, bytes: Range<Int64>? = nil) throws(InterprocessError) -> Mode? {
        let (start, length) = try FileLock.span(bytes, operation: "query file lock", name: path.string)
        var type = mode.lockType
        try checkedCall("query file lock", name: path.string) { OFDLock.query(descriptor, type: &type, start: start, length: length) }
        switch type {
        case F_RDLCK: return .shared
        case F_WRLCK: return .exclusive
        default: return nil
        }
    }

    /// One non-blocking F_OFD_SETLK: true if granted, false if a conflicting lock is held.
    private func attempt(_ mode: Mode, start: Int64, length: Int64) throws(InterprocessError) -> Bool {
        switch retryingInterrupts({ OFDLock.set(descriptor, type: mode.lockType, start: start, length: length, wait: false) }) {
        case .success: return true
        case .failure(let errno) where errno == .resourceTemporarilyUnavailable || errno == .permissionDenied:
            // EAGAIN or EACCES: held by someone else (POSIX allows either).
            return false
        case .failure(let errno):
            throw .system(errno, operation: "lock file", name: path.string)
        }
    }

    /// A range as fcntl's (start, length); the whole file is (0, 0).
    private static func span(_ bytes: Range<Int64>?, operation: String, name: String) throws(InterprocessError) -> (Int64, Int64) {
        guard let bytes else { return (0, 0) }
        guard bytes.lowerBound >= 0, !bytes.isEmpty else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the byte range must be non-empty and start at 0 or later (got \(bytes))")
        }
        return (bytes.lowerBound, bytes.upperBound - bytes.lowerBound)
    }
}

extension FileLock.Mode {
    /// F_RDLCK or F_WRLCK.
    var lockType: Int32 { self == .shared ? Int32(F_RDLCK) : Int32(F_WRLCK) }
}
#endif
