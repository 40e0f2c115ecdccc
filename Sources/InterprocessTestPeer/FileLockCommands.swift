import Interprocess
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `file-lock`, `file-trylock`: FileLock from a second process.
enum FileLockCommands {
    /// `file-lock PATH shared|exclusive [HOLD-MS|forever]`: takes the lock (waiting at most 30 s),
    /// prints "locked", holds it for HOLD-MS (default 0) or until killed, then prints "unlocked".
    /// Prints "timed-out" and exits 4 if the lock was not granted in time.
    static func lock(_ arguments: inout Arguments) throws {
        let path = try arguments.next("PATH")
        let mode = try parseMode(arguments.next("MODE"))
        let hold = try PeerHoldTime(arguments.nextIfPresent())
        try arguments.finish()
        let lock = try FileLock(path: FilePath(path), createIfMissing: false)
        guard try timingOut({ () throws(InterprocessError) in try lock.lock(mode, until: .after(.seconds(30))) }) != nil else {
            UnbufferedLine.line("timed-out")
            exit(4)
        }
        UnbufferedLine.line("locked")
        hold.wait()
        try lock.unlock()
        UnbufferedLine.line("unlocked")
    }

    /// `file-trylock PATH shared|exclusive`: prints "locked" or "busy", and releases at once.
    static func tryLock(_ arguments: inout Arguments) throws {
        let path = try arguments.next("PATH")
        let mode = try parseMode(arguments.next("MODE"))
        try arguments.finish()
        let lock = try FileLock(path: FilePath(path), createIfMissing: false)
        UnbufferedLine.line(try lock.tryLock(mode) ? "locked" : "busy")
    }

    static func parseMode(_ text: String) throws(UsageError) -> FileLock.Mode {
        switch text {
        case "shared": return .shared
        case "exclusive": return .exclusive
        default: throw UsageError("MODE must be shared or exclusive (got '\(text)')")
        }
    }
}

/// How long a peer holds what it took: a number of milliseconds, or until it is killed.
struct PeerHoldTime {
    var milliseconds: Int?

    init(_ text: String?) throws(UsageError) {
        guard let text else { milliseconds = 0; return }
        if text == "forever" { milliseconds = nil; return }
        guard let value = Int(text), value >= 0 else { throw UsageError("HOLD must be milliseconds or 'forever' (got '\(text)')") }
        milliseconds = value
    }

    /// Sleeps for the hold; "forever" sleeps until a signal ends the process (at most 10 minutes,
    /// so that a forgotten peer does not outlive its test run by much).
    func wait() {
        let total = milliseconds ?? 600_000
        var end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &end)
        end.tv_sec += total / 1000
        end.tv_nsec += (total % 1000) * 1_000_000
        if end.tv_nsec >= 1_000_000_000 { end.tv_sec += 1; end.tv_nsec -= 1_000_000_000 }
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &end, nil) == EINTR {}
    }
}

/// Unbuffered lines on standard output, so that a test reading the pipe sees each at once.
enum UnbufferedLine {
    static func line(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.append(UInt8(ascii: "\n"))
        _ = bytes.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }
}
