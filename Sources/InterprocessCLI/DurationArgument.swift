import ArgumentParser

/// A duration on the command line: a number and a unit, or several (`500ms`, `30s`, `10m`,
/// `2h`, `1d`, `1h30m`). Anything else is a usage error (exit status 64).
struct DurationArgument: ExpressibleByArgument, CustomStringConvertible {
    /// The duration.
    var duration: Duration
    /// The text it was parsed from.
    var description: String

    init?(argument: String) {
        guard let duration = DurationArgument.parse(argument) else { return nil }
        self.duration = duration
        description = argument
    }

    static let units: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// Parses `text`, or nil if it is not one or more `<digits><unit>` pairs.
    static func parse(_ text: String) -> Duration? {
        var rest = Substring(text)
        var total: Int64 = 0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 9, let value = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unitText = rest.prefix { $0.isASCII && $0.isLetter }
            guard let unit = units.first(where: { $0.suffix == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            let (product, overflow) = value.multipliedReportingOverflow(by: unit.milliseconds)
            guard !overflow else { return nil }
            let (sum, wrapped) = total.addingReportingOverflow(product)
            guard !wrapped else { return nil }
            total = sum
        }
        return .milliseconds(total)
    }
}
