#if os(Linux)
internal import SystemPackage

/// The fields this library reads from a `/proc/PID/stat` or `/proc/PID/task/TID/stat` file.
struct ProcStat {
    /// Field 3: the state letter (of the main thread, for a process).
    var state: UInt8
    /// Field 20: how many threads the process has.
    var threads: Int
    /// Field 22: when it started, in clock ticks since boot.
    var startTime: UInt64

    /// Whether the state is `Z` (zombie) or `X` (dead). For a process this is its main thread's
    /// state: one whose main thread exited while others run shows `Z` too (see ``threads``).
    var stateIsExited: Bool { state == UInt8(ascii: "Z") || state == UInt8(ascii: "X") }

    /// What reading a stat file found.
    enum Reading {
        /// The file was read and parsed.
        case found(ProcStat)
        /// No such file: the process or thread does not exist (or `/proc` hides it).
        case absent
        /// The file could not be read (permissions) or parsed.
        case unreadable
    }

    /// Reads and parses the stat file at `path`.
    static func read(_ path: String) -> Reading {
        switch ProcFiles.read(path, limit: 4096) {
        case .failure(let errno):
            return errno == .noSuchFileOrDirectory || errno == .noSuchProcess ? .absent : .unreadable
        case .success(let bytes):
            // "pid (comm) S ppid …": comm may hold spaces and parentheses, so split after the last ')'.
            guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return .unreadable }
            let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
            // fields[0] is field 3 (state), fields[17] field 20, fields[19] field 22.
            guard fields.count > 19,
                  let state = fields[0].first,
                  let threads = Int(String(decoding: fields[17], as: UTF8.self)),
                  let startTime = UInt64(String(decoding: fields[19], as: UTF8.self))
            else { return .unreadable }
            return .found(ProcStat(state: state, threads: threads, startTime: startTime))
        }
    }
}
#endif
