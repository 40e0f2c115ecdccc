#if os(Linux)
public import Synchronization

/// A reader of one blackboard entry that keeps the last value it read: a read that finds the
/// entry's version unchanged returns that value after one load of the version word, without
/// touching the copies. Made by ``BlackboardReader/entry(_:)``, for entries of values (an
/// ``InterprocessValue`` type); bytes and text entries are read with `BlackboardReader`.
///
/// ```swift
/// var pose = reader.entry(poseKey)
/// let latest = try pose.read()                  // the latest value (one load while unchanged)
/// if let moved = try pose.readIfChanged() {     // or: only a value not returned before
///     steer(moved)
/// }
/// ```
///
/// Every read returns the latest value as of its load of the entry's version, as
/// `BlackboardReader.read(_:)` does, and a value it returns is never torn. What differs is
/// the cost of a read that finds no new write: `BlackboardReader` is stateless and copies the
/// value out of the board each time (and, for a small entry, asks for every copy's cache
/// lines first), while this reader compares one word and hands back its own copy. A reader
/// that polls a value the writer rewrites without pause, and does little with each read (looks
/// at a field, compares the version), makes several times the reads per second of a
/// `read(_:)` loop; one that goes through all of the value on every read is back near that
/// loop's rate, and wants `readIfChanged()` (`BENCHMARKS.md`, "Blackboard: a reader that keeps
/// its last value"). The writer's rate is about the same with either reader. A read after a
/// write costs a little more than `read(_:)` (it also keeps the value).
///
/// A version lower than the one this reader last read is no write's doing: such a read throws
/// `corrupt`, or `truncated` when the board's file was shrunk under it (its words read as zeros).
///
/// Being a value, each copy of an entry reader keeps its own last value; it is `Sendable` when
/// `Value` is.
@frozen
public struct BlackboardEntryReader<Value: InterprocessValue> {
    @usableFromInline let reader: BlackboardReader
    /// The entry this reader reads.
    public let key: BlackboardKey<Value>
    @usableFromInline let versionWord: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline var kept: Value?
    @usableFromInline var keptVersion: UInt64

    init(_ reader: BlackboardReader, _ key: BlackboardKey<Value>) {
        precondition(reader.mapping.contains(key), "a BlackboardKey is used with a blackboard other than the one that made it")
        self.reader = reader
        self.key = key
        versionWord = (reader.base + key.dataOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
        kept = nil
        keptVersion = 0
    }

    /// The version of the value this reader last read (0: none yet). The entry's current
    /// version is `BlackboardReader.version(of:)`.
    @inlinable
    public var lastVersion: UInt64 { keptVersion }

    /// The value this reader last read, without looking at the board (nil: none yet).
    @inlinable
    public var lastValue: Value? { kept }

    /// Whether the entry was written since this reader last read it. One load.
    @inlinable
    public var hasChanged: Bool { versionWord.pointee.load(ordering: .acquiring) != keptVersion }

    /// The latest value of the entry, or nil if it was never written. When the entry's version is
    /// the one this reader last read, one load and no copy.
    ///
    /// - Throws: as `BlackboardReader.read(_:)`; `corrupt` (or `truncated`) for a version
    ///   lower than the one last read.
    @inlinable
    public mutating func read() throws(InterprocessError) -> Value? {
        // Both paths end in `kept`, so a caller that uses part of the value loads just that part.
        // (`kept` is nil exactly while `keptVersion` is 0: a never-written entry is one load too.)
        if versionWord.pointee.load(ordering: .acquiring) != keptVersion { try refresh() }
        return kept
    }

    /// The latest value of the entry if it was written since this reader last read it, else nil.
    ///
    /// - Throws: as ``read()``.
    @inlinable
    public mutating func readIfChanged() throws(InterprocessError) -> Value? {
        let before = keptVersion
        if versionWord.pointee.load(ordering: .acquiring) == before { return nil }
        try refresh()
        return keptVersion != before ? kept : nil
    }

    /// Reads the entry through the stateless reader and keeps what it read (`kept` is nil exactly
    /// while `keptVersion` is 0).
    @inlinable @inline(never)
    mutating func refresh() throws(InterprocessError) {
        // Judged before the copies: the stateless read would take a forged low version for a
        // writer lapping it and retry for its whole limit.
        let seen = versionWord.pointee.load(ordering: .acquiring)
        if seen < keptVersion { try QueueFailure.raise(wentBack(to: seen)) }
        var incoming: Value? = nil
        let version: UInt64
        do {
            version = try reader.latest(key, into: &incoming)
        } catch {
            // A peer that lowered the version after the look above leaves the stateless read
            // retrying until its limit: say what it did. Cut copies read as a corrupt copy: say
            // the file was shrunk.
            let now = versionWord.pointee.load(ordering: .acquiring)
            try QueueFailure.raise(now < keptVersion ? wentBack(to: now) : reader.mapping.storage.judged(error))
        }
        if version < keptVersion { try QueueFailure.raise(wentBack(to: version)) }
        guard let incoming else { return }
        kept = incoming
        keptVersion = version
    }

    @usableFromInline
    func wentBack(to version: UInt64) -> InterprocessError {
        reader.mapping.storage.judged(reader.mapping.corruption(
            "entry \(reader.mapping.entries[key.index].key)'s version went back from \(keptVersion) to \(version), which no write does",
            operation: "read blackboard"))
    }
}

extension BlackboardEntryReader: @unchecked Sendable where Value: Sendable {}
// @unchecked: the pointer is into a mapping `reader` keeps alive, and every access through it is
// an atomic load; the rest is owned by this value.

extension BlackboardReader {
    /// A reader of `key`'s entry that keeps the last value it read, for polling: a read that
    /// finds no new write costs one load (see ``BlackboardEntryReader``).
    public func entry<Value: InterprocessValue>(_ key: BlackboardKey<Value>) -> BlackboardEntryReader<Value> {
        BlackboardEntryReader(self, key)
    }
}
#endif
