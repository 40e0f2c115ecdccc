import ArgumentParser
import Foundation
import Interprocess
import SystemPackage

/// `interprocess journal tail|inspect|verify|append PATH`: a ``Journal`` from the shell.
struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Read, inspect, verify and append to a journal (a directory of cycle files).",
        subcommands: [JournalTailCommand.self, JournalInspectCommand.self, JournalVerifyCommand.self, JournalAppendCommand.self]
    )
}

/// How a journal record is printed: its payload as text when it is UTF-8, else as hex.
enum JournalText {
    static func payload(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self), !text.contains(where: { $0.isNewline }) { return text }
        return "0x" + bytes.map { String(format: "%02x", $0) }.joined()
    }

    struct Record: Encodable {
        var sequence: UInt64
        var timestamp: UInt64
        var text: String
        var bytes: Int
    }
}

/// `interprocess journal tail PATH [--from beginning|end|SEQ] [--follow] [--named NAME]`.
struct JournalTailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print a journal's records: \"SEQUENCE TIMESTAMP PAYLOAD\" per line.",
        discussion: """
            Prints the records from --from (beginning, end, or a sequence number; default \
            beginning) to the last one, or with --follow keeps printing new records as they are \
            appended until interrupted. A payload that is UTF-8 text on one line prints as text, \
            any other as 0x-hex. --named NAME reads as a named tailer, which resumes where it \
            stopped. With --json, one object per line: {"record": {sequence, timestamp, text, bytes}}.
            """
    )

    @Argument(help: "The journal's directory.")
    var path: String

    @Option(name: .long, help: "Where to start: beginning, end or a sequence number.")
    var from = "beginning"

    @Flag(name: .long, help: "Keep printing records as they are appended.")
    var follow = false

    @Option(name: .long, help: "Read as this named tailer (its position is kept in the journal).")
    var named: String?

    @OptionGroup var output: OutputOptions

    func start() throws -> JournalStart {
        switch from {
        case "beginning": return .beginning
        case "end": return .end
        default:
            guard let sequence = UInt64(from) else { throw ValidationError("--from takes beginning, end or a sequence number (got '\(from)')") }
            return .sequence(sequence)
        }
    }

    func validate() throws { _ = try start() }

    func run() throws {
        let start = try start()
        StopSignal.install()
        signal(SIGPIPE, SIG_IGN)
        do throws(InterprocessError) {
            let journal = try Journal(open: FilePath(path))
            var tailer = try journal.makeTailer(from: start, named: named)
            while !StopSignal.requested {
                let entry: JournalEntry?
                if follow {
                    do throws(InterprocessError) {
                        entry = try tailer.next(timeout: .milliseconds(100))
                    } catch where error.code == .timedOut {
                        continue
                    }
                } else {
                    entry = try tailer.tryNext()
                }
                guard let entry else { break }
                let text = JournalText.payload(entry.bytes)
                if output.json {
                    try? output.printJSONLine(["record": JournalText.Record(sequence: entry.sequence, timestamp: entry.timestamp,
                                                                           text: text, bytes: entry.bytes.count)])
                } else {
                    print("\(entry.sequence) \(entry.timestamp) \(text)")
                }
                fflush(nil)
            }
        } catch {
            throw output.report(error)
        }
    }
}

/// `interprocess journal inspect PATH`.
struct JournalInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a journal's cycles, index, sequence range, writer and named tailers.",
        discussion: "With --json: {\"state\": JournalState}."
    )

    @Argument(help: "The journal's directory.")
    var path: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        let state: JournalState
        do {
            state = try Journal(open: FilePath(path)).state
        } catch {
            throw output.report(error)
        }
        if output.json {
            try output.printJSON(["state": state])
            return
        }
        print("journal \(state.path)")
        print("  sequences \(state.firstSequence)..<\(state.nextSequence), cycle size \(state.cycleSize), index every \(state.indexSpacing), durability \(state.durability)")
        let writer = state.writer.pid == 0 ? "none yet" : "pid \(state.writer.pid) (\(state.writerAlive ? "alive" : "gone"))"
        print("  writer \(writer), takeovers \(state.takeovers), sleeping tailers \(state.sleepers)")
        for cycle in state.cycles {
            print("  cycle \(cycle.number): sequences \(cycle.firstSequence)..<\(cycle.firstSequence + cycle.records), \(cycle.bytesUsed)/\(cycle.capacity) bytes, \(cycle.indexEntries) index entries\(cycle.sealed ? ", sealed" : "")")
        }
        for tailer in state.tailers {
            print("  tailer '\(tailer.name)' at \(tailer.position)\(tailer.inUse ? " (in use)" : "")")
        }
        if let problem = state.problem { print("  problem: \(problem)") }
    }
}

/// `interprocess journal verify PATH`.
struct JournalVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every record's checksum and sequence number, every index entry and seal.",
        discussion: """
            Exits 0 when every check passes, 2 when a record or cycle is bad (each problem is \
            printed with its cycle, offset and sequence number), 1 when the journal cannot be \
            opened. With --json: {"verification": {cycles, records, problems}}.
            """
    )

    @Argument(help: "The journal's directory.")
    var path: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        let verification: JournalVerification
        do {
            verification = try Journal(open: FilePath(path)).verify()
        } catch {
            throw output.report(error)
        }
        if output.json {
            try output.printJSON(["verification": verification])
        } else {
            for problem in verification.problems { print("bad: \(problem)") }
            print("\(verification.records) records in \(verification.cycles) cycles: \(verification.isValid ? "ok" : "\(verification.problems.count) problems")")
        }
        if !verification.isValid { throw ExitCode.invalidSegment }
    }
}

/// `interprocess journal append PATH [--create]`: one record per line of standard input.
struct JournalAppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append each line of standard input as a record (without its newline).",
        discussion: "Becomes the journal's writer (exits 1 while another lives). --create makes the journal if absent. Prints the sequence range appended."
    )

    @Argument(help: "The journal's directory.")
    var path: String

    @Flag(name: .long, help: "Create the journal (default configuration) if it does not exist.")
    var create = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        do throws(InterprocessError) {
            let journal = create ? try Journal(openOrCreate: FilePath(path)) : try Journal(open: FilePath(path))
            var writer = try journal.makeWriter()
            let first = writer.nextSequenceNumber
            while let line = readLine(strippingNewline: true) {
                try writer.append(line)
            }
            try writer.flush()
            if output.json {
                try? output.printJSON(["appended": ["first": first, "next": writer.nextSequenceNumber]])
            } else {
                print("appended \(writer.nextSequenceNumber - first) records (\(first)..<\(writer.nextSequenceNumber))")
            }
        } catch {
            throw output.report(error)
        }
    }
}
