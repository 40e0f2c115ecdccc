#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What `gc` did, or would do, with one file of the shared-memory directory, and why.
public struct GarbageDecision: Sendable, Codable {
    /// What happened to the file.
    public enum Action: String, Sendable, Codable {
        /// Removed.
        case removed
        /// Would have been removed, but this was a dry run.
        case wouldRemove
        /// Left alone; ``GarbageDecision/reason`` says why.
        case kept
    }

    /// The file name.
    public var name: String
    /// What happened to it.
    public var action: Action
    /// Why, as a phrase: "creator pid 45 alive", "mapped by pid 123".
    public var reason: String
    /// The report the decision was made on.
    public var report: SegmentReport
}

extension SegmentReport {
    /// Removes this library's segments that nothing can still be using, and the hidden files of
    /// creators killed while building a segment, and says for each of them what it did and why.
    ///
    /// A segment is removed when ``isAbandoned`` holds, it is at least `olderThan` old, and —
    /// checked once more right before the removal, while holding the segment's exclusive lock —
    /// no handle has it open or mapped and the name still refers to the same file. A process
    /// that opens the segment meanwhile either holds the lock first (the segment is kept) or
    /// finds, once it gets its lock, that the name is gone, and never uses the removed segment.
    ///
    /// - Parameters:
    ///   - prefix: consider only segments whose names start with it (for hidden files: whose
    ///     segment's name does).
    ///   - olderThan: keep segments created more recently than this; nil: no minimum age.
    ///   - dryRun: decide, but remove nothing (``GarbageDecision/Action/wouldRemove``).
    /// - Returns: one decision per segment of this library (foreign files are not mentioned),
    ///   sorted by name.
    public static func collectGarbage(prefix: String = "", olderThan: Duration? = nil, dryRun: Bool) -> [GarbageDecision] {
        let minimumAge = olderThan.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
        // Mappings are read once more before removing anything, once for all candidates: a
        // scan of every process's maps is the expensive part.
        var freshMappers: ProcessMappings.Table?
        func fresh() -> ProcessMappings.Table {
            if let freshMappers { return freshMappers }
            let table = ProcessMappings.mappers(under: SharedMemoryDirectory.path)
            freshMappers = table
            return table
        }
        return all().compactMap { report in
            if let pending = PendingName(fileName: report.name) {
                guard pending.belongs(to: prefix) else { return nil }
                return decide(pending: pending, report: report, minimumAge: minimumAge, dryRun: dryRun, mappers: fresh)
            }
            guard report.name.hasPrefix(prefix), report.isOurs else { return nil }
            if let reason = report.keepReason(minimumAge: minimumAge) {
                return GarbageDecision(name: report.name, action: .kept, reason: reason, report: report)
            }
            let creator = report.header.map { "creator pid \($0.creator.pid) dead" } ?? "creator dead"
            return remove(report, reason: "\(creator), mapped by no process", dryRun: dryRun, mappers: fresh) {
                $0.keepReason(minimumAge: minimumAge)
            }
        }
    }

    /// Why `gc` must keep this segment, or nil if it may go.
    func keepReason(minimumAge: Double?) -> String? {
        switch verdict {
        case .unreadable: return "this process cannot read it (\(problem ?? "permission denied"))"
        case .corrupt, .incompatibleVersion: return "its header cannot be trusted (\(problem ?? verdict.rawValue))"
        default: break
        }
        guard let header else { return "it has no header (\(problem ?? "not written"))" }
        if header.kind == .samplePool, let reason = SamplePool.keepReason(forPool: name) { return reason }
        switch creatorLiveness ?? .unknown {
        case .alive: return "creator pid \(header.creator.pid) alive"
        case .unknown:
            return "creator pid \(header.creator.pid) cannot be judged (another pid namespace, or /proc hides it)"
        case .dead: break
        }
        if !attachedPIDs.isEmpty {
            return "mapped by pid " + attachedPIDs.map(String.init).joined(separator: ", ")
        }
        if attachmentsMayBeIncomplete && mode & 0o066 != 0 {
            return "other users may map it, and their processes' mappings cannot be read"
        }
        if let minimumAge, let age = ageSeconds, age < minimumAge {
            return "younger than --older-than (created \(Int(age))s ago)"
        }
        return nil
    }

    /// The hidden file of a creator building a segment (see ``PendingName``).
    private static func decide(
        pending: PendingName, report: SegmentReport, minimumAge: Double?, dryRun: Bool,
        mappers: () -> ProcessMappings.Table
    ) -> GarbageDecision {
        func kept(_ reason: String) -> GarbageDecision {
            GarbageDecision(name: report.name, action: .kept, reason: reason, report: report)
        }
        let creator = pending.creator
        switch creator.liveness {
        case .alive: return kept("creator pid \(creator.pid) alive: it is still creating \(pending.target)")
        case .unknown: return kept("creator pid \(creator.pid) cannot be judged (another pid namespace, or /proc hides it)")
        case .dead: break
        }
        var info = stat()
        guard lstat(pending.path, &info) == 0 else { return kept("it vanished") }
        if let minimumAge, Double(time(nil)) - Double(info.st_mtim.tv_sec) < minimumAge {
            return kept("younger than --older-than")
        }
        if info.st_nlink > 1 {
            // Published, and the creator died before removing the hidden name: only that goes.
            let reason = "hidden name left by creator pid \(creator.pid), which died after publishing \(pending.target)"
            if !dryRun && unlink(pending.path) != 0 { return kept("removing it failed (errno \(errno))") }
            return GarbageDecision(name: report.name, action: dryRun ? .wouldRemove : .removed, reason: reason, report: report)
        }
        return remove(report, reason: "left by creator pid \(creator.pid), which died while creating \(pending.target)",
                      dryRun: dryRun, mappers: mappers) { _ in nil }
    }

    /// Removes the report's file if `stillRemovable`, given a fresh report (read with
    /// `mappers`), finds no reason to keep it, and if under its exclusive lock it is still the
    /// same file under the same name.
    private static func remove(
        _ report: SegmentReport, reason: String, dryRun: Bool, mappers: () -> ProcessMappings.Table,
        stillRemovable: (SegmentReport) -> String?
    ) -> GarbageDecision {
        func decision(_ action: GarbageDecision.Action, _ why: String) -> GarbageDecision {
            GarbageDecision(name: report.name, action: action, reason: why, report: report)
        }
        if dryRun { return decision(.wouldRemove, reason) }
        let path = SharedMemoryDirectory.path + "/" + report.name
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else { return decision(.kept, "it could not be opened to lock it (errno \(errno))") }
        defer { close(descriptor) }
        let expected = NameLock.Identity(device: report.fileIdentity.device, inode: report.fileIdentity.inode)
        guard NameLock.identity(of: descriptor) == expected else {
            return decision(.kept, "it was removed and created again meanwhile")
        }
        // Judge it once more (with mappings read after the first judgement: programs that map
        // it without the lock) before taking the lock, so that the lock is held for
        // microseconds, not for a scan of /proc that can take seconds on a loaded machine:
        // openers wait while it is held.
        let fresh: SegmentReport
        do throws(InterprocessError) {
            fresh = try SegmentReport.report(for: report.name, mappers: mappers())
        } catch {
            return decision(.kept, "it could not be inspected again (\(error.reason))")
        }
        if let keep = stillRemovable(fresh) { return decision(.kept, keep) }
        guard NameLock.tryLockExclusive(descriptor) else {
            return decision(.kept, "in use: a process holds its lock (it is opening it or has it mapped)")
        }
        // Under the lock no handle of this library has it open, and none can map it before the
        // unlink without finding, once it has its lock, that the name is gone.
        guard fresh.fileIdentity == report.fileIdentity, NameLock.path(path, names: descriptor) else {
            return decision(.kept, "it was removed and created again meanwhile")
        }
        guard unlink(path) == 0 else { return decision(.kept, "removing it failed (errno \(errno))") }
        return decision(.removed, reason)
    }
}

extension PendingName {
    /// Whether this hidden file belongs to a segment whose name starts with `prefix`.
    func belongs(to prefix: String) -> Bool {
        if target.hasPrefix(prefix) { return true }
        // The segment's name was cut to fit the file-name limit: it may continue past `target`.
        return fileName.utf8.count == SegmentName.maximumLength && prefix.hasPrefix(target)
    }
}
#endif
