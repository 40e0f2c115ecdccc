#if os(Linux)
/// A record read in place: valid only inside the closure it is given to (its bytes are the
/// journal's mapping).
public struct JournalRecord {
    /// The record's sequence number: 0 for the journal's first record, one more for each after.
    public let sequence: UInt64
    /// When it was appended, in nanoseconds since the Unix epoch (the writer's clock).
    public let timestamp: UInt64
    /// The payload, in the mapping. Do not keep it past the closure.
    public let bytes: UnsafeRawBufferPointer

    /// A record view.
    @inlinable
    init(sequence: UInt64, timestamp: UInt64, bytes: UnsafeRawBufferPointer) {
        self.sequence = sequence
        self.timestamp = timestamp
        self.bytes = bytes
    }

    /// The payload as a `Value`; `invalidArgument` unless its length is the value's size.
    @inlinable
    public func load<Value: InterprocessValue>(as type: Value.Type) throws(InterprocessError) -> Value {
        guard bytes.count == MemoryLayout<Value>.size else {
            throw InterprocessError(.invalidArgument, operation: "read from journal", reason:
                "record \(sequence) is \(bytes.count) bytes, not the \(MemoryLayout<Value>.size) of \(Value.self)")
        }
        return bytes.loadUnaligned(as: Value.self)
    }

    /// A copy that outlives the closure.
    public var entry: JournalEntry { JournalEntry(sequence: sequence, timestamp: timestamp, bytes: Array(bytes)) }
}

/// A record copied out of the journal.
public struct JournalEntry: Sendable, Hashable, Codable {
    /// The record's sequence number.
    public var sequence: UInt64
    /// When it was appended, in nanoseconds since the Unix epoch.
    public var timestamp: UInt64
    /// The payload.
    public var bytes: [UInt8]

    /// An entry.
    public init(sequence: UInt64, timestamp: UInt64, bytes: [UInt8]) {
        self.sequence = sequence
        self.timestamp = timestamp
        self.bytes = bytes
    }

    /// The payload as UTF-8 text (invalid sequences repaired).
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// The payload as a `Value`; `invalidArgument` unless its length is the value's size.
    public func load<Value: InterprocessValue>(as type: Value.Type) throws(InterprocessError) -> Value {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(InterprocessError) -> Value in
                try JournalRecord(sequence: sequence, timestamp: timestamp, bytes: buffer).load(as: type)
            }
        }.get()
    }
}

/// Where a tailer starts reading.
public enum JournalStart: Sendable, Hashable {
    /// At the oldest record still kept.
    case beginning
    /// After the last record: only records appended from now on.
    case end
    /// At this sequence number (the oldest kept if it is older, the end if it is newer).
    case sequence(UInt64)
    /// At the first record appended at or after this time, in nanoseconds since the Unix epoch.
    case time(nanosecondsSinceEpoch: UInt64)
}
#endif
