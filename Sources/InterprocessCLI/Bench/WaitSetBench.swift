import CInterprocessBench
import Foundation
import Histogram
import Interprocess

/// One wait set case: the one-way wake-up latency from a `notify` in one process to the other
/// process's wait returning, half of a ping-pong round trip.
struct WaitSetRow: Codable {
    var transport: BenchTransport
    var role: BenchRole
    /// Listeners in the peer's wait set (one of them fired each round).
    var listeners: Int
    var rounds: Int
    var oneWayNanoseconds: Percentiles
    /// Over the one-listener wait set's: for the N-listener case, the one fired in alternate
    /// rounds of the same run (``interleavedOneListener``); for the others, the 1-listener row.
    var ratioToOneListener: Percentiles?
    /// For the N-listener case: the one-listener wait set of the same peer, fired in the
    /// alternate rounds.
    var interleavedOneListener: Percentiles?
}

/// The wait set group: ping-pong between two pinned processes through event services. The bench
/// notifies one of the peer's N listeners (N = 1 or 1,000, all in one `WaitSet`; a different
/// one each round), the peer's wait set returns, the peer takes the ids and notifies back a
/// listener the bench waits on in a wait set of its own. With 1,000, the rounds alternate with
/// a second, one-listener wait set of the same peer: the ratio compares the two under the same
/// CPU placement (which this project's VMs change every few minutes). Beside it, the same
/// ping-pong with plain blocked `Listener.wait()` on both sides (futex, no wait set).
enum WaitSetBench {
    static let cases: [BenchCase] = [
        BenchCase(group: .waitset, transport: .waitset, messageSize: 1),
        BenchCase(group: .waitset, transport: .waitset, messageSize: 1000),
        BenchCase(group: .waitset, transport: .listenerWait, messageSize: 1),
    ]

    /// The id that tells the peer to stop.
    static let stopID = EventID(63)

    static func run(_ benchCase: BenchCase, settings: BenchSettings, quick: Bool) throws -> WaitSetRow {
        let count = benchCase.messageSize
        let interleaved = count > 1 && benchCase.transport == .waitset
        let prefix = "ipc-bench-ws-\(getpid())"
        let configuration = EventServiceConfiguration(maximumEventID: 63, maximumListeners: 1, maximumNotifiers: 1)
        var names = (0..<count).map { "\(prefix)-\($0)" }
        if interleaved { names.append("\(prefix)-one") }
        names.append("\(prefix)-pong")
        defer { for name in names { try? EventService.remove(name) } }
        var pings: [Shared<Notifier>] = []
        for name in names.dropLast() { pings.append(Shared(try Notifier(service: EventService(create: name, configuration: configuration)))) }
        let pong = try Listener(service: EventService(create: names.last!, configuration: configuration))
        let waitSet = try WaitSet()
        let useWaitSet = benchCase.transport == .waitset
        if useWaitSet { _ = try waitSet.attach(pong) }
        var peer = try PeerProcess(arguments: [
            "bench-peer", "--group", "waitset", "--transport", benchCase.transport.rawValue, "--size", String(count),
            "--control", prefix, "--cpu", String(settings.peerCPU)], descriptors: [])
        // The peer says it is ready with a first pong.
        _ = try pong.wait(timeout: .seconds(30))
        let rounds = quick ? 2_000 : 200_000
        let warmup = quick ? 200 : 10_000
        func histogram() -> Histogram<UInt64> {
            Histogram<UInt64>(highestTrackableValue: LatencyDriver.highestTrackable, numberOfSignificantValueDigits: .three)
        }
        var many = histogram()
        var one = histogram()
        for round in 0..<(warmup + rounds) {
            // Interleaved: odd rounds fire the peer's one-listener wait set, even rounds one of
            // its N listeners, so that both see the same CPU placement and load.
            let firesOne = interleaved && round & 1 == 1
            // Interleaved, the N-listener rounds are the even ones: count them apart so that all
            // N listeners are fired, not only the even-numbered half.
            let turn = interleaved ? round >> 1 : round
            let target = firesOne ? pings[count] : pings[(turn &* 7919) % count]
            let start = benchTicks()
            try target.handle.notify(0)
            if useWaitSet {
                while true {
                    _ = try waitSet.wait(timeout: .seconds(10))
                    if pong.tryWait() != nil { break }
                }
            } else {
                _ = try pong.wait(timeout: .seconds(10))
            }
            let ticks = benchTicks() &- start
            if round >= warmup {
                let nanoseconds = min(UInt64(max(1, settings.clock.nanoseconds(ticks))), LatencyDriver.highestTrackable)
                if firesOne { one.record(nanoseconds) } else { many.record(nanoseconds) }
            }
        }
        // The peer waits on whichever set comes next: both hear the stop.
        try pings[0].handle.notify(stopID)
        if interleaved { try pings[count].handle.notify(stopID) }
        try peer.wait()
        var row = WaitSetRow(transport: benchCase.transport, role: benchCase.transport.role, listeners: count,
                             rounds: interleaved ? rounds / 2 : rounds, oneWayNanoseconds: Percentiles(oneWayFrom: many))
        if interleaved {
            let oneListener = Percentiles(oneWayFrom: one)
            row.interleavedOneListener = oneListener
            row.ratioToOneListener = row.oneWayNanoseconds.ratio(to: oneListener)
        }
        return row
    }

    /// The peer's side: N listeners (in one wait set, or the one listener blocked), answering
    /// each wake-up with a pong, until the stop id. With N > 1, a second wait set holds one more
    /// listener, and the peer waits on the two in turn (the bench fires them in turn).
    static func peer(transport: BenchTransport, prefix: String, count: Int) throws {
        var listeners: [Shared<Listener>] = []
        let waitSet = try WaitSet()
        var owner: [WaitSet.Attachment: Int] = [:]
        for index in 0..<count {
            let listener = Shared(try Listener(service: EventService(open: "\(prefix)-\(index)", timeout: .seconds(30))))
            owner[try waitSet.attach(listener.handle)] = index
            listeners.append(listener)
        }
        let oneSet = try WaitSet()
        var single: Shared<Listener>?
        if count > 1, transport == .waitset {
            let listener = Shared(try Listener(service: EventService(open: "\(prefix)-one", timeout: .seconds(30))))
            _ = try oneSet.attach(listener.handle)
            single = listener
        }
        let pong = try Notifier(service: EventService(open: "\(prefix)-pong", timeout: .seconds(30)))
        try pong.notify(1)
        var round = 0
        while true {
            var stop = false
            if transport != .waitset {
                stop = try listeners[0].handle.wait(timeout: .seconds(60)).contains(stopID)
            } else if count > 1, round & 1 == 1, let single {
                _ = try oneSet.wait(timeout: .seconds(60))
                stop = single.handle.tryWait()?.contains(stopID) ?? false
            } else {
                for ready in try waitSet.wait(timeout: .seconds(60)) {
                    if let index = owner[ready], let ids = listeners[index].handle.tryWait(), ids.contains(stopID) { stop = true }
                }
            }
            if stop { return }
            round &+= 1
            try pong.notify(0)
        }
    }

    /// The group's table.
    static func table(_ rows: [WaitSetRow]) -> String {
        var text = "\nWait sets: one-way wake-up latency (round trip / 2), a notify in one process to the other's wait returning, in ns. "
        text += "×1: over the one-listener wait set's; for 1,000 listeners, the one-listener wait set of the same peer fired in alternate rounds "
        text += "(same placement and load; its p50 in the last column; target: p50 of 1,000 listeners within 1.2×).\n\n"
        var table = [["transport", "listeners", "p50", "p90", "p99", "p99.9", "max", "×1 p50", "×1 p99.9", "round trips", "1 alternating p50"]]
        for row in rows {
            let value = row.oneWayNanoseconds
            table.append([BenchTable.label(row.transport, row.role), String(row.listeners), BenchTable.ns(value.p50), BenchTable.ns(value.p90),
                          BenchTable.ns(value.p99), BenchTable.ns(value.p999), BenchTable.ns(value.max),
                          BenchTable.ratio(row.ratioToOneListener?.p50), BenchTable.ratio(row.ratioToOneListener?.p999), String(row.rounds),
                          row.interleavedOneListener.map { BenchTable.ns($0.p50) } ?? "-"])
        }
        return text + Formatting.table(table) + "\n"
    }

    /// Fills each row's ratio to the one-listener wait set's row.
    static func computeRatios(_ rows: inout [WaitSetRow]) {
        guard let one = rows.first(where: { $0.transport == .waitset && $0.listeners == 1 }) else { return }
        for index in rows.indices where rows[index].interleavedOneListener == nil {
            rows[index].ratioToOneListener = rows[index].oneWayNanoseconds.ratio(to: one.oneWayNanoseconds)
        }
    }
}
