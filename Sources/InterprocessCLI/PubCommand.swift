import ArgumentParser
import Foundation
import Interprocess

/// `interprocess pub SERVICE`: publishes standard input, one sample per line or per chunk of
/// bytes, through the library's own ``Publisher``.
struct PubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pub",
        abstract: "Publish standard input to a service: one sample per line, or chunks of bytes.",
        discussion: """
            Each line is one sample (the newline stripped; an empty line is an empty sample). \
            With --bytes, input is cut into chunks of --max-size bytes (default: the service's \
            largest sample; the last chunk shorter), each one sample. The service must exist \
            (--timeout waits for it to appear) unless --create is given: then it is created with \
            --max-size, --max-subscribers, --buffer, --history and --loans (the library's \
            defaults for those not given) if it does not exist; an existing one is used when it \
            matches the options given (a mismatch is an error naming the option). A sample \
            waits only while a subscriber with the block policy is a full buffer behind. SIGINT \
            or SIGTERM stops after the current sample. The summary goes to standard error; \
            with --json it is {"published": {"service", "samples", "bytes", "firstSequence", \
            "lastSequence", "stopped"}} on standard output.
            """
    )

    @Argument(help: "The service's name.")
    var service: String

    @Flag(name: .long, help: "Create the service if it does not exist (persistent: it outlives this command).")
    var create = false

    @Flag(name: .long, help: "Send raw chunks of bytes instead of lines.")
    var bytes = false

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Pause between samples (e.g. 100ms).", valueName: "duration"))
    var interval: DurationArgument?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "Wait this long for the service to appear (e.g. 5s); without it a missing service is an error at once.",
        valueName: "duration"))
    var timeout: DurationArgument?

    @OptionGroup var serviceOptions: ServiceOptions

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try UsageChecks.serviceName(service)
        try UsageChecks.positive(interval, option: "--interval")
        try UsageChecks.positive(timeout, option: "--timeout")
        if create {
            if timeout != nil { throw ValidationError("--timeout waits for a service to appear; with --create there is nothing to wait for") }
            _ = try serviceOptions.configuration()
        } else {
            let creationOnly = serviceOptions.given.filter { !(bytes && $0 == "--max-size") }
            if let option = creationOnly.first {
                throw ValidationError("\(option) configures a new service: it applies only with --create" +
                    (option == "--max-size" ? " (or, as the chunk size, with --bytes)" : ""))
            }
            _ = try serviceOptions.maximumSize()
        }
    }

    /// What `pub` did, for the summary.
    struct Summary: Encodable {
        var service: String
        var samples = 0
        var bytes = 0
        var firstSequence: UInt64?
        var lastSequence: UInt64?
        var stopped = false
    }

    func run() throws {
        StopSignal.install()
        var summary = Summary(service: service)
        var publishing = false
        let configuration = try create ? serviceOptions.configuration() : nil
        do {
            let service = try open(creating: configuration)
            var input = InputSamples(mode: bytes ? .chunks : .lines, chunkSize: try chunkSize(service.configuration.payload))
            var publisher = try Publisher(service: service)
            publishing = true
            while let sample = try input.next() {
                if summary.samples > 0, let interval { StopSignal.sleep(interval.duration) }
                guard let sequence = try PubCommand.send(sample, with: &publisher) else { break }
                summary.samples += 1
                summary.bytes += sample.count
                summary.firstSequence = summary.firstSequence ?? sequence
                summary.lastSequence = sequence
            }
        } catch {
            // A service that cannot take these options is bad usage; bad input or a failed send is not.
            let code = output.report(error)
            throw publishing ? ExitCode.failure : code
        }
        summary.stopped = StopSignal.requested
        if output.json { try output.printJSON(["published": summary]) }
        let range = summary.firstSequence.map { " (sequences \($0)...\(summary.lastSequence ?? $0))" } ?? ""
        printError("published \(Formatting.count(summary.samples, "sample")), \(Formatting.count(summary.bytes, "byte")), to '\(service)'\(range)" +
            (summary.stopped ? "; stopped by a signal" : ""))
    }

    /// Opens the service, waiting for it with `--timeout`; with `--create`, an existing one that
    /// matches the options given, or a new one made from them.
    private func open(creating configuration: ServiceConfiguration?) throws(InterprocessError) -> Service {
        if let configuration {
            let existing: Service
            do {
                existing = try Service(open: service)
            } catch where error.code == .notFound {
                // Made from the options; a racing creator's service is opened if it matches them all.
                return try Service(openOrCreate: service, configuration: configuration)
            }
            if let mismatch = serviceOptions.firstMismatch(of: configuration, with: existing.configuration) {
                throw InterprocessError(.incompatibleConfiguration, operation: "open or create service", name: service,
                                        reason: "it exists with a configuration that does not match \(mismatch)")
            }
            return existing
        }
        if let timeout { return try Service(open: service, timeout: timeout.duration) }
        return try Service(open: service)
    }

    /// The largest line, or the size of a `--bytes` chunk: the service's largest sample (exactly
    /// its size for a value service), or `--max-size` when that is smaller.
    private func chunkSize(_ payload: PayloadType) throws(InterprocessError) -> Int {
        guard bytes, !create, let asked = try? serviceOptions.maximumSize() else { return payload.size }
        guard payload.isFixedSize ? asked == payload.size : asked <= payload.size else {
            throw InterprocessError(.invalidArgument, operation: "publish to service", name: service, reason: payload.isFixedSize
                ? "its samples are values of exactly \(payload.size) bytes (got --max-size \(asked))"
                : "its samples hold at most \(payload.size) bytes (got --max-size \(asked))")
        }
        return asked
    }

    /// Sends one sample, waiting in short slices so that a stop request is seen while a
    /// `.block` subscriber holds the publisher back; nil when stopped before it was sent.
    private static func send(_ sample: [UInt8], with publisher: inout Publisher) throws(InterprocessError) -> UInt64? {
        while true {
            do {
                return try publisher.send(contentsOf: sample, until: .after(StopSignal.slice))
            } catch where error.code == .timedOut {
                if StopSignal.requested { return nil }
            }
        }
    }
}
