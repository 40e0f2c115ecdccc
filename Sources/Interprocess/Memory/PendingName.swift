#if os(Linux)
/// The hidden name a segment is built under before it is published under its real name.
///
/// `.ipc-new.<pid>.<startTime>.<pidNamespace>.<unique>.<name>` (cut to the file-name limit): it starts with `.`,
/// which no ``SegmentName`` may, so it can never collide with or be opened as a segment; it
/// records its creator (the whole ``ProcessIdentity``, so that one in another pid namespace is
/// never judged dead), so that `gc` can tell the leftover of a creator that died from a
/// segment being built right now; and it ends with the name being created, so that
/// `gc --prefix` finds the leftovers that belong to a prefix.
struct PendingName: Equatable, Sendable {
    /// What every pending name starts with.
    static let marker = ".ipc-new."

    /// The process building the segment.
    var creator: ProcessIdentity
    /// The file name in the shared-memory directory.
    var fileName: String
    /// The start of the name being created (all of it unless the file name had to be cut).
    var target: String

    /// A fresh pending name for creating `name` in this process.
    init(creating name: SegmentName) {
        creator = .current
        let unique = String(UInt64.random(in: 0 ... .max), radix: 36)
        let head = "\(PendingName.marker)\(creator.pid).\(creator.startTime).\(creator.pidNamespace).\(unique)."
        let kept = name.rawValue.utf8.prefix(max(0, SegmentName.maximumLength - head.utf8.count))
        target = String(decoding: kept, as: UTF8.self)
        fileName = head + target
    }

    /// Parses a file name of the shared-memory directory; nil unless it is a pending name.
    init?(fileName: String) {
        guard fileName.hasPrefix(PendingName.marker) else { return nil }
        let parts = fileName.dropFirst(PendingName.marker.count).split(separator: ".", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, let pid = Int32(parts[0]), let startTime = UInt64(parts[1]),
              let pidNamespace = UInt32(parts[2]), !parts[3].isEmpty else { return nil }
        creator = ProcessIdentity(pid: pid, startTime: startTime, pidNamespace: pidNamespace)
        self.fileName = fileName
        target = String(parts[4])
    }

    /// The argument `shm_open` and `shm_unlink` take.
    var systemName: String { "/" + fileName }

    /// The file's path.
    var path: String { SharedMemoryDirectory.path + "/" + fileName }
}
#endif
