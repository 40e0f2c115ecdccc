#if os(Linux)
// TEMPORARY stand-in for the heap branch's SegmentOffset (heap-spec.md), so that the objects
// code builds before issue10-heap is merged; deleted at the merge.
public struct SegmentOffset: RawRepresentable, Hashable, Comparable, Sendable, BitwiseCopyable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public static let null = SegmentOffset(rawValue: 0)
    public var isNull: Bool { rawValue == 0 }
    public static func + (lhs: SegmentOffset, rhs: UInt64) -> SegmentOffset { SegmentOffset(rawValue: lhs.rawValue &+ rhs) }
    public static func < (lhs: SegmentOffset, rhs: SegmentOffset) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "0x" + String(rawValue, radix: 16) }
}
#endif
