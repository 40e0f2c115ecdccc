import ArgumentParser
import Foundation
import Interprocess

/// `--json`, shared by every subcommand, and the printing both formats need.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON for machines instead of text for people.")
    var json = false

    /// Prints `value` as pretty, key-sorted JSON on standard output.
    func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        print(String(decoding: data, as: UTF8.self))
    }

    /// Reports a library error in the chosen format and returns the exit code for it.
    func report(_ error: InterprocessError) -> ExitCode {
        if json {
            try? printJSON(["error": ErrorJSON(error)])
        } else {
            printError(error.description)
        }
        return .failure
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
