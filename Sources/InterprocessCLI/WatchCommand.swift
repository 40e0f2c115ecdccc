import ArgumentParser
import Foundation
import Interprocess

/// `interprocess watch NAME`: `inspect` in a loop. On a terminal the screen is redrawn at each
/// tick; in a pipe each tick is one line (or one JSON object), for scripts and tests.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Show a segment's live state, refreshed until interrupted (or --count ticks).",
        discussion: """
            On a terminal the view is redrawn in place at every tick (ANSI clear). Otherwise \
            every tick prints one line: the time, the verdict, and the state as key=value \
            pairs; with --json one JSON object per line: {"tick", "time", "segment", "state"} \
            or {"tick", "time", "error"} while the segment cannot be read (watch keeps going: \
            a segment may appear or come back).
            """
    )

    @Argument(help: "The segment's name (as in /dev/shm, without a leading '/').")
    var name: String

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Time between ticks (e.g. 200ms, 1s).", valueName: "duration"))
    var interval: DurationArgument = DurationArgument(argument: "1s")!

    @Option(name: .long, parsing: .unconditional, help: "Stop after this many ticks (default: until interrupted).")
    var count: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try UsageChecks.segmentName(name)
        guard interval.duration > .zero else { throw ValidationError("--interval must be more than 0 (got '\(interval)')") }
        if let count { _ = try UsageChecks.integer(count, option: "--count", in: 1...Int.max) }
    }

    func run() throws {
        let ticks = try count.map { try UsageChecks.integer($0, option: "--count", in: 1...Int.max) }
        let redraws = isatty(STDOUT_FILENO) != 0 && !output.json
        let clock = ContinuousClock()
        var next = clock.now
        var tick = 0
        while ticks.map({ tick < $0 }) ?? true {
            tick += 1
            let time = ISO8601DateFormatter.watch.string(from: Date())
            let result: Result<Snapshot, InterprocessError>
            do { result = .success(try Snapshot.take(name)) } catch { result = .failure(error) }
            if output.json {
                try output.printJSONLine(Tick(tick: tick, time: time, result: result))
            } else if redraws {
                let body: String
                switch result {
                case .success(let snapshot): body = snapshot.text
                case .failure(let error): body = error.description
                }
                print("\u{1B}[H\u{1B}[2J" + "interprocess watch \(name) — \(time), every \(interval)\n\n" + body)
            } else {
                switch result {
                case .success(let snapshot):
                    let kind = snapshot.report.header?.kind.name ?? "-"
                    let state = snapshot.state.map { " " + $0.summary } ?? ""
                    let stateError = snapshot.stateError.map { " state-error=\"\($0.description)\"" } ?? ""
                    print("\(time) \(name) \(snapshot.report.verdict.rawValue) \(kind) mapped=\(snapshot.report.attachedPIDs.count)\(state)\(stateError)")
                case .failure(let error):
                    print("\(time) \(name) error \(error.code.rawValue): \(error.description)")
                }
            }
            fflush(nil)
            if let ticks, tick >= ticks { break }
            next = next + interval.duration
            let now = clock.now
            if next < now { next = now }
            Thread.sleep(forTimeInterval: Double((next - now).components.seconds) + Double((next - now).components.attoseconds) / 1e18)
        }
    }

    /// One tick as a JSON line.
    struct Tick: Encodable {
        var tick: Int
        var time: String
        var segment: ReportJSON?
        var state: LiveState?
        var stateError: ErrorJSON?
        var error: ErrorJSON?

        init(tick: Int, time: String, result: Result<Snapshot, InterprocessError>) {
            self.tick = tick
            self.time = time
            switch result {
            case .success(let snapshot):
                let json = snapshot.json
                segment = json.segment
                state = json.state
                stateError = json.stateError
            case .failure(let error):
                self.error = ErrorJSON(error)
            }
        }
    }
}

extension ISO8601DateFormatter {
    /// Times with milliseconds, for `watch`.
    static var watch: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
