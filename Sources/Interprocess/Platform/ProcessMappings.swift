/// Which processes have a file mapped, read from `/proc/PID/maps`. This is how `ls`, `inspect`
/// and `gc` see every process attached to a segment, including ones that never registered
/// anywhere (foreign programs, a process that crashed before registering).
enum ProcessMappings {
    /// For every mapped file under `directory`, the pids that map it. Processes whose maps this
    /// process may not read are skipped.
    static func mappers(under directory: String) -> [String: Set<Int32>] {
        var result: [String: Set<Int32>] = [:]
        let prefix = Array((directory + "/").utf8)
        let deletedSuffix = Array(" (deleted)".utf8)
        for pid in ProcFiles.processIDs() {
            guard case .success(let bytes) = ProcFiles.read("/proc/\(pid)/maps", limit: 64 << 20) else { continue }
            for line in bytes.split(separator: UInt8(ascii: "\n")) {
                // "start-end perms offset dev inode            path"
                guard let slash = line.firstIndex(of: UInt8(ascii: "/")) else { continue }
                var path = Array(line[slash...])
                guard path.starts(with: prefix) else { continue }
                if path.count > deletedSuffix.count, Array(path.suffix(deletedSuffix.count)) == deletedSuffix {
                    path.removeLast(deletedSuffix.count)
                }
                result[String(decoding: path, as: UTF8.self), default: []].insert(pid)
            }
        }
        return result
    }
}
