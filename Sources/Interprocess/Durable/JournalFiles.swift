#if os(Linux)
internal import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The names of a journal's files and the directory operations on them: one place that knows
/// that cycle `n` lives in `<directory>/<n, 20 digits>.cycle` and that files being made carry a
/// `.tmp-PID` suffix until a rename or link publishes them whole.
@usableFromInline
enum JournalFiles {
    static let cycleSuffix = ".cycle"

    /// The path of cycle `number`.
    static func cyclePath(_ directory: String, _ number: UInt64) -> String {
        let digits = String(number)
        return directory + "/" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + cycleSuffix
    }

    /// The path of the control file.
    static func controlPath(_ directory: String) -> String { directory + "/" + JournalLayout.controlFileName }

    /// A name for a file being made by this process, published later by rename or link.
    static func temporaryPath(_ final: String) -> String { final + ".tmp-\(getpid())" }

    /// The names in `directory` (without `.` and `..`); `notFound` if it does not exist.
    static func entries(_ directory: String, operation: String) throws(InterprocessError) -> [String] {
        guard let handle = opendir(directory) else {
            throw InterprocessError.system(currentErrno, operation: operation, name: directory)
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = DirectoryEntry.name(of: entry)
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The cycle numbers present, in ascending order. Names that are not exactly 20 digits and
    /// the suffix (temporary files, foreign files) are ignored.
    static func cycleNumbers(_ directory: String, operation: String) throws(InterprocessError) -> [UInt64] {
        try entries(directory, operation: operation).compactMap { name -> UInt64? in
            guard name.hasSuffix(cycleSuffix), name.utf8.count == 20 + cycleSuffix.utf8.count else { return nil }
            return UInt64(name.dropLast(cycleSuffix.count))
        }.sorted()
    }

    /// Removes the temporary files a dead writer or creator left (any `.tmp-` file: only one
    /// writer lives at a time, and it calls this before it makes one of its own).
    static func removeLeftovers(_ directory: String) {
        guard let names = try? entries(directory, operation: "list journal") else { return }
        for name in names where name.contains(".tmp-") { unlink(directory + "/" + name) }
    }

    /// The current time in nanoseconds since the Unix epoch (a vDSO call, no system call).
    @usableFromInline
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UInt64(truncatingIfNeeded: time.tv_sec) &* 1_000_000_000 &+ UInt64(truncatingIfNeeded: time.tv_nsec)
    }
}
#endif
