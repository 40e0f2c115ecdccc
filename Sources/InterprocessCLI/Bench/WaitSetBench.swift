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
    /// p50 and p99.9 over the one-listener wait set's, same run.
    var ratioToOneListener: Percentiles?
}

/// The wait set group: ping-pong between two pinned processes through event services. The bench
/// notifies one of the peer's N listeners (N = 1 or 1,000, all in one `WaitSet`; a different
/// one each round), the peer's wait set returns, the peer takes the ids and notifies back a
/// listener the bench waits on in a wait set of its own. Beside it, the same ping-pong with
/// plain blocked `Listener.wait()` on both sides (futex, no wait set).
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
        let prefix = "ipc-bench-ws-\(getpid())"
        let configuration = EventServiceConfiguration(maximumEventID: 63, maximumListeners: 1, maximumNotifiers: 1)
        var names = (0..<count).map { "\(prefix)-\($0)" }
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
        var histogram = Histogram<UInt64>(highestTrackableValue: LatencyDriver.highestTrackable, numberOfSignificantValueDigits: .three)
        for round in 0..<(warmup + rounds) {
            let target = pings[(round &* 7919) % count]
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
                let nanoseconds = settings.clock.nanoseconds(ticks)
                histogram.record(min(UInt64(max(1, nanoseconds)), LatencyDriver.highestTrackable))
            }
        }
        try pings[0].handle.notify(stopID)
        try peer.wait()
        return WaitSetRow(transport: benchCase.transport, role: benchCase.transport.role, listeners: count, rounds: rounds,
                          oneWayNanoseconds: Percentiles(oneWayFrom: histogram))
    }

    /// The peer's side: N listeners (in one wait set, or the one listener blocked), answering
    /// each wake-up with a pong, until the stop id.
    static func peer(transport: BenchTransport, prefix: String, count: Int) throws {
        var listeners: [Shared<Listener>] = []
        let waitSet = try WaitSet()
        var owner: [WaitSet.Attachment: Int] = [:]
        for index in 0..<count {
            let listener = Shared(try Listener(service: EventService(open: "\(prefix)-\(index)", timeout: .seconds(30))))
            owner[try waitSet.attach(listener.handle)] = index
            listeners.append(listener)
        }
        let pong = try Notifier(service: EventService(open: "\(prefix)-pong", timeout: .seconds(30)))
        try pong.notify(1)
        while true {
            var stop = false
            if transport == .waitset {
                for ready in try waitSet.wait(timeout: .seconds(60)) {
                    if let index = owner[ready], let ids = listeners[index].handle.tryWait(), ids.contains(stopID) { stop = true }
                }
            } else {
                stop = try listeners[0].handle.wait(timeout: .seconds(60)).contains(stopID)
            }
            if stop { return }
            try pong.notify(0)
        }
    }

    /// The group's table.
    static func table(_ rows: [WaitSetRow]) -> String {
        var text = "\nWait sets: one-way wake-up latency (round trip / 2), a notify in one process to the other's wait returning, in ns. "
        text += "×1: over the one-listener wait set's, same run (target: p50 of 1,000 listeners within 1.2×).\n\n"
        var table = [["transport", "listeners", "p50", "p90", "p99", "p99.9", "max", "×1 p50", "×1 p99.9", "round trips"]]
        for row in rows {
            let value = row.oneWayNanoseconds
            table.append([BenchTable.label(row.transport, row.role), String(row.listeners), BenchTable.ns(value.p50), BenchTable.ns(value.p90),
                          BenchTable.ns(value.p99), BenchTable.ns(value.p999), BenchTable.ns(value.max),
                          BenchTable.ratio(row.ratioToOneListener?.p50), BenchTable.ratio(row.ratioToOneListener?.p999), String(row.rounds)])
        }
        return text + Formatting.table(table) + "\n"
    }

    /// Fills each row's ratio to the one-listener wait set's row.
    static func computeRatios(_ rows: inout [WaitSetRow]) {
        guard let one = rows.first(where: { $0.transport == .waitset && $0.listeners == 1 }) else { return }
        for index in rows.indices { rows[index].ratioToOneListener = rows[index].oneWayNanoseconds.ratio(to: one.oneWayNanoseconds) }
    }
}
