import ArgumentParser
import Interprocess

/// `interprocess rm NAME…`: removes segments by name.
struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Remove segments by name.",
        discussion: """
            Processes that have a segment mapped keep their mapping; the memory is freed when the \
            last one unmaps it. A service is removed with its sample pools (NAME.pool-N). Exits 1 if any name could not be removed (the others still are). \
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
                let isService = try RemoveCommand.remove(name)
                outcomes.append(Outcome(name: name, removed: true))
                if !output.json { print(isService ? "removed service \(name) and its sample pools" : "removed \(name)") }
            } catch {
                outcomes.append(Outcome(name: name, removed: false, error: ErrorJSON(error)))
                if !output.json { printError(error.description) }
            }
        }
        if output.json { try output.printJSON(["results": outcomes]) }
        if outcomes.contains(where: { !$0.removed }) { throw ExitCode.failure }
    }

    /// Removes `name`: a service through `Service.remove` (which removes its pools too),
    /// anything else as a segment. Returns whether it was a service.
    private static func remove(_ name: String) throws(InterprocessError) -> Bool {
        let isService = (try? SegmentReport.inspect(name))?.header?.kind == .service
        if isService {
            do {
                try Service.remove(name)
                return true
            } catch where error.code == .wrongKind {
                // Re-created as another kind since it was read: removed as what it is now.
            }
        }
        try Segment.remove(name)
        return false
    }
}
