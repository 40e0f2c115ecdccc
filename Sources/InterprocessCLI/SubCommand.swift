import ArgumentParser
import Foundation
import Interprocess

/// `interprocess sub SERVICE`: prints a service's samples as they arrive, through the library's
/// own ``Subscriber``.
struct SubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sub",
        abstract: "Print a service's samples as they arrive (text lines, or JSON with --json).",
        discussion: """
            Each sample is one line: its bytes as text, with control characters and bytes that \
            are not UTF-8 shown as \\xHH. With --json, one JSON object per line: \
            {"sequence", "missedBefore", "byteCount", "text"} ("base64" instead of "text" when \
            the bytes are not UTF-8). Samples missed because this subscriber fell a full buffer \
            behind are noted on standard error (and in missedBefore). The subscriber receives \
            the service's history first unless --no-history; with --block the publisher waits \
            for it instead of letting it miss samples. Exits 0 after --count samples, or when \
            interrupted (SIGINT, SIGTERM: it detaches cleanly) or standard output is closed; \
            exits 1 when the service does not exist (--timeout waits for it to appear) or when \
            --timeout passes with no sample. The summary goes to standard error.
            """
    )

    @Argument(help: "The service's name.")
    var service: String

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Exit after this many samples (default: until interrupted).", valueName: "count"))
    var count: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "Wait this long for the service to appear, then at most this long for each sample (e.g. 5s); default: forever.",
        valueName: "duration"))
    var timeout: DurationArgument?

    @Flag(name: .long, help: "Hold the publisher back instead of missing samples when a full buffer behind.")
    var block = false

    @Flag(name: .customLong("no-history"), help: "Start with the next sample published, not the service's history.")
    var noHistory = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try UsageChecks.serviceName(service)
        try UsageChecks.positive(timeout, option: "--timeout")
        if let count { _ = try UsageChecks.integer(count, option: "--count", in: 1...Int.max) }
    }

    func run() throws {
        let limit = try count.map { try UsageChecks.integer($0, option: "--count", in: 1...Int.max) }
        StopSignal.install()
        signal(SIGPIPE, SIG_IGN)  // a closed standard output ends the loop instead of killing it
        var received = 0
        var missed: UInt64 = 0
        var attached = false
        do {
            let opened = if let timeout { try Service(open: service, timeout: timeout.duration) } else { try Service(open: service) }
            var subscriber = try Subscriber(service: opened, overrun: block ? .block : nil, history: !noHistory)
            attached = true
            var idleDeadline = timeout.map { Deadline.after($0.duration) } ?? .never
            while limit.map({ received < $0 }) ?? true, !StopSignal.requested {
                guard let sample = try SubCommand.next(from: &subscriber, until: idleDeadline) else { break }
                received += 1
                missed += sample.missedBefore
                idleDeadline = timeout.map { Deadline.after($0.duration) } ?? .never
                guard print(sample) else { break }
            }
        } catch {
            throw output.report(error.code == .timedOut && attached ? timedOut(after: received) : error)
        }
        printError("received \(Formatting.count(received, "sample")) from '\(service)', missed \(missed)" +
            (StopSignal.requested ? "; stopped by a signal" : ""))
    }

    /// Waits for the next sample in short slices (so that a stop request is seen), until
    /// `deadline`; nil when a stop was requested.
    private static func next(from subscriber: inout Subscriber, until deadline: Deadline) throws(InterprocessError) -> SampleText? {
        while !StopSignal.requested {
            do {
                return try subscriber.receive(until: Deadline.after(StopSignal.slice).earlier(than: deadline)) { sample throws(InterprocessError) in
                    SampleText(sequence: sample.sequence, missedBefore: sample.missedBefore, bytes: sample.withUnsafeBytes { Array($0) })
                }
            } catch where error.code == .timedOut {
                if deadline.hasPassed { throw error }
            }
        }
        return nil
    }

    /// Prints one sample; false when standard output is closed (the reader went away).
    private func print(_ sample: SampleText) -> Bool {
        if sample.missedBefore > 0, !output.json {
            printError("missed \(Formatting.count(sample.missedBefore, "sample")) before sequence \(sample.sequence)")
        }
        let line: String
        if output.json {
            line = (try? OutputOptions.encode(sample, pretty: false)) ?? "{}"
        } else {
            line = SampleText.line(sample.bytes)
        }
        return SubCommand.write(line + "\n")
    }

    /// Writes `text` to standard output at once (not through stdio's buffer, so that a pipe's
    /// reader sees every sample as it arrives); false when standard output is closed.
    private static func write(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }

    /// The error for a `--timeout` that passed after some samples arrived.
    private func timedOut(after received: Int) -> InterprocessError {
        InterprocessError(.timedOut, operation: "receive from service", name: service,
                          reason: "no sample arrived within \(timeout?.description ?? "the timeout") (\(Formatting.count(received, "sample")) received before)")
    }
}
