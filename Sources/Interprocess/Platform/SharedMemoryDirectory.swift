#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where named shared memory lives as files: `/dev/shm` on Linux. Listing, inspecting and
/// garbage collection read it directly; nothing else in the library depends on it.
enum SharedMemoryDirectory {
    /// The directory that holds named shared memory.
    static let path = "/dev/shm"

    /// The file that backs the named shared memory `name` (a name already checked by the caller).
    static func path(of name: String) -> String { path + "/" + name }

    /// The names of the regular files in the directory, sorted. Entries that are not valid
    /// segment names (glibc's semaphores `sem.*` are valid; anything with odd bytes is not) are
    /// still listed, as their raw file names.
    static func entries() -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            guard entry.pointee.d_type == UInt8(DT_REG) || entry.pointee.d_type == UInt8(DT_UNKNOWN) else { continue }
            let name = DirectoryEntry.name(of: entry)
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
#endif
