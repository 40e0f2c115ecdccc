import Interprocess

/// One case of the pubsub group: a transport, a payload size and, for `pubsub-fanout`, how many
/// subscriber processes are attached.
struct PubSubCase: CustomStringConvertible {
    var transport: BenchTransport
    var payloadBytes: Int
    var subscribers = 1

    /// The case as `--only` sees it (group `pubsub`).
    var selectionCase: BenchCase { BenchCase(group: .pubsub, transport: transport, messageSize: payloadBytes) }

    /// The case its sides run as: the C spin floor is the latency group's, unchanged.
    var runCase: BenchCase {
        BenchCase(group: transport == .cSpin ? .latency : .pubsub, transport: transport, messageSize: payloadBytes)
    }

    var description: String {
        transport == .pubsubFanout
            ? "pubsub \(transport.rawValue) \(payloadBytes) B, \(subscribers) subscriber\(subscribers == 1 ? "" : "s")"
            : "pubsub \(transport.rawValue) \(payloadBytes) B"
    }
}

/// The publish/subscribe cases of issue 9 (`--only pubsub`), beside same-run C baselines:
///
/// - `c-spin` (floor): the latency group's spin ping-pong, the handoff floor;
/// - `c-pubsub-protocol`: the pub/sub handoff protocol in plain C (``ipcb_pubsub_protocol_initiate``);
/// - `pubsub`: ping-pong over two services, one each way (see ``pubsubInitiate``), one way =
///   round trip / 2: loan, write a small header, send; receive, read the header, release;
/// - `c-memcpy-spin`: the spin ping-pong with the whole message copied in and out (C);
/// - `pubsub-full`: as `pubsub`, the publisher writing the whole payload and the subscriber
///   copying it all out, the same memory work as `c-memcpy-spin`;
/// - `pubsub-fanout`: the time of one `send` call with 1, 4 and 16 subscriber processes.
enum PubSubBench {
    /// The payload sizes of the handoff cases.
    static let payloadSizes = [8, 1024, 64 * 1024, 1 << 20, 4 << 20]
    /// The subscriber processes of the fanout cases.
    static let fanoutSubscriberCounts = [1, 4, 16]
    /// The fanout cases' samples: a 16-byte header (sequence number and send tick).
    static let fanoutPayloadBytes = 16
    /// How often the fanout publisher sends: one sample every 2 µs, so that the subscribers read
    /// (and pin) each sample between two sends, as they do at any rate they keep up with.
    static let fanoutPeriodNanoseconds = 2000.0

    /// Every case, in the order they run: the floor first, each `pubsub-full` right after its
    /// C baseline of the same size.
    static let cases: [PubSubCase] = [PubSubCase(transport: .cSpin, payloadBytes: 8),
                                      PubSubCase(transport: .cPubSubProtocol, payloadBytes: 8)]
        + payloadSizes.map { PubSubCase(transport: .pubsub, payloadBytes: $0) }
        + payloadSizes.flatMap { size in
            [PubSubCase(transport: .cMemcpySpin, payloadBytes: size), PubSubCase(transport: .pubsubFull, payloadBytes: size)]
        }
        + fanoutSubscriberCounts.map {
            PubSubCase(transport: .pubsubFanout, payloadBytes: fanoutPayloadBytes, subscribers: $0)
        }

    /// The cases `selections` select.
    static func selected(_ selections: [BenchSelection]) -> [PubSubCase] {
        cases.filter { BenchSelection.selects(selections, $0.selectionCase) }
    }

    /// The services of the ping-pong cases: one subscriber, one loan, a buffer of one sample.
    /// A ping-pong never has two samples in flight, and with `bufferCapacity` 1 the publisher
    /// cycles through two slots (the descriptor ring rounds `bufferCapacity + 1` up to a power
    /// of two), so a 4 MiB payload keeps 8 MiB per direction in the cache, as the C baseline's
    /// shared buffer does.
    static func pingPongConfiguration(payloadBytes: Int) -> ServiceConfiguration {
        ServiceConfiguration(payload: .bytes(maximumSize: payloadBytes), maximumSubscribers: 1, bufferCapacity: 1,
                             history: 0, maximumLoansPerSubscriber: 1)
    }

    /// The fanout service: the default configuration (16 subscribers, a buffer of 16 samples,
    /// 2 loans each, `.dropOldest`) with 16-byte samples, the same for 1, 4 and 16 subscribers.
    static let fanoutConfiguration = ServiceConfiguration(payload: .bytes(maximumSize: fanoutPayloadBytes))

    /// Creates the two services of a ping-pong case (ping, then pong); returns their names.
    /// Names created before a failure are appended to `names` first, so that the caller
    /// removes them.
    static func createPingPongServices(prefix: String, payloadBytes: Int, into names: inout [String]) throws {
        for direction in ["ping", "pong"] {
            let name = "\(prefix)-\(direction)"
            _ = try Service(create: name, configuration: pingPongConfiguration(payloadBytes: payloadBytes))
            names.append(name)
        }
    }

    /// Runs the selected cases; returns their rows with ratios over the same run's baselines.
    static func run(
        _ selections: [BenchSelection], settings: BenchSettings, progress: inout BenchProgress, serial: inout Int
    ) throws -> [PubSubRow] {
        var rows: [PubSubRow] = []
        let runner = CaseRunner(settings: settings)
        for pubsubCase in selected(selections) {
            serial += 1
            progress.starting(pubsubCase)
            if pubsubCase.transport == .pubsubFanout {
                let measured = try FanoutRunner(settings: settings).run(subscribers: pubsubCase.subscribers, serial: serial)
                rows.append(PubSubRow(pubsubCase, rounds: measured.rounds, nanoseconds: Percentiles(measured.sendTicks),
                                      meanNanoseconds: measured.sendTicks.trimmedMean, sleepsPerRound: measured.sleepsPerSample, clockOverhead: measured.clockOverheadNanoseconds))
                continue
            }
            let size = pubsubCase.payloadBytes
            // The handoff alone costs the same at every size: a full warm-up. Copying the payload
            // makes rounds longer: fewer, as the latency group's payload cases do.
            let base = settings.latencyWarmup
            let warmup = pubsubCase.transport == .pubsub || pubsubCase.transport == .cPubSubProtocol || size <= BenchCase.latencyMessageSize
                ? base : max(min(base, 50), base * BenchCase.latencyMessageSize / size)
            let measured = try runner.run(pubsubCase.runCase, serial: serial) { control, peer in
                LatencyDriver(control: control, peer: peer, settings: settings, warmup: warmup)
            }
            rows.append(PubSubRow(pubsubCase, rounds: measured.rounds, nanoseconds: Percentiles(oneWayFrom: measured.roundTrips),
                                  meanNanoseconds: measured.roundTrips.trimmedMean / 2, sleepsPerRound: measured.sleepsPerRoundTrip, clockOverhead: nil))
        }
        PubSubRow.computeRatios(&rows)
        return rows
    }
}
