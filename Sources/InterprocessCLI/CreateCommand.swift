import ArgumentParser
import Interprocess
import SystemPackage

/// `interprocess create NAME --size N`: a raw segment with the library's header.
struct CreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a raw segment (the library's header followed by a zero-filled body).",
        discussion: """
            The segment outlives this command. Its creator (this command) exits at once, so \
            `interprocess gc` treats it as abandoned as soon as no process has it mapped.
            """
    )

    @Argument(help: "The segment's name: letters, digits, '.', '_' and '-'.")
    var name: String

    @Option(name: .long, help: "The body's size in bytes; K, M, G suffixes are powers of 1024 (the 128-byte header is added).")
    var size: String

    @Option(name: .long, help: "The permission bits in octal.")
    var mode: String = "600"

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard Formatting.parseSize(size) != nil else {
            throw ValidationError("--size must be a number of bytes, optionally with K, M, G or T (got '\(size)')")
        }
        guard let bits = UInt32(mode, radix: 8), bits <= 0o777 else {
            throw ValidationError("--mode must be octal permission bits such as 600 or 640 (got '\(mode)')")
        }
    }

    func run() throws {
        let bodySize = Formatting.parseSize(size)!
        let permissions = FilePermissions(rawValue: CModeT(mode, radix: 8)!)
        do {
            _ = try Segment(create: name, kind: .raw, bodySize: bodySize, permissions: permissions)
            let report = try SegmentReport.inspect(name)
            if output.json {
                try output.printJSON(ReportJSON(report))
            } else {
                print("created \(name): \(Formatting.size(bodySize)) body, \(report.fileSize) bytes in all")
            }
        } catch let error as InterprocessError {
            throw output.report(error)
        }
    }
}
