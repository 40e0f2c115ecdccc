import ArgumentParser
import Interprocess
import SystemPackage

/// `interprocess inspect PATH` for a file path (absolute, or starting with `./` or `../`): a
/// mapped array's file, read without knowing its element type. Exits 2 when the array's words
/// cannot be trusted.
enum MappedArrayInspection {
    /// Whether `inspect`'s argument names a file rather than a segment in /dev/shm (a name with
    /// a `/` elsewhere stays a bad segment name).
    static func isPath(_ argument: String) -> Bool {
        argument.hasPrefix("/") || argument.hasPrefix("./") || argument.hasPrefix("../")
    }

    static func run(path: String, output: OutputOptions) throws {
        let state: MappedArrayState
        do {
            state = try MappedArrayState(path: FilePath(path))
        } catch {
            throw output.report(error)
        }
        if output.json {
            try output.printJSON(["mappedArray": state])
        } else {
            print(text(state))
        }
        if state.problem != nil { throw ExitCode.invalidSegment }
    }

    static func text(_ state: MappedArrayState) -> String {
        var lines = ["mapped array \(state.path)"]
        lines.append("  elements   \(state.elementSize) bytes, aligned to \(state.elementAlignment)")
        lines.append("  count      \(state.count) of capacity \(state.capacity) (file \(state.fileSize) bytes)")
        if let writer = state.writer {
            lines.append("  writer     pid \(writer.identity.pid) (\(writer.liveness.rawValue))")
        } else {
            lines.append("  writer     none")
        }
        if let problem = state.problem { lines.append("  problem    \(problem)") }
        return lines.joined(separator: "\n")
    }
}
