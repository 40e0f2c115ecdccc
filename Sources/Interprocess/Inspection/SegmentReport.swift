#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What is known about one file in the shared-memory directory (`/dev/shm`): its file facts,
/// and for segments of this library, their header and whether it is valid, who created it and
/// whether that process lives, and which processes have it mapped.
///
/// Making a report never maps the segment and never fails on bad content: a foreign, truncated
/// or corrupt segment is described, not thrown. This is what `interprocess ls`, `inspect` and
/// `gc` print.
public struct SegmentReport: Sendable, Codable {
    /// The outcome of validating a segment's header.
    public enum Verdict: String, Sendable, Codable {
        /// A valid segment of this library, ready for use.
        case valid
        /// A valid header whose creator is still initializing the body.
        case initializing
        /// Its creator died while initializing it: it will never become ready.
        case creatorDied
        /// Not created by this library (or not yet written: an empty file, a zero magic number).
        case foreign
        /// Shorter than its header says.
        case truncated
        /// A header that fails its checks.
        case corrupt
        /// A header layout version this library does not read.
        case incompatibleVersion
        /// This process may not open the file (another user's, mode 0600): only what `lstat`
        /// shows is reported.
        case unreadable
    }

    /// The file name (the segment's name).
    public var name: String
    /// The file's size in bytes.
    public var fileSize: Int
    /// The owning user's id.
    public var ownerUID: UInt32
    /// The owning group's id.
    public var ownerGID: UInt32
    /// The permission bits (for example 0o600).
    public var mode: UInt32
    /// The validation verdict.
    public var verdict: Verdict
    /// Why the segment is not ``Verdict/valid``, as a sentence; nil when valid.
    public var problem: String?
    /// The decoded header, when the file starts with this library's magic number and holds a
    /// whole header (its fields may still be invalid; see ``verdict``).
    public var header: SegmentHeader?
    /// Whether the creator recorded in the header is alive; nil without a header.
    public var creatorLiveness: ProcessIdentity.Liveness?
    /// The processes that have the segment mapped now, by pid.
    public var attachedPIDs: [Int32]
    /// True when some processes' mappings could not be read (other users', without root), so
    /// the segment may be mapped by a process ``attachedPIDs`` does not show.
    public var attachmentsMayBeIncomplete: Bool
    /// The file's device and inode: who it is, as opposed to what it is called.
    public var fileIdentity: FileIdentity

    /// A file's device and inode number, which stay the same across renames and differ for a
    /// file removed and created again under the same name.
    public struct FileIdentity: Sendable, Hashable, Codable {
        /// The device number.
        public var device: UInt64
        /// The inode number.
        public var inode: UInt64
    }

    /// True for segments of this library (whatever their state), false for foreign files.
    public var isOurs: Bool { verdict != .foreign }

    /// Seconds since the segment was created, from its header; nil without a header.
    public var ageSeconds: Double? {
        guard let header else { return nil }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let nowNanoseconds = Double(now.tv_sec) * 1e9 + Double(now.tv_nsec)
        return max(0, (nowNanoseconds - Double(header.createdAt)) / 1e9)
    }

    /// True when nothing can still be using the segment: it is ours, its creator is known to be
    /// dead, and no process has it mapped. A header that fails its checksum is never abandoned:
    /// its creator fields cannot be trusted. This is what `interprocess gc` removes (if, when it
    /// comes to it, no handle holds the segment's lock).
    public var isAbandoned: Bool {
        guard header != nil, verdict != .corrupt, verdict != .incompatibleVersion, verdict != .unreadable else { return false }
        // A segment others may open could be mapped by a process whose maps we cannot read.
        if attachmentsMayBeIncomplete && mode & 0o066 != 0 { return false }
        return creatorLiveness == .dead && attachedPIDs.isEmpty
    }

    /// Reports on one named segment.
    ///
    /// - Throws: ``InterprocessError`` only when the file cannot be read at all (`notFound`,
    ///   `permissionDenied`, `invalidName`); bad content is reported, not thrown.
    public static func inspect(_ name: String) throws(InterprocessError) -> SegmentReport {
        let segmentName = try SegmentName(name)
        return try report(for: segmentName.rawValue, mappers: ProcessMappings.mappers(under: SharedMemoryDirectory.path))
    }

    /// Reports on every file in the shared-memory directory, sorted by name. Files this process
    /// may not open are reported as ``Verdict/unreadable``; files that vanish while listing are
    /// left out.
    public static func all() -> [SegmentReport] {
        let mappers = ProcessMappings.mappers(under: SharedMemoryDirectory.path)
        return SharedMemoryDirectory.entries().compactMap { name in
            do throws(InterprocessError) {
                return try report(for: name, mappers: mappers)
            } catch {
                return unreadableReport(for: name, error: error, mappers: mappers)
            }
        }
    }

    /// Removes every segment whose name starts with `prefix` and for which ``isAbandoned`` holds
    /// (with `dryRun`, removes nothing) and returns their reports. See
    /// ``collectGarbage(prefix:olderThan:dryRun:)``, which also says what it kept and why.
    public static func removeAbandoned(prefix: String = "", dryRun: Bool) -> [SegmentReport] {
        collectGarbage(prefix: prefix, dryRun: dryRun).filter { $0.action != .kept }.map(\.report)
    }

    private static func unreadableReport(
        for fileName: String, error: InterprocessError, mappers: ProcessMappings.Table
    ) -> SegmentReport? {
        let path = SharedMemoryDirectory.path + "/" + fileName
        var info = stat()
        guard error.code != .notFound, lstat(path, &info) == 0 else { return nil }
        return SegmentReport(
            name: fileName, fileSize: Int(info.st_size), ownerUID: info.st_uid, ownerGID: info.st_gid,
            mode: info.st_mode & 0o7777, verdict: .unreadable, problem: error.reason, header: nil,
            creatorLiveness: nil, attachedPIDs: (mappers.mappers[UInt64(info.st_ino)] ?? []).sorted(),
            attachmentsMayBeIncomplete: mappers.isIncomplete,
            fileIdentity: FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
    }

    static func report(for fileName: String, mappers: ProcessMappings.Table) throws(InterprocessError) -> SegmentReport {
        let path = SharedMemoryDirectory.path + "/" + fileName
        let operation = "inspect segment"
        let descriptor = try checkedValue(operation, name: fileName) { open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK) }
        defer { close(descriptor) }
        var info = stat()
        try checkedCall(operation, name: fileName) { fstat(descriptor, &info) }
        var report = SegmentReport(
            name: fileName, fileSize: Int(info.st_size), ownerUID: info.st_uid, ownerGID: info.st_gid,
            mode: info.st_mode & 0o7777, verdict: .valid, problem: nil, header: nil, creatorLiveness: nil,
            attachedPIDs: (mappers.mappers[UInt64(info.st_ino)] ?? []).sorted(), attachmentsMayBeIncomplete: mappers.isIncomplete,
            fileIdentity: FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
        guard info.st_mode & S_IFMT == S_IFREG else {
            report.verdict = .foreign
            report.problem = "it is not a regular file"
            return report
        }
        let (fileSize, outcome) = try SegmentValidation.read(descriptor: descriptor, name: fileName, operation: operation)
        report.fileSize = fileSize
        switch outcome {
        case .valid(let header):
            report.header = header
            report.creatorLiveness = header.creator.liveness
            if header.state == SegmentHeader.State.initializing.rawValue {
                report.verdict = report.creatorLiveness == .dead ? .creatorDied : .initializing
                if report.verdict == .creatorDied {
                    report.problem = "its creator (pid \(header.creator.pid)) died before it finished initializing it"
                }
            }
        case .notYetWritten:
            report.verdict = .foreign
            report.problem = fileSize == 0 ? "it is empty" : "its magic number is zero: no header was written"
        case .invalid(let error, let header):
            report.header = header
            report.creatorLiveness = header?.creator.liveness
            report.problem = error.reason
            switch error.code {
            case .truncated: report.verdict = .truncated
            case .incompatibleVersion: report.verdict = .incompatibleVersion
            case .foreignSegment: report.verdict = .foreign
            default: report.verdict = .corrupt
            }
        }
        return report
    }
}
#endif
