import ArgumentParser
import Foundation
import Interprocess

/// `interprocess notify SERVICE ID...`: signals event ids through an ``EventService``.
struct NotifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Notify event ids to every listener of an event service.",
        discussion: """
            Attaches a notifier, notifies each ID in order (never blocking) and detaches. Exits 1 \
            when the service does not exist (--timeout waits for it to appear), 64 for an id \
            outside the service's 0...maximumEventID. With --json: {"notified": {"service", \
            "ids", "listeners"}}.
            """
    )

    @Argument(help: "The event service's name.")
    var service: String

    @Argument(help: "The event ids to notify (0...maximumEventID).")
    var ids: [Int]

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Wait this long for the service to appear (e.g. 5s).", valueName: "duration"))
    var timeout: DurationArgument?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try UsageChecks.segmentName(service)
        try UsageChecks.positive(timeout, option: "--timeout")
        guard !ids.isEmpty else { throw ValidationError("give at least one event id") }
    }

    struct Result: Encodable {
        var service: String
        var ids: [Int]
        var listeners: Int
    }

    func run() throws {
        let result: Result
        do {
            let opened = if let timeout { try EventService(open: service, timeout: timeout.duration) } else { try EventService(open: service) }
            let notifier = try Notifier(service: opened)
            try notifier.notify(ids.map { EventID($0) })
            result = Result(service: service, ids: ids, listeners: opened.state.listeners.count)
        } catch {
            throw output.report(error)
        }
        if output.json {
            try output.printJSON(["notified": result])
        } else {
            print("notified \(Formatting.count(ids.count, "event")) to '\(service)' (\(Formatting.count(result.listeners, "listener")))")
        }
    }
}

/// `interprocess listen SERVICE`: prints the event ids an ``EventService`` notifies.
struct ListenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Print the event ids notified to an event service as they come (one line per wait).",
        discussion: """
            Attaches a listener and prints, for each wait, the ids notified since the previous \
            one in increasing order, separated by spaces (an id notified several times between \
            two waits appears once). With --json, one object per line: {"events": [ids]}. \
            --create makes the service (with --maximum-event-id) when it does not exist. Exits 0 \
            after --count ids or when interrupted (SIGINT, SIGTERM); 1 when the service does not \
            exist (--timeout waits for it to appear) or --timeout passes with no event.
            """
    )

    @Argument(help: "The event service's name.")
    var service: String

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Exit after this many ids (default: until interrupted).", valueName: "count"))
    var count: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "Wait this long for the service to appear, then at most this long for each event (e.g. 5s); default: forever.",
        valueName: "duration"))
    var timeout: DurationArgument?

    @Flag(name: .long, help: "Create the service if it does not exist.")
    var create = false

    @Option(name: .customLong("maximum-event-id"), help: "With --create: the largest event id (default 63).")
    var maximumEventID = 63

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try UsageChecks.segmentName(service)
        try UsageChecks.positive(timeout, option: "--timeout")
        if let count { _ = try UsageChecks.integer(count, option: "--count", in: 1...Int.max) }
    }

    func run() throws {
        let limit = try count.map { try UsageChecks.integer($0, option: "--count", in: 1...Int.max) }
        StopSignal.install()
        signal(SIGPIPE, SIG_IGN)
        var received = 0
        do throws(InterprocessError) {
            let opened: EventService
            if create {
                do throws(InterprocessError) {
                    opened = try EventService(open: service)
                } catch {
                    guard error.code == .notFound else { throw error }
                    opened = try EventService(openOrCreate: service, configuration: .init(maximumEventID: maximumEventID))
                }
            } else {
                opened = if let timeout { try EventService(open: service, timeout: timeout.duration) } else { try EventService(open: service) }
            }
            let listener = try Listener(service: opened)
            var idle = timeout.map { Deadline.after($0.duration) } ?? .never
            while limit.map({ received < $0 }) ?? true, !StopSignal.requested {
                let fired: EventSet
                do throws(InterprocessError) {
                    fired = try listener.wait(until: Deadline.after(StopSignal.slice).earlier(than: idle))
                } catch {
                    if error.code != .timedOut || idle.hasPassed { throw error }
                    continue
                }
                received += fired.count
                idle = timeout.map { Deadline.after($0.duration) } ?? .never
                // Written at once, not through stdio's buffer: a pipe's reader sees each wait as it ends.
                let line = output.json
                    ? (try? OutputOptions.encode(["events": fired.map(\.rawValue)], pretty: false)) ?? "{}"
                    : fired.map(\.description).joined(separator: " ")
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
        } catch {
            throw output.report(error)
        }
        printError("received \(Formatting.count(received, "event")) from '\(service)'" + (StopSignal.requested ? "; stopped by a signal" : ""))
    }
}

/// An event service's state as `inspect` rows.
enum EventServiceText {
    static func rows(_ state: EventServiceState) -> [[String]] {
        let configuration = state.configuration
        var rows: [[String]] = [
            ["event ids", "0...\(configuration.maximumEventID)"],
            ["limits", "\(configuration.maximumListeners) listeners, \(configuration.maximumNotifiers) notifiers"],
        ]
        for listener in state.listeners {
            let pending = listener.pendingEventIDs.isEmpty ? "none" : listener.pendingEventIDs.map(String.init).joined(separator: " ")
            rows.append(["listener \(listener.index)", "\(LiveState.describe(listener.process.identity, listener.process.liveness)), pending \(pending)"
                + (listener.sleeping ? ", waiting" : "") + (listener.inWaitSet ? ", in a wait set" : "")])
        }
        for notifier in state.notifiers {
            rows.append(["notifier \(notifier.index)", "\(LiveState.describe(notifier.process.identity, notifier.process.liveness)), \(Formatting.count(Int(notifier.notificationCount), "notification"))"])
        }
        if state.listeners.isEmpty { rows.append(["listeners", "none"]) }
        if state.notifiers.isEmpty { rows.append(["notifiers", "none"]) }
        return rows
    }
}
