import ArgumentParser
import Interprocess

/// `interprocess inspect NAME`: the header field by field, the validation verdict, and the live
/// state of what the segment holds.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a segment's header, whether it is valid, and the live state of what it holds.",
        discussion: """
            The live state depends on the kind: a mutex's owner (pid, liveness, depth) and \
            consistency; a semaphore's count and maximum; an event's state and mode; a \
            reader-writer lock's writer and readers; a condition's waiters; a queue's layout; a \
            managed segment's heap statistics and named objects (name, type, count, offset). \
            JSON: {"segment": {...}, "state": {...}} ("stateError" when the state cannot be read). \
            Exits 2 when the segment exists but is not valid (or its state is corrupt), 1 when it \
            cannot be read, 64 for a bad name.
            """
    )

    @Argument(help: "The segment's name (as in /dev/shm, without a leading '/'), or the path of a mapped array's file (absolute, or starting with ./).")
    var name: String

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if MappedArrayInspection.isPath(name) { return }
        try UsageChecks.segmentName(name)
    }

    func run() throws {
        if MappedArrayInspection.isPath(name) { return try MappedArrayInspection.run(path: name, output: output) }
        let snapshot: Snapshot
        do {
            snapshot = try Snapshot.take(name)
        } catch {
            throw output.report(error)
        }
        if output.json {
            try output.printJSON(snapshot.json)
        } else {
            print(snapshot.text)
        }
        if !snapshot.isUsable { throw ExitCode.invalidSegment }
    }
}

/// A segment's report and live state, taken together: what `inspect` prints once and `watch`
/// prints at every tick.
struct Snapshot {
    var report: SegmentReport
    var state: LiveState?
    var stateError: InterprocessError?

    /// Inspects `name` and, when it is a valid segment of a kind with a state, reads that state.
    static func take(_ name: String) throws(InterprocessError) -> Snapshot {
        let report = try SegmentReport.inspect(name)
        var snapshot = Snapshot(report: report)
        if report.verdict == .valid, let kind = report.header?.kind {
            do {
                snapshot.state = try LiveState.read(name, kind: kind)
            } catch {
                snapshot.stateError = error
            }
        }
        return snapshot
    }

    /// Whether the segment can be used: valid (or still being initialized) and not corrupt.
    var isUsable: Bool {
        let usable: Set<SegmentReport.Verdict> = [.valid, .initializing]
        return usable.contains(report.verdict) && stateError?.code != .corrupt
    }

    struct JSON: Encodable {
        var segment: ReportJSON
        var state: LiveState?
        var stateError: ErrorJSON?
    }

    var json: JSON { JSON(segment: ReportJSON(report), state: state, stateError: stateError.map(ErrorJSON.init)) }

    /// The header and the state, one labelled line each.
    var text: String {
        var lines: [[String]] = [
            ["name", report.name],
            ["size", "\(report.fileSize) bytes (\(Formatting.size(report.fileSize)))"],
            ["owner", "\(UserNames.name(of: report.ownerUID)) (uid \(report.ownerUID)), mode \(Formatting.mode(report.mode))"],
            ["verdict", report.verdict.rawValue + (report.problem.map { ": \($0)" } ?? "")],
        ]
        if let header = report.header {
            let state = SegmentHeader.State(rawValue: header.state).map { "\($0)" } ?? "invalid"
            let liveness = report.creatorLiveness?.rawValue ?? "unknown"
            let checksumNote = header.checksum == header.computedChecksum ? "valid" : "INVALID"
            lines += [
                ["magic", header.magicText],
                ["version", "\(header.version)"],
                ["kind", "\(header.kind.name) (\(header.kind.rawValue)), layout version \(header.kindVersion)"],
                ["state", "\(header.state) (\(state))"],
                ["total size", "\(header.totalSize) bytes, header \(header.headerSize)"],
                ["flags", "0x" + String(header.flags, radix: 16)],
                ["creator", "pid \(header.creator.pid), start tick \(header.creator.startTime): \(liveness)"],
                ["age", Formatting.age(report.ageSeconds)],
                ["checksum", "0x\(String(header.checksum, radix: 16)) (\(checksumNote))"],
            ]
        }
        let mapped = report.attachedPIDs.isEmpty ? "none" : report.attachedPIDs.map(String.init).joined(separator: ", ")
        lines.append(["mapped by", mapped])
        if let state { lines += state.rows }
        if let stateError { lines.append(["live state", "unreadable: \(stateError.description)"]) }
        return Formatting.table(lines.map { [$0[0] + ":", $0[1]] })
    }
}
