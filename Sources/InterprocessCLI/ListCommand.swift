import ArgumentParser
import Interprocess

/// `interprocess ls`: every file in /dev/shm, with header facts for this library's segments.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List the shared-memory segments in /dev/shm.",
        discussion: """
            Every file is listed: name, size, owner, mode. For segments of this library also their \
            kind, layout version, state, creator pid and whether it is alive, age, and the number of \
            processes that have them mapped. Other files show as 'foreign'. JSON: {"segments": [...]}.
            """
    )

    @Flag(name: .customLong("ours"), help: "List only segments created by this library.")
    var onlyOurs = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        let reports = SegmentReport.all().filter { !onlyOurs || $0.isOurs }
        if output.json {
            try output.printJSON(["segments": reports.map(ReportJSON.init)])
            return
        }
        var rows = [["NAME", "SIZE", "OWNER", "MODE", "KIND", "VER", "STATE", "CREATOR", "ALIVE", "AGE", "MAPPED"]]
        for report in reports {
            let header = report.header
            rows.append([
                report.name,
                Formatting.size(report.fileSize),
                UserNames.name(of: report.ownerUID),
                Formatting.mode(report.mode),
                header.map { $0.kind.name } ?? "-",
                header.map { "\($0.version).\($0.kindVersion)" } ?? "-",
                report.verdict.rawValue,
                header.map { String($0.creator.pid) } ?? "-",
                report.creatorLiveness.map { $0.rawValue } ?? "-",
                Formatting.age(report.ageSeconds),
                String(report.attachedPIDs.count),
            ])
        }
        print(Formatting.table(rows))
    }
}
