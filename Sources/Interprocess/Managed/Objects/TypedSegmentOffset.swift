#if os(Linux)
/// A ``SegmentOffset`` known to hold a `Pointee` (or several in a row): the typed handle a named
/// object, a container or a message refers to. Like the offset, it means the same in every
/// process that maps the segment, so it can be stored in the segment or sent over a queue.
///
/// ```swift
/// let counters = try segment.construct(UInt64.self, named: "counters", count: 4) { _ in 0 }
/// try segment.withMutableSpan(of: counters, count: 4) { span in span[2] += 1 }
/// ```
///
/// A typed offset read from shared memory is hostile input like any word there: the segment's
/// accessors (``ManagedSegment/pointer(to:count:)``, ``ManagedSegment/withSpan(of:count:_:)``)
/// check it against the mapping and `Pointee`'s alignment before use.
@frozen
public struct TypedSegmentOffset<Pointee: BitwiseCopyable>: Hashable, Sendable, BitwiseCopyable, CustomStringConvertible {
    /// The untyped offset from the start of the segment.
    public let offset: SegmentOffset

    /// The typed form of `offset`; nothing is checked until it is used with a segment.
    @inlinable
    public init(_ offset: SegmentOffset) { self.offset = offset }

    /// The null offset: no object.
    @inlinable
    public static var null: TypedSegmentOffset<Pointee> { TypedSegmentOffset(.null) }

    /// Whether this is the null offset.
    @inlinable
    public var isNull: Bool { offset.isNull }

    /// The offset of the element `index` places further (`index` × the stride of `Pointee`),
    /// or nil if that overflows.
    @inlinable
    public func advanced(by index: Int) -> TypedSegmentOffset<Pointee>? {
        guard index >= 0 else { return nil }
        let (bytes, overflow) = UInt64(index).multipliedReportingOverflow(by: UInt64(MemoryLayout<Pointee>.stride))
        let (raw, carry) = offset.rawValue.addingReportingOverflow(bytes)
        guard !overflow, !carry else { return nil }
        return TypedSegmentOffset(SegmentOffset(rawValue: raw))
    }

    /// "0x1040 as UInt64".
    public var description: String { "\(offset) as \(Pointee.self)" }
}
#endif
