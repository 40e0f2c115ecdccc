import ArgumentParser
import Foundation
import Interprocess

/// `--json`, shared by every subcommand, and the printing both formats need.
///
/// The JSON convention, the same for every command: standard output carries exactly one JSON
/// object (`watch`: one object per line, per tick), whose top-level keys name its result sets —
/// a list under a plural key (`segments`, `results`, `decisions`, `latency`), one item under a
/// singular key (`segment`, `state`, `header`). A failure is `{"error": {...}}` with the
/// error's `code`, `message`, `name` and `errno`. Usage errors are text on standard error.
struct OutputOptions: ParsableArguments {
    /// The convention above, for `--help`.
    static let jsonHelp = "Print JSON for machines: one object whose keys name the result sets (errors: {\"error\": {...}})."

    @Flag(name: .long, help: ArgumentHelp(stringLiteral: OutputOptions.jsonHelp))
    var json = false

    /// Prints `value` as pretty, key-sorted JSON on standard output.
    func printJSON(_ value: some Encodable) throws {
        print(try OutputOptions.encode(value, pretty: true))
    }

    /// Prints `value` as key-sorted JSON on one line (for streams of objects, such as `watch`).
    func printJSONLine(_ value: some Encodable) throws {
        print(try OutputOptions.encode(value, pretty: false))
    }

    static func encode(_ value: some Encodable, pretty: Bool) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Reports a library error in the chosen format and returns the exit code for it: 64 for a
    /// bad name or an out-of-range configuration (bad usage), 1 for everything else.
    func report(_ error: InterprocessError) -> ExitCode {
        if json {
            try? printJSON(["error": ErrorJSON(error)])
        } else {
            printError(error.description)
        }
        return error.code.isUsageError ? .validationFailure : .failure
    }
}

/// Writes a line to standard error, prefixed with the tool's name.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("interprocess: \(message)\n".utf8))
}

/// The exit code `inspect` uses for a segment that exists but is not valid.
extension ExitCode {
    static let invalidSegment = ExitCode(2)
}

/// An error as JSON: its code, the sentence, the name and errno where known.
struct ErrorJSON: Encodable {
    var code: String
    var message: String
    var name: String?
    var errno: Int32?

    init(_ error: InterprocessError) {
        code = error.code.rawValue
        message = error.description
        name = error.name
        errno = error.errno?.rawValue
    }
}
