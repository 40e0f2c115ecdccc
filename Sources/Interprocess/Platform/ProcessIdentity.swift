internal import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A process named so that it cannot be confused with a later process that reuses its pid:
/// the pid together with the time the process started (in clock ticks since boot, field 22 of
/// `/proc/PID/stat`).
///
/// Everything in the library that reclaims a resource from a dead process asks ``liveness``.
public struct ProcessIdentity: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The process id.
    public var pid: Int32
    /// When the process started, in clock ticks since boot; 0 when it could not be read.
    public var startTime: UInt64

    /// Creates an identity from its parts, for instance as read from a segment header.
    public init(pid: Int32, startTime: UInt64) {
        self.pid = pid
        self.startTime = startTime
    }

    /// The identity of the calling process. Read afresh on each call, so it is right after `fork`.
    public static var current: ProcessIdentity {
        let pid = getpid()
        return ProcessIdentity(pid: pid, startTime: ProcessIdentity.readStartTime(of: pid).startTime ?? 0)
    }

    /// The identity of a running process, or nil if no process has that pid.
    public init?(runningProcess pid: Int32) {
        guard let startTime = ProcessIdentity.readStartTime(of: pid).startTime else { return nil }
        self.init(pid: pid, startTime: startTime)
    }

    /// Whether a process is alive, as far as this process can tell.
    public enum Liveness: String, Sendable, Hashable, Codable {
        /// The process exists and started at the recorded time.
        case alive
        /// No process with this pid and start time exists (it exited, or the pid was reused).
        /// A zombie (exited, not yet reaped) counts as dead.
        case dead
        /// This process cannot tell: `/proc` is not mounted or hides other processes (`hidepid`),
        /// or the recorded start time is unknown (0). Treat as alive: never take a resource from
        /// a process that may still hold it.
        ///
        /// Processes in another PID namespace (another container sharing `/dev/shm`) cannot be
        /// told apart from dead ones; don't share segments across PID namespaces with `gc` running.
        case unknown
    }

    /// Whether this process is still running: same pid, same start time, not a zombie.
    public var liveness: Liveness {
        guard pid > 0 else { return .dead }
        let reading = ProcessIdentity.readStartTime(of: pid)
        if let startTime = reading.startTime {
            if reading.isZombie { return .dead }
            if self.startTime == 0 { return .unknown }
            return startTime == self.startTime ? .alive : .dead
        }
        if reading.unreadable || !ProcessIdentity.processTableIsVisible { return .unknown }
        return .dead
    }

    /// Whether `/proc` shows processes (this one at least, and not only this one's own pid
    /// namespace view hidden by `hidepid=2`, which hides other users' processes entirely).
    private static var processTableIsVisible: Bool {
        var info = stat()
        guard stat("/proc/self/stat", &info) == 0 else { return false }
        // With hidepid=2 (or "invisible"), other users' /proc/PID entries vanish; /proc/1 (init,
        // root's) is then missing for non-root users. Root always sees everything.
        return geteuid() == 0 || stat("/proc/1/stat", &info) == 0
    }

    /// Shorthand for `liveness != .dead`: true unless the process is known to be gone.
    public var isAlive: Bool { liveness != .dead }

    /// "pid 1234 (started at tick 5678)".
    public var description: String { "pid \(pid) (started at tick \(startTime))" }

    private struct StatReading {
        var startTime: UInt64?
        var isZombie = false
        var unreadable = false
    }

    private static func readStartTime(of pid: Int32) -> StatReading {
        switch ProcFiles.read("/proc/\(pid)/stat", limit: 4096) {
        case .failure(let errno):
            return StatReading(unreadable: errno == .permissionDenied || errno == .notPermitted)
        case .success(let bytes):
            // "pid (comm) S ppid …": comm may hold spaces and parentheses, so split after the last ')'.
            guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return StatReading() }
            let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
            // fields[0] is field 3 (state); starttime is field 22.
            guard fields.count > 19,
                  let state = fields[0].first,
                  let startTime = UInt64(String(decoding: fields[19], as: UTF8.self))
            else { return StatReading() }
            let exited = state == UInt8(ascii: "Z") || state == UInt8(ascii: "X")
            return StatReading(startTime: startTime, isZombie: exited)
        }
    }
}
