import ArgumentParser
import Interprocess

/// `interprocess inspect NAME`: the header field by field, and the validation verdict.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a segment's header and whether it is valid.",
        discussion: "Exits 2 when the segment exists but is not valid, 1 when it cannot be read."
    )

    @Argument(help: "The segment's name (as in /dev/shm, without a leading '/').")
    var name: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        let report: SegmentReport
        do {
            report = try SegmentReport.inspect(name)
        } catch {
            throw output.report(error)
        }
        if output.json {
            try output.printJSON(ReportJSON(report))
        } else {
            print(describe(report))
        }
        let usable: Set<SegmentReport.Verdict> = [.valid, .initializing]
        if !usable.contains(report.verdict) { throw ExitCode.invalidSegment }
    }

    private func describe(_ report: SegmentReport) -> String {
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
        return Formatting.table(lines.map { [$0[0] + ":", $0[1]] })
    }
}
