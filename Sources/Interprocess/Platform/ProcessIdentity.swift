#if os(Linux)
internal import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A process named so that it cannot be confused with a later process that reuses its pid, nor
/// with a process of another pid namespace (another container) that has the same pid: the pid,
/// the time the process started (in clock ticks since boot, field 22 of `/proc/PID/stat`), and
/// its pid namespace (the inode number of `/proc/PID/ns/pid`).
///
/// Everything in the library that reclaims a resource from a dead process asks ``liveness`` (or
/// the same rule on a packed word, for identities kept in one atomic word): segment creators,
/// lock owners, reader slots, queue endpoints and slot claimants.
public struct ProcessIdentity: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The process id, as the process's own pid namespace numbers it.
    public var pid: Int32
    /// When the process started, in clock ticks since boot; 0 when it could not be read.
    public var startTime: UInt64
    /// The inode number of the process's pid namespace (`/proc/PID/ns/pid`); 0 when it was not
    /// recorded (then the process is never judged ``Liveness/dead``, only alive or unknown).
    public var pidNamespace: UInt32

    /// Creates an identity of a process in the calling process's pid namespace, for instance
    /// from a pid and start time a process of this namespace recorded.
    public init(pid: Int32, startTime: UInt64) {
        self.init(pid: pid, startTime: startTime, pidNamespace: PIDNamespace.current.inode)
    }

    /// Creates an identity from all its parts, for instance as read from a segment header.
    public init(pid: Int32, startTime: UInt64, pidNamespace: UInt32) {
        self.pid = pid
        self.startTime = startTime
        self.pidNamespace = pidNamespace
    }

    /// The identity of the calling process. Read afresh on each call, so it is right after `fork`.
    public static var current: ProcessIdentity {
        // /proc/self, not /proc/PID: a /proc mounted for an ancestor namespace numbers us differently.
        let startTime = ProcessIdentity.startTime(at: "/proc/self/stat") ?? 0
        return ProcessIdentity(pid: getpid(), startTime: startTime, pidNamespace: PIDNamespace.read().inode)
    }

    /// The identity of a running process of this pid namespace, or nil if no process has that
    /// pid (or `/proc` cannot show it).
    public init?(runningProcess pid: Int32) {
        let namespace = PIDNamespace.current
        guard pid > 0, namespace.procShowsIt, let startTime = ProcessIdentity.startTime(at: "/proc/\(pid)/stat") else {
            return nil
        }
        self.init(pid: pid, startTime: startTime, pidNamespace: namespace.inode)
    }

    /// Whether a process is alive, as far as this process can tell.
    public enum Liveness: String, Sendable, Hashable, Codable {
        /// The process exists and started at the recorded time.
        case alive
        /// Certainly gone: the recorded namespace is this process's, and no process has the pid
        /// in it, or the process with that pid started at another time (the pid was reused), or
        /// it is a zombie (exited, not yet reaped).
        case dead
        /// This process cannot tell: the process was recorded in another pid namespace (another
        /// container sharing `/dev/shm`), or its namespace was not recorded, or `/proc` is not
        /// mounted for this namespace or hides the process (`hidepid`), or the pid exists but
        /// the recorded start time is unknown (0). Treat as alive: never take a resource from a
        /// process that may still hold it.
        case unknown
    }

    /// Whether this process is still running; the rule is under ``Liveness``.
    public var liveness: Liveness {
        let here = PIDNamespace.current
        return ProcessIdentity.judge(pid: pid, recordedStart: startTime, startMask: .max,
                                     sameNamespace: pidNamespace != 0 && pidNamespace == here.inode, here: here)
    }

    /// Shorthand for `liveness != .dead`: true unless the process is known to be gone.
    public var isAlive: Bool { liveness != .dead }

    /// "pid 1234 (started at tick 5678)", with the namespace when it is not the caller's.
    public var description: String {
        let namespace = pidNamespace == PIDNamespace.current.inode ? "" : " in pid namespace \(pidNamespace)"
        return "pid \(pid) (started at tick \(startTime))\(namespace)"
    }

    /// The one liveness rule, for full identities and for packed ones.
    ///
    /// - Parameters:
    ///   - recordedStart: the recorded start time, or its low bits (`startMask`); 0: not recorded.
    ///   - sameNamespace: whether the process was recorded in this process's namespace
    ///     (`here.inode`, nonzero); packed words compare a fragment of it.
    static func judge(pid: Int32, recordedStart: UInt64, startMask: UInt64, sameNamespace: Bool,
                      here: PIDNamespace.View) -> Liveness {
        guard pid > 0 else { return .dead }  // no process in any namespace has it
        guard sameNamespace, here.inode != 0 else { return .unknown }
        // kill(0) asks the kernel about the pid in our namespace, whatever /proc shows.
        if noSuchProcess(pid) { return .dead }
        guard here.procShowsIt else { return .unknown }
        let stat: ProcStat
        switch ProcStat.read("/proc/\(pid)/stat") {
        case .found(let found): stat = found
        // Gone since kill(0) (dead), or hidden from us (unknown).
        case .absent: return noSuchProcess(pid) ? .dead : .unknown
        case .unreadable: return .unknown
        }
        // A zombie holds the pid: the recorded process is that zombie or died before it. A `Z`
        // with threads left is a process whose main thread exited (`pthread_exit`, as
        // `dispatch_main` does under an async main) while the others run: alive.
        if stat.stateIsExited && stat.threads <= 1 { return .dead }
        if recordedStart == 0 { return .unknown }
        return stat.startTime & startMask == recordedStart ? .alive : .dead
    }

    /// The start time in the stat file at `path`, or nil if it cannot be read.
    private static func startTime(at path: String) -> UInt64? {
        if case .found(let stat) = ProcStat.read(path) { return stat.startTime }
        return nil
    }

    private static func noSuchProcess(_ pid: Int32) -> Bool {
        kill(pid, 0) == -1 && errno == ESRCH
    }
}

extension ProcessIdentity {
    private enum CodingKeys: String, CodingKey { case pid, startTime, pidNamespace }

    /// Decodes an identity; one encoded without `pidNamespace` has none recorded (0).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(pid: try container.decode(Int32.self, forKey: .pid),
                  startTime: try container.decode(UInt64.self, forKey: .startTime),
                  pidNamespace: try container.decodeIfPresent(UInt32.self, forKey: .pidNamespace) ?? 0)
    }
}
#endif
