import ArgumentParser
import Interprocess

/// `interprocess rm NAME…`: removes segments by name.
struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Remove segments by name.",
        discussion: """
            Processes that have a segment mapped keep their mapping; the memory is freed when the \
            last one unmaps it. Exits 1 if any name could not be removed (the others still are). \
            JSON: {"results": [{"name", "removed", "error"}]}.
            """
    )

    @Argument(help: "The names of the segments to remove.")
    var names: [String]

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if names.isEmpty { throw ValidationError("name at least one segment to remove") }
        for name in names { try UsageChecks.segmentName(name) }
    }

    struct Outcome: Encodable {
        var name: String
        var removed: Bool
        var error: ErrorJSON?
    }

    func run() throws {
        var outcomes: [Outcome] = []
        for name in names {
            do {
                try Segment.remove(name)
                outcomes.append(Outcome(name: name, removed: true))
                if !output.json { print("removed \(name)") }
            } catch {
                outcomes.append(Outcome(name: name, removed: false, error: ErrorJSON(error)))
                if !output.json { printError(error.description) }
            }
        }
        if output.json { try output.printJSON(["results": outcomes]) }
        if outcomes.contains(where: { !$0.removed }) { throw ExitCode.failure }
    }
}
