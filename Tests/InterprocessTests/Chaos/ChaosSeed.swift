import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The seed of a randomized chaos test: `CHAOS_SEED` from the environment to replay a failure,
/// else a fresh random one. Every failure message of these tests starts with it.
/// `CHAOS_SCALE` (default 1) multiplies the rounds of kills and mutations, for long local runs.
enum ChaosSeed {
    /// `rounds` times `CHAOS_SCALE`.
    static func scaled(_ rounds: Int) -> Int {
        rounds * max(1, ProcessInfo.processInfo.environment["CHAOS_SCALE"].flatMap { Int($0) } ?? 1)
    }

    static func make() -> UInt64 {
        ProcessInfo.processInfo.environment["CHAOS_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64(UInt32.max))
    }

    /// Whether a wait status (from `waitpid`) says the process exited by itself with status 0.
    static func exitedCleanly(_ status: Int32?) -> Bool {
        guard let status else { return false }
        return status & 0x7f == 0 && (status >> 8) & 0xff == 0
    }

    /// Whether the process `pid` is stopped (SIGSTOP reached it); true once it is gone.
    static func isStopped(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(close, offsetBy: 2)...].first == "T"
    }
}
