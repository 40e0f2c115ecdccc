#if os(Linux)
/// Which processes have a file mapped, read from `/proc/PID/maps`. This is how `ls`, `inspect`
/// and `gc` see every process attached to a segment, including ones that never registered
/// anywhere (foreign programs, a process that crashed before registering).
enum ProcessMappings {
    /// Who maps what, and whether every process could be looked at.
    struct Table {
        /// For every mapped file, by inode, the pids that map it. By inode, not by path: a
        /// mapping names the file by the path it was opened under, and a segment built under a
        /// hidden name and then published shows that (deleted) hidden name.
        var mappers: [UInt64: Set<Int32>] = [:]
        /// True when some process's maps could not be read (another user's, without root):
        /// a file may be mapped by a process this table does not show.
        var isIncomplete = false
    }

    /// For every mapped file under `directory` (one file system: inode numbers are unique in
    /// it), the pids that map it.
    static func mappers(under directory: String) -> Table {
        var table = Table()
        let prefix = Array((directory + "/").utf8)
        for pid in ProcFiles.processIDs() {
            var bytes: [UInt8]
            switch ProcFiles.read("/proc/\(pid)/maps", limit: 64 << 20) {
            case .success(let read): bytes = read
            case .failure(let errno):
                // A process that exited meanwhile is no loss; one we may not look at is.
                if errno != .noSuchFileOrDirectory && errno != .noSuchProcess { table.isIncomplete = true }
                continue
            }
            if bytes.isEmpty {
                // A process whose main thread has exited (`pthread_exit`, as `dispatch_main`
                // does) while others run shows an empty `/proc/PID/maps`; its threads still
                // show the mappings they share.
                let others = ProcFiles.threadIDs(of: pid).filter { $0 != pid }
                for thread in others {
                    if case .success(let read) = ProcFiles.read("/proc/\(pid)/task/\(thread)/maps", limit: 64 << 20), !read.isEmpty {
                        bytes = read
                        break
                    }
                }
                // Threads that map nothing readable: this process may map a file unseen.
                if bytes.isEmpty && !others.isEmpty { table.isIncomplete = true }
            }
            for line in bytes.split(separator: UInt8(ascii: "\n")) {
                // "start-end perms offset dev inode            path"
                guard let slash = line.firstIndex(of: UInt8(ascii: "/")) else { continue }
                guard line[slash...].starts(with: prefix) else { continue }
                let fields = line[..<slash].split(separator: UInt8(ascii: " "), maxSplits: 5)
                guard fields.count >= 5, let inode = UInt64(String(decoding: fields[4], as: UTF8.self)) else { continue }
                table.mappers[inode, default: []].insert(pid)
            }
        }
        return table
    }
}
#endif
