import ArgumentParser
import Interprocess

/// `interprocess gc`: removes this library's segments that nothing can still be using, and says
/// what it kept and why.
struct CollectGarbageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove abandoned segments: ours, creator dead, and mapped by no process.",
        discussion: """
            A segment is abandoned when it carries this library's header, the process that created \
            it is dead (pid and start time no longer match a live process), and no process has it \
            mapped or open (gc removes it only under its exclusive lock, which every process that \
            has it open shares). Foreign files, and segments whose header fails its checksum \
            (their creator cannot be trusted), are never removed. Hidden files that creators \
            killed while building a segment left behind (.ipc-new.*) are removed too. \
            Every segment kept is listed with the reason: 'kept NAME: REASON'. \
            JSON: {"dryRun", "segments": [removed], "decisions": [{"name", "action", "reason"}]}.
            """
    )

    @Flag(name: .long, help: "List what would be removed, and remove nothing.")
    var dryRun = false

    @Option(name: .long, help: "Consider only segments whose names start with this prefix.")
    var prefix: String = ""

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "Keep segments younger than this (e.g. 30s, 10m, 2h, 1d, 1h30m).", valueName: "duration"))
    var olderThan: DurationArgument?

    @OptionGroup var output: OutputOptions

    func run() throws {
        let decisions = SegmentReport.collectGarbage(prefix: prefix, olderThan: olderThan?.duration, dryRun: dryRun)
        if output.json {
            struct Decision: Encodable { var name: String; var action: String; var reason: String }
            struct Result: Encodable { var dryRun: Bool; var segments: [ReportJSON]; var decisions: [Decision] }
            try output.printJSON(Result(
                dryRun: dryRun,
                segments: decisions.filter { $0.action != .kept }.map { ReportJSON($0.report) },
                decisions: decisions.map { Decision(name: $0.name, action: $0.action.rawValue, reason: $0.reason) }))
            return
        }
        for decision in decisions {
            switch decision.action {
            case .kept: print("kept \(decision.name): \(decision.reason)")
            case .removed: print("removed \(decision.name): \(decision.reason) (\(Formatting.size(decision.report.fileSize)))")
            case .wouldRemove: print("would remove \(decision.name): \(decision.reason) (\(Formatting.size(decision.report.fileSize)))")
            }
        }
        if !decisions.contains(where: { $0.action != .kept }) { print("nothing to remove") }
    }
}
