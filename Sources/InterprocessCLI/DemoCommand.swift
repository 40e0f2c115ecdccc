import ArgumentParser
import Foundation
import Interprocess

/// `interprocess demo`: two real processes sharing one segment, end to end.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a two-process example: a parent creates a segment, a child opens it by name and answers."
    )

    @Option(name: .customLong("child"), help: .hidden)
    var childOf: String?

    /// The body's layout: the parent's message at 0, the child's answer at 2048, each a
    /// little-endian UInt32 length followed by UTF-8 bytes.
    private static let answerOffset = 2048

    func run() throws {
        do {
            if let name = childOf { try runChild(name) } else { try runParent() }
        } catch let error as InterprocessError {
            printError(error.description)
            throw ExitCode.failure
        }
    }

    private func runParent() throws {
        let name = "interprocess-demo-\(getpid())"
        let greeting = "hello from pid \(getpid())"
        // Removed when this process is done with it; the child opens it by name meanwhile.
        let segment = try Segment(create: name, bodySize: 4096, lifetime: .removedWhenCreatorCloses) { body in
            DemoCommand.write(greeting, into: body, at: 0)
        }
        print("parent: created segment '\(name)' (\(segment.memory.size) bytes, kind \(segment.header.kind)) and wrote \"\(greeting)\"")

        fflush(nil)  // so that the parent's lines come before the child's in a pipe
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["demo", "--child", name]
        try child.run()
        child.waitUntilExit()
        guard child.terminationStatus == 0 else {
            throw InterprocessError(.peerDied, operation: "run the demo", name: name,
                                    reason: "the child process exited with status \(child.terminationStatus)")
        }
        let answer = DemoCommand.read(from: segment.readableBody, at: DemoCommand.answerOffset)
        print("parent: the child wrote back \"\(answer)\"")
        let report = try SegmentReport.inspect(name)
        print("parent: `interprocess inspect \(name)` would say: \(report.verdict), creator pid \(report.header?.creator.pid ?? 0) \(report.creatorLiveness?.rawValue ?? "?")")
    }

    private func runChild(_ name: String) throws {
        let segment = try Segment(open: name, kind: .raw)
        let greeting = DemoCommand.read(from: segment.readableBody, at: 0)
        print("child (pid \(getpid())): opened '\(name)', validated its header, and read \"\(greeting)\"")
        DemoCommand.write("hello back from pid \(getpid())", into: try segment.writableBody, at: DemoCommand.answerOffset)
    }

    private static func write(_ text: String, into body: UnsafeMutableRawBufferPointer, at offset: Int) {
        let bytes = Array(text.utf8.prefix(1024))
        body.storeBytes(of: UInt32(bytes.count).littleEndian, toByteOffset: offset, as: UInt32.self)
        UnsafeMutableRawBufferPointer(rebasing: body[(offset + 4)...]).copyBytes(from: bytes)
    }

    private static func read(from body: UnsafeRawBufferPointer, at offset: Int) -> String {
        let count = min(Int(UInt32(littleEndian: body.load(fromByteOffset: offset, as: UInt32.self))), 1024)
        return String(decoding: body[(offset + 4)..<(offset + 4 + count)], as: UTF8.self)
    }
}
