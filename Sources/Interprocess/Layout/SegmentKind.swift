/// What a segment holds, recorded in its header so that opening a queue as a mutex is an error
/// (``InterprocessError/Code/wrongKind``) and not corruption.
///
/// Kinds are fixed numbers in the file format (`docs/FORMAT.md`); each layer of the library
/// registers its own. Numbers from 0x8000_0000 up are left for applications.
public struct SegmentKind: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The number stored in the header.
    public let rawValue: UInt32

    /// A kind with the given number.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// A plain segment: the header, then bytes the application lays out itself
    /// (what `interprocess create` makes).
    public static let raw = SegmentKind(rawValue: 1)

    /// The kinds the library knows, with their names.
    public static let known: [SegmentKind: String] = [.raw: "raw"]

    /// The kind's name, or "kind N" for one this library does not know.
    public var name: String { SegmentKind.known[self] ?? "kind \(rawValue)" }

    /// The kind's name.
    public var description: String { name }
}
