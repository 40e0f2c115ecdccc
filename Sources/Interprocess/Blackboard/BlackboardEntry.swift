#if os(Linux)
extension Blackboard {
    /// A key of a blackboard entry: a short name or a number.
    ///
    /// ```swift
    /// let a: Blackboard.Key = "position"   // a name (1 to 40 bytes of UTF-8)
    /// let b: Blackboard.Key = 7            // a number
    /// ```
    public enum Key: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        /// A name, 1 to ``Blackboard/maximumKeyLength`` bytes of UTF-8.
        case name(String)
        /// A number.
        case number(UInt64)

        /// A name key.
        public init(stringLiteral value: String) { self = .name(value) }
        /// A number key.
        public init(integerLiteral value: UInt64) { self = .number(value) }

        /// The key as error messages and tools show it: `'position'` or `#7`.
        public var description: String {
            switch self {
            case .name(let name): "'\(name)'"
            case .number(let number): "#\(number)"
            }
        }
    }

    /// One entry of a blackboard's fixed list, given at creation: its key, the size of its
    /// values, and whether they are values of one type or bytes.
    ///
    /// ```swift
    /// let entries: [Blackboard.Entry] = [
    ///     .value("pose", of: Pose.self),       // a BitwiseCopyable value
    ///     .bytes("status", capacity: 256),     // up to 256 bytes (or UTF-8 text)
    /// ]
    /// ```
    public struct Entry: Sendable, Hashable, Codable {
        /// The entry's key.
        public var key: Key
        /// What it holds.
        public var content: Content
        /// The size of its values, or the most bytes it holds, in bytes.
        public var size: Int
        /// The value type's name (`_typeName`, unqualified, so that two programs declaring the
        /// same struct agree), or nil for bytes.
        public var typeName: String?

        /// What an entry holds.
        public enum Content: String, Sendable, Hashable, Codable {
            /// Values of one type (`size` bytes each).
            case value
            /// Byte strings of up to `size` bytes (and UTF-8 text).
            case bytes
        }

        /// An entry holding values of `type` (their size and type name are recorded).
        public static func value<Value: InterprocessValue>(_ key: Key, of type: Value.Type) -> Entry {
            Entry(key: key, content: .value, size: MemoryLayout<Value>.size, typeName: Blackboard.typeName(of: type))
        }

        /// An entry holding byte strings (or UTF-8 text) of up to `capacity` bytes.
        public static func bytes(_ key: Key, capacity: Int) -> Entry {
            Entry(key: key, content: .bytes, size: capacity, typeName: nil)
        }

        /// An entry from its fields (as ``Blackboard/State`` reports them).
        public init(key: Key, content: Content, size: Int, typeName: String?) {
            self.key = key
            self.content = content
            self.size = size
            self.typeName = typeName
        }
    }

    /// The name recorded for a value type: unqualified, so that two programs that each declare
    /// the same struct agree; at most ``maximumKeyLength`` bytes are kept.
    static func typeName<Value>(of type: Value.Type) -> String {
        String(decoding: _typeName(type, qualified: false).utf8.prefix(BlackboardLayout.nameCapacity), as: UTF8.self)
    }
}

/// A resolved entry of one ``Blackboard``, ready for reads and writes without a lookup: its
/// index and size, checked once against the value type by `Blackboard.key(_:as:)`.
///
/// `Value` is the entry's value type, `[UInt8]` for its bytes or `String` for UTF-8 text.
/// A key is only meaningful with the board it came from (or another opening of the same one);
/// one whose entry lies outside another board stops the process (a programming error, as an
/// index out of an array's range), so it can never read or write past that board.
@frozen
public struct BlackboardKey<Value>: Sendable, Hashable {
    /// The entry's index in the board's list.
    public let index: Int
    /// The offset of the entry's version line from the body's start.
    @usableFromInline let dataOffset: Int
    /// The size of a value, or the most bytes the entry holds.
    public let size: Int
    /// The distance between two copies.
    @usableFromInline let stride: Int

    @usableFromInline
    init(index: Int, dataOffset: Int, size: Int, stride: Int) {
        self.index = index
        self.dataOffset = dataOffset
        self.size = size
        self.stride = stride
    }
}
#endif
