#if os(Linux)
/// A byte offset from the start of a ``ManagedSegment``: the same in every process, whatever
/// address each one maps the segment at. Offset 0 is the segment's header and never an
/// allocation, so ``null`` (0) means "none".
///
/// ```swift
/// let record = try segment.allocate(byteCount: 64)
/// queue.send(record.rawValue)              // another process turns it back into memory
/// try segment.deallocate(record)
/// ```
@frozen
public struct SegmentOffset: RawRepresentable, Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible {
    /// The distance in bytes from the start of the segment.
    public var rawValue: UInt64

    /// An offset of `rawValue` bytes.
    @inlinable
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// "No offset": 0, which no allocation ever returns.
    public static let null = SegmentOffset(rawValue: 0)

    /// Whether this is ``null``.
    @inlinable
    public var isNull: Bool { rawValue == 0 }

    /// The offset `rhs` bytes further on. Wraps on overflow (the segment rejects the result
    /// when it is used: an offset outside the mapping is a typed error, never an access).
    @inlinable
    public static func + (lhs: SegmentOffset, rhs: UInt64) -> SegmentOffset {
        SegmentOffset(rawValue: lhs.rawValue &+ rhs)
    }

    /// Orders offsets by position in the segment.
    @inlinable
    public static func < (lhs: SegmentOffset, rhs: SegmentOffset) -> Bool { lhs.rawValue < rhs.rawValue }

    /// "@0x1f40", or "null".
    public var description: String { isNull ? "null" : "@0x" + String(rawValue, radix: 16) }
}
#endif
