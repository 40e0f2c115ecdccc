#if os(Linux)
internal import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Small reads from procfs and similar pseudo-files, without Foundation.
enum ProcFiles {
    /// Reads a whole small file (procfs files report size 0, so this reads until end of file).
    static func read(_ path: String, limit: Int = 1 << 20) -> Result<[UInt8], Errno> {
        let descriptor: Int32
        switch retryingInterrupts({ open(path, O_RDONLY | O_CLOEXEC) }) {
        case .success(let fd): descriptor = fd
        case .failure(let errno): return .failure(errno)
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < limit {
            let result = chunk.withUnsafeMutableBytes { buffer in
                retryingInterrupts { Glibc.read(descriptor, buffer.baseAddress, buffer.count) }
            }
            switch result {
            case .success(0): return .success(bytes)
            case .success(let count): bytes.append(contentsOf: chunk[0..<count])
            case .failure(let errno): return .failure(errno)
            }
        }
        return .success(bytes)
    }

    /// The numeric entries of `/proc` (one per process).
    static func processIDs() -> [Int32] {
        numericEntries(of: "/proc")
    }

    /// The threads of a process: the numeric entries of `/proc/PID/task`.
    static func threadIDs(of pid: Int32) -> [Int32] {
        numericEntries(of: "/proc/\(pid)/task")
    }

    private static func numericEntries(of path: String) -> [Int32] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var pids: [Int32] = []
        while let entry = readdir(directory) {
            let name = DirectoryEntry.name(of: entry)
            if let pid = Int32(name) { pids.append(pid) }
        }
        return pids
    }
}
#endif
