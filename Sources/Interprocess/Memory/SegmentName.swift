#if os(Linux)
/// A validated name for named shared memory: 1 to ``maximumLength`` characters from
/// `A–Z a–z 0–9 . _ -`, not starting with `.` (no hidden files, no `.` or `..`), and no `/`.
///
/// The rules keep a name meaning the same thing everywhere: a file in `/dev/shm`, an argument
/// to the CLI, a word in a log line.
public struct SegmentName: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The validated name, without a leading `/`.
    public let rawValue: String

    /// The longest name the platform accepts (a file name in `/dev/shm` on Linux; 30 on macOS,
    /// whose `PSHMNAMLEN` is 31 including the leading `/`).
    #if os(Linux)
    public static let maximumLength = 255
    #else
    public static let maximumLength = 30
    #endif

    /// Validates `name`; throws ``InterprocessError/Code/invalidName`` saying which rule it breaks.
    public init(_ name: String) throws(InterprocessError) {
        func invalid(_ reason: String) -> InterprocessError {
            InterprocessError(.invalidName, operation: "use the name", name: name, reason: reason)
        }
        let bytes = Array(name.utf8)
        if bytes.isEmpty { throw invalid("a name must not be empty") }
        if bytes.count > SegmentName.maximumLength {
            throw invalid("it is \(bytes.count) bytes long; the limit is \(SegmentName.maximumLength)")
        }
        if bytes[0] == UInt8(ascii: ".") { throw invalid("a name must not start with '.'") }
        for byte in bytes where !SegmentName.isAllowed(byte) {
            let shown = byte < 0x80 && byte >= 0x20 ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
            throw invalid("it contains \(shown); only letters, digits, '.', '_' and '-' are allowed")
        }
        rawValue = name
    }

    /// The name.
    public var description: String { rawValue }

    /// The argument `shm_open` and `shm_unlink` take: the name with a leading `/`.
    var systemName: String { "/" + rawValue }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
#endif
