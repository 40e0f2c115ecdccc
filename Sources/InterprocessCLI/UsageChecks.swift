import ArgumentParser
import Foundation
import Interprocess

/// The checks every command makes of its arguments before it touches anything, so that bad
/// usage exits 64 with a sentence naming the option, whichever command it is.
enum UsageChecks {
    /// A segment name the library accepts, or a usage error quoting the library's reason.
    static func segmentName(_ name: String) throws(ValidationError) {
        do {
            _ = try SegmentName(name)
        } catch {
            throw ValidationError("'\(name)' is not a valid segment name: \(error.reason)")
        }
    }

    /// A name to read from /dev/shm (any file there, even one the library would not create):
    /// a single path component.
    static func fileName(_ name: String) throws(ValidationError) {
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.contains("\0") else {
            throw ValidationError("'\(name)' is not a file name in /dev/shm (no '/', not empty, not '.' or '..')")
        }
    }

    /// A byte count with an optional K, M, G or T suffix, at least `minimum`.
    static func byteCount(_ text: String, option: String, minimum: Int = 1) throws(ValidationError) -> Int {
        guard let value = Formatting.parseSize(text) else {
            throw ValidationError("\(option) must be a number of bytes, optionally with K, M, G or T (got '\(text)')")
        }
        guard value >= minimum else {
            throw ValidationError("\(option) must be at least \(minimum) (got '\(text)')")
        }
        return value
    }

    /// A whole number within `range`.
    static func integer(_ text: String, option: String, in range: ClosedRange<Int>) throws(ValidationError) -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError("\(option) must be a whole number (got '\(text)')")
        }
        guard range.contains(value) else {
            throw ValidationError("\(option) must be from \(range.lowerBound) to \(range.upperBound) (got \(value))")
        }
        return value
    }

    /// The CPUs this process may run on (`Cpus_allowed_list` in /proc/self/status), or nil if
    /// that cannot be read.
    static func allowedCPUs() -> Set<Int>? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }) else {
            return nil
        }
        var cpus = Set<Int>()
        for part in line.dropFirst("Cpus_allowed_list:".count).split(separator: ",") {
            let bounds = part.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            switch bounds.count {
            case 1: cpus.insert(bounds[0])
            case 2 where bounds[0] <= bounds[1]: cpus.formUnion(bounds[0]...bounds[1])
            default: return nil
            }
        }
        return cpus.isEmpty ? nil : cpus
    }
}

extension InterprocessError.Code {
    /// Whether an error with this code means the user asked for something impossible (a bad
    /// name, a configuration out of range): bad usage, exit status 64.
    var isUsageError: Bool { self == .invalidName || self == .invalidArgument }
}

extension UsageChecks {
    /// A service name: a segment name short enough to leave room for its pools' suffix.
    static func serviceName(_ name: String) throws(ValidationError) {
        try segmentName(name)
        guard name.utf8.count <= Service.maximumNameLength else {
            throw ValidationError("'\(name)' is too long for a service name (at most \(Service.maximumNameLength) bytes: its pools add a suffix)")
        }
    }

    /// A duration that must be more than zero.
    static func positive(_ duration: DurationArgument?, option: String) throws(ValidationError) {
        if let duration, duration.duration <= .zero {
            throw ValidationError("\(option) must be more than 0 (got '\(duration)')")
        }
    }
}
