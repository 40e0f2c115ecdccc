import ArgumentParser
import Interprocess

/// `interprocess gc`: removes this library's segments that nothing can still be using.
struct CollectGarbageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove abandoned segments: ours, creator dead, and mapped by no process.",
        discussion: """
            A segment is abandoned when it carries this library's header, the process that created \
            it is dead (pid and start time no longer match a live process), and no process has it \
            mapped. Foreign files, and segments whose header fails its checksum (their creator \
            cannot be trusted), are never removed.
            """
    )

    @Flag(name: .long, help: "List what would be removed, and remove nothing.")
    var dryRun = false

    @Option(name: .long, help: "Consider only segments whose names start with this prefix.")
    var prefix: String = ""

    @OptionGroup var output: OutputOptions

    func run() throws {
        let collected = SegmentReport.removeAbandoned(prefix: prefix, dryRun: dryRun)
        if output.json {
            struct Result: Encodable { var dryRun: Bool; var segments: [ReportJSON] }
            try output.printJSON(Result(dryRun: dryRun, segments: collected.map(ReportJSON.init)))
            return
        }
        let verb = dryRun ? "would remove" : "removed"
        for report in collected {
            let creator = report.header.map { "creator pid \($0.creator.pid) dead" } ?? "creator dead"
            print("\(verb) \(report.name) (\(Formatting.size(report.fileSize)), \(report.verdict.rawValue), \(creator))")
        }
        if collected.isEmpty { print("nothing to remove") }
    }
}
