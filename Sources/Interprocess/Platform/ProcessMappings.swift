/// Which processes have a file mapped, read from `/proc/PID/maps`. This is how `ls`, `inspect`
/// and `gc` see every process attached to a segment, including ones that never registered
/// anywhere (foreign programs, a process that crashed before registering).
enum ProcessMappings {
    /// Who maps what, and whether every process could be looked at.
    struct Table {
        /// For every mapped file, the pids that map it.
        var mappers: [String: Set<Int32>] = [:]
        /// True when some process's maps could not be read (another user's, without root):
        /// a file may be mapped by a process this table does not show.
        var isIncomplete = false
    }

    /// For every mapped file under `directory`, the pids that map it.
    static func mappers(under directory: String) -> Table {
        var table = Table()
        let prefix = Array((directory + "/").utf8)
        let deletedSuffix = Array(" (deleted)".utf8)
        for pid in ProcFiles.processIDs() {
            let bytes: [UInt8]
            switch ProcFiles.read("/proc/\(pid)/maps", limit: 64 << 20) {
            case .success(let read): bytes = read
            case .failure(let errno):
                // A process that exited meanwhile is no loss; one we may not look at is.
                if errno != .noSuchFileOrDirectory && errno != .noSuchProcess { table.isIncomplete = true }
                continue
            }
            for line in bytes.split(separator: UInt8(ascii: "\n")) {
                // "start-end perms offset dev inode            path"
                guard let slash = line.firstIndex(of: UInt8(ascii: "/")) else { continue }
                var path = Array(line[slash...])
                guard path.starts(with: prefix) else { continue }
                if path.count > deletedSuffix.count, Array(path.suffix(deletedSuffix.count)) == deletedSuffix {
                    path.removeLast(deletedSuffix.count)
                }
                table.mappers[String(decoding: path, as: UTF8.self), default: []].insert(pid)
            }
        }
        return table
    }
}
