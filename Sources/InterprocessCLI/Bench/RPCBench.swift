import CInterprocessBench
import Histogram
import Interprocess

/// The request/response group of issue 11 (`--only rpc`): the round trip of an 8-byte request
/// and its 8-byte response between two pinned processes, beside the same run's C spin
/// ping-pong round trip (the floor; target: p50 ≤ 2.5× it).
///
/// The client sends the round number (`send(_:)`, written in place) and waits in
/// `receiveResponse(to:as:until:)`; the server waits in `receive(until:)` and answers with
/// `respond(_:)`. Both blocking forms spin before they park, so with both processes awake no
/// round trip sleeps (`sleeps/round` says whether one did).
enum RPCBench {
    /// The cases, the floor first.
    static let cases: [BenchCase] = [BenchCase(group: .rpc, transport: .cSpin, messageSize: 8),
                                     BenchCase(group: .rpc, transport: .rpc, messageSize: 8)]

    /// The service of a case: one client, one request in flight, one response.
    static let configuration = RequestResponseConfiguration(maximumRequestSize: 8, maximumResponseSize: 8, maximumClients: 1,
                                                            requestsInFlightPerClient: 1, responsesPerRequest: 1)

    /// Runs the selected cases; returns their rows with ratios over the floor of the same run.
    static func run(_ selections: [BenchSelection], settings: BenchSettings, progress: inout BenchProgress, serial: inout Int) throws -> [RPCRow] {
        var rows: [RPCRow] = []
        let runner = CaseRunner(settings: settings)
        for benchCase in cases where BenchSelection.selects(selections, benchCase) {
            serial += 1
            progress.starting(benchCase)
            // The floor runs as the latency group's case, unchanged.
            let runCase = benchCase.transport == .cSpin ? BenchCase(group: .latency, transport: .cSpin, messageSize: 8) : benchCase
            let measured = try runner.run(runCase, serial: serial) { control, peer in
                LatencyDriver(control: control, peer: peer, settings: settings, warmup: settings.latencyWarmup)
            }
            rows.append(RPCRow(transport: benchCase.transport, role: benchCase.transport.role, rounds: measured.rounds,
                               roundTripNanoseconds: Percentiles(roundTrips: measured.roundTrips),
                               sleepsPerRoundTrip: measured.sleepsPerRoundTrip))
        }
        if let floor = rows.first(where: { $0.transport == .cSpin }) {
            for index in rows.indices { rows[index].ratioToFloor = rows[index].roundTripNanoseconds.ratio(to: floor.roundTripNanoseconds) }
        }
        return rows
    }

    /// The rows as a table.
    static func table(_ rows: [RPCRow]) -> String {
        guard !rows.isEmpty else { return "" }
        let text = "\nRequest/response, 8-byte request and response, round trip in ns. ×floor: over c-spin's round trip (same run).\n\n"
        var table = [["case", "p50", "p90", "p99", "p99.9", "max", "× p50", "× p99", "sleeps/round", "rounds"]]
        for row in rows {
            let value = row.roundTripNanoseconds
            table.append([BenchTable.label(row.transport, row.role), BenchTable.ns(value.p50), BenchTable.ns(value.p90), BenchTable.ns(value.p99),
                          BenchTable.ns(value.p999), BenchTable.ns(value.max), BenchTable.ratio(row.ratioToFloor?.p50),
                          BenchTable.ratio(row.ratioToFloor?.p99), String(format: "%.2f", row.sleepsPerRoundTrip), String(row.rounds)])
        }
        return text + Formatting.table(table) + "\n"
    }
}

/// A request/response case's result.
struct RPCRow: Codable {
    var transport: BenchTransport
    var role: BenchRole
    var rounds: Int
    /// Whole round trips (request sent → response received), in nanoseconds.
    var roundTripNanoseconds: Percentiles
    var sleepsPerRoundTrip: Double
    /// Each percentile over the C spin floor's.
    var ratioToFloor: Percentiles?
}

extension Percentiles {
    /// The round-trip percentiles themselves.
    init(roundTrips: Histogram<UInt64>) {
        self.init(p50: Double(roundTrips.valueAtPercentile(50)), p90: Double(roundTrips.valueAtPercentile(90)),
                  p99: Double(roundTrips.valueAtPercentile(99)), p999: Double(roundTrips.valueAtPercentile(99.9)), max: Double(roundTrips.max))
    }
}

/// Either side of the request/response round trip: the bench process is the client, its peer
/// the server, of the service `queueNames[0]`.
struct RPCSide: BenchSide, ~Copyable {
    var client: Client?
    var server: Server?

    init(_ context: SideContext, initiates: Bool) throws {
        let service = try RequestResponseService(open: context.queueNames[0])
        if initiates { client = try Client(service: service) } else { server = try Server(service: service) }
    }

    mutating func run(_ phase: BenchPhase) throws {
        if client != nil {
            try rpcInitiate(&client!, phase)
        } else {
            try rpcRespond(&server!, phase)
        }
    }
}

/// The client: per round, sends the round number and waits for its echo; records the round trip.
func rpcInitiate(_ client: inout Client, _ phase: BenchPhase) throws {
    let samples = phase.samples
    let deadline = Deadline(nanoseconds: phase.deadline)
    let count = phase.count
    var round = phase.first
    var index = 0
    var start = benchTicks()
    while index < count {
        let id = try client.send(round, until: deadline)
        guard let echo = try client.receiveResponse(to: id, as: UInt64.self, until: deadline), echo == round else {
            throw BenchFailure("no or a wrong response to round \(round)")
        }
        let now = benchTicks()
        if let samples { samples[index] = now &- start }
        start = now
        index &+= 1
        round &+= 1
    }
}

/// The server: per round, receives the request and answers with its round number.
func rpcRespond(_ server: inout Server, _ phase: BenchPhase) throws {
    let deadline = Deadline(nanoseconds: phase.deadline)
    var index = 0
    while index < phase.count {
        var request = try server.receive(until: deadline)
        let round = try request.load(as: UInt64.self)
        try request.respond(round)
        index &+= 1
    }
}
