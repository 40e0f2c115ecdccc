#if os(Linux)
/// The number of an event in an ``EventService``: from 0 to the service's
/// ``EventServiceConfiguration/maximumEventID``.
///
/// ```swift
/// let dataReady: EventID = 3
/// try notifier.notify(dataReady)
/// ```
public struct EventID: RawRepresentable, Hashable, Comparable, Sendable, Codable,
    ExpressibleByIntegerLiteral, CustomStringConvertible
{
    /// The event's number.
    public let rawValue: Int

    /// The event numbered `rawValue`; checked against the service's range when it is notified.
    @inlinable
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The event numbered `value`.
    @inlinable
    public init(_ value: Int) { self.rawValue = value }

    /// The event numbered by the literal.
    @inlinable
    public init(integerLiteral value: Int) { self.rawValue = value }

    /// Orders events by number.
    public static func < (lhs: EventID, rhs: EventID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The number.
    public var description: String { "\(rawValue)" }
}

/// The events a ``Listener`` took in one wait: every id notified since its previous wait, each
/// once however often it was notified (notifications of one id coalesce), in increasing order.
///
/// Ids below 64 are stored inline: a set of them allocates nothing.
///
/// ```swift
/// let fired = try listener.wait(timeout: .seconds(1))
/// if fired.contains(3) { reload() }
/// for id in fired { print("event", id) }
/// ```
public struct EventSet: Sequence, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Bit i: event i fired (ids 0...63).
    @usableFromInline var first: UInt64
    /// Word k: events 64·(k+1) ... 64·(k+1)+63; empty unless such an id fired.
    @usableFromInline var rest: [UInt64]

    /// An empty set.
    public init() {
        first = 0
        rest = []
    }

    /// A set of the given ids (negative ones are ignored).
    public init(_ ids: some Sequence<EventID>) {
        self.init()
        for id in ids where id.rawValue >= 0 { insert(word: id.rawValue >> 6, bits: 1 << UInt64(id.rawValue & 63)) }
    }

    /// Adds the ids of `bits` in 64-id word `word`.
    @inlinable
    mutating func insert(word: Int, bits: UInt64) {
        if word == 0 {
            first |= bits
            return
        }
        if rest.count < word { rest.append(contentsOf: repeatElement(0, count: word - rest.count)) }
        rest[word - 1] |= bits
    }

    /// Whether `id` is in the set.
    public func contains(_ id: EventID) -> Bool {
        guard id.rawValue >= 0 else { return false }
        let word = id.rawValue >> 6, bit = UInt64(1) << UInt64(id.rawValue & 63)
        if word == 0 { return first & bit != 0 }
        return word <= rest.count && rest[word - 1] & bit != 0
    }

    /// Whether no event is in the set.
    public var isEmpty: Bool { first == 0 && rest.allSatisfy { $0 == 0 } }

    /// How many events are in the set.
    public var count: Int { rest.reduce(first.nonzeroBitCount) { $0 + $1.nonzeroBitCount } }

    /// The ids in increasing order.
    public func makeIterator() -> Iterator { Iterator(set: self) }

    /// Walks the set's ids in increasing order.
    public struct Iterator: IteratorProtocol {
        let set: EventSet
        var word = 0
        var bits: UInt64

        init(set: EventSet) {
            self.set = set
            bits = set.first
        }

        /// The next id, or nil after the last.
        public mutating func next() -> EventID? {
            while bits == 0 {
                word += 1
                guard word <= set.rest.count else { return nil }
                bits = set.rest[word - 1]
            }
            let bit = bits.trailingZeroBitCount
            bits &= bits &- 1
            return EventID(word * 64 + bit)
        }
    }

    /// The ids, as "{1, 5}".
    public var description: String { "{" + map(\.description).joined(separator: ", ") + "}" }

    /// Equal when they hold the same ids (trailing empty words do not count).
    public static func == (lhs: EventSet, rhs: EventSet) -> Bool { Array(lhs) == Array(rhs) }

    /// Hashes the ids.
    public func hash(into hasher: inout Hasher) {
        for id in self { hasher.combine(id) }
    }

    /// Encodes the ids as an array of numbers.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(map(\.rawValue))
    }

    /// Decodes an array of numbers, each within ``EventService/maximumEventIDRange`` (a larger
    /// one would make the set allocate a word for every id below it).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let ids = try container.decode([Int].self)
        if let bad = ids.first(where: { !EventService.maximumEventIDRange.contains($0) }) {
            throw DecodingError.dataCorruptedError(in: container,
                                                   debugDescription: "event id \(bad) is outside \(EventService.maximumEventIDRange)")
        }
        self.init(ids.map { EventID(rawValue: $0) })
    }
}
#endif
