import ArgumentParser
import Interprocess

/// The options that configure a new service, shared by `create --kind service` and
/// `pub --create`: every number is text, checked here, so that a bad one is a usage error
/// (exit 64) naming the option.
struct ServiceOptions: ParsableArguments {
    @Option(name: .customLong("max-size"), parsing: .unconditional,
            help: ArgumentHelp("service: the largest sample in bytes (K, M, G suffixes; default 1M). pub: also the largest --bytes chunk.",
                               valueName: "bytes"))
    var maxSize: String?

    @Option(name: .customLong("max-subscribers"), parsing: .unconditional,
            help: ArgumentHelp("service: how many subscribers may attach at once (default 16).", valueName: "count"))
    var maxSubscribers: String?

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("service: how many of the latest samples stay readable for a lagging subscriber (default 16).",
                               valueName: "count"))
    var buffer: String?

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("service: how many past samples a subscriber that joins late receives first (default 0).",
                               valueName: "count"))
    var history: String?

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("service: how many samples one subscriber may hold at once (default 2).", valueName: "count"))
    var loans: String?

    /// The options given on the command line, by their spelling.
    var given: [String] {
        [(maxSize, "--max-size"), (maxSubscribers, "--max-subscribers"), (buffer, "--buffer"),
         (history, "--history"), (loans, "--loans")].compactMap { $0.0 == nil ? nil : $0.1 }
    }

    /// Every option this group has, by its spelling.
    static let all: Set<String> = ["--max-size", "--max-subscribers", "--buffer", "--history", "--loans"]

    /// The largest sample asked for, if `--max-size` was given.
    func maximumSize() throws(ValidationError) -> Int? {
        try maxSize.map { (text) throws(ValidationError) in
            let size = try UsageChecks.byteCount(text, option: "--max-size")
            let range = Service.maximumPayloadSizeRange
            guard range.contains(size) else {
                throw ValidationError("--max-size must be from \(range.lowerBound) to \(range.upperBound) bytes (got '\(text)')")
            }
            return size
        }
    }

    /// A byte-sample configuration from the options (the library's defaults for those not
    /// given), every number in the library's range.
    func configuration() throws(ValidationError) -> ServiceConfiguration {
        func number(_ text: String?, _ option: String, _ range: ClosedRange<Int>) throws(ValidationError) -> Int? {
            try text.map { (text) throws(ValidationError) in try UsageChecks.integer(text, option: option, in: range) }
        }
        var configuration = ServiceConfiguration()
        if let size = try maximumSize() { configuration.payload = .bytes(maximumSize: size) }
        if let value = try number(maxSubscribers, "--max-subscribers", Service.maximumSubscribersRange) {
            configuration.maximumSubscribers = value
        }
        if let value = try number(buffer, "--buffer", Service.bufferCapacityRange) { configuration.bufferCapacity = value }
        if let value = try number(history, "--history", 0...configuration.bufferCapacity) { configuration.history = value }
        if let value = try number(loans, "--loans", Service.maximumLoansPerSubscriberRange) {
            configuration.maximumLoansPerSubscriber = value
        }
        return configuration
    }

    /// The first option given that `existing` does not match, as "--buffer 4 (it has 8)", or nil
    /// (`asked` is ``configuration()``).
    func firstMismatch(of asked: ServiceConfiguration, with existing: ServiceConfiguration) -> String? {
        let checks: [(String?, String, Int, Int)] = [
            (maxSize, "--max-size", asked.payload.size, existing.payload.isFixedSize ? -1 : existing.payload.size),
            (maxSubscribers, "--max-subscribers", asked.maximumSubscribers, existing.maximumSubscribers),
            (buffer, "--buffer", asked.bufferCapacity, existing.bufferCapacity),
            (history, "--history", asked.history, existing.history),
            (loans, "--loans", asked.maximumLoansPerSubscriber, existing.maximumLoansPerSubscriber),
        ]
        guard let (_, option, value, theirs) = checks.first(where: { $0.0 != nil && $0.2 != $0.3 }) else { return nil }
        return "\(option) \(value) (it has " + (theirs < 0 ? "fixed-size values of \(existing.payload.size) bytes)" : "\(theirs))")
    }
}
