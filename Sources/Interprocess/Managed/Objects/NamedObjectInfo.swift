#if os(Linux)
/// What the directory of a ``ManagedSegment`` records about one named (or unique) object:
/// one element of ``ManagedSegment/namedObjects``.
///
/// ```swift
/// for object in try segment.namedObjects {
///     print(object.name, object.typeName, object.count, object.offset)
/// }
/// ```
public struct NamedObjectInfo: Sendable, Hashable, Codable {
    /// The object's name; for a unique object (``ManagedSegment/constructUnique(_:count:typeName:initializer:)``),
    /// its type name.
    public var name: String
    /// Whether it is the unique instance of its type rather than a named object.
    public var isUnique: Bool
    /// The type name it was constructed under (by default `String(reflecting: T.self)`).
    public var typeName: String
    /// The size of one element in bytes (`MemoryLayout<T>.size`).
    public var size: Int
    /// The alignment of one element in bytes.
    public var alignment: Int
    /// The distance between elements in bytes (`MemoryLayout<T>.stride`).
    public var stride: Int
    /// How many elements it holds.
    public var count: Int
    /// Where its first element lives.
    public var offset: SegmentOffset

    /// The bytes its elements take (`stride × count`).
    public var byteCount: Int { stride * count }

    /// Describes an object (for tests and tools; the segment makes these).
    public init(name: String, isUnique: Bool, typeName: String, size: Int, alignment: Int, stride: Int, count: Int, offset: SegmentOffset) {
        (self.name, self.isUnique, self.typeName) = (name, isUnique, typeName)
        (self.size, self.alignment, self.stride, self.count, self.offset) = (size, alignment, stride, count, offset)
    }

    private enum CodingKeys: String, CodingKey {
        case name, isUnique, typeName, size, alignment, stride, count, offset
    }

    /// Decodes the JSON that ``encode(to:)`` writes (the offset as a number).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try container.decode(String.self, forKey: .name), isUnique: try container.decode(Bool.self, forKey: .isUnique),
                  typeName: try container.decode(String.self, forKey: .typeName), size: try container.decode(Int.self, forKey: .size),
                  alignment: try container.decode(Int.self, forKey: .alignment), stride: try container.decode(Int.self, forKey: .stride),
                  count: try container.decode(Int.self, forKey: .count),
                  offset: SegmentOffset(rawValue: try container.decode(UInt64.self, forKey: .offset)))
    }

    /// Encodes every field, the offset as a number.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(isUnique, forKey: .isUnique)
        try container.encode(typeName, forKey: .typeName)
        try container.encode(size, forKey: .size)
        try container.encode(alignment, forKey: .alignment)
        try container.encode(stride, forKey: .stride)
        try container.encode(count, forKey: .count)
        try container.encode(offset.rawValue, forKey: .offset)
    }
}
#endif
