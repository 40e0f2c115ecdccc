#if os(Linux)
/// A hash map in a ``ManagedSegment``, under a name any attached process finds it by. Keys and
/// values are plain data or strings (``SharedBytesConvertible``), stored by their bytes.
///
/// ```swift
/// let segment = try ManagedSegment(openOrCreate: "market", size: 16 << 20)
/// let prices = try SharedDictionary<String, Double>(openOrCreate: "prices", in: segment)
/// try prices.updateValue(101.25, forKey: "ACME")
/// let acme = try prices.value(forKey: "ACME")     // 101.25, in any process
/// ```
///
/// **Concurrency.** The buckets are split among striped placed ``ProcessRWLock``s (16 by default):
/// a lookup takes only the shared side of its key's stripe, so readers never serialize, and
/// writers to different stripes don't wait for each other. The bucket count is fixed when the
/// dictionary is created (chains grow past it; choose it near the expected entry count).
///
/// **Hashing.** Keys are hashed with a stable function of their bytes (FNV-1a 64 and a
/// finalizer), the same in every process and program, and compared by their bytes — see
/// ``SharedBytesConvertible`` for what that means for padding and floating point.
///
/// **Crash safety.** An entry is written into a new node before its stripe is locked and enters
/// its chain with one store; replacing or removing one unlinks the old node with one store, then
/// frees it. A writer killed at any point leaves every chain whole and every published entry in
/// place; it leaks at most the one node it was inserting or unlinking. The stripe's entry count,
/// stored after the link, is recounted by the next process that takes the stripe over from the
/// dead writer (the lock's owner-death repair). The layout is in `docs/FORMAT.md` ("Containers").
public final class SharedDictionary<Key: SharedBytesConvertible, Value: SharedBytesConvertible>: Sendable {
    /// The header magic: "SDIC".
    static var magic: UInt32 { ContainerHeader.tag("SDIC") }
    /// The header layout version.
    static var version: UInt32 { 1 }
    /// The bucket counts a dictionary may have: powers of two in this range.
    public static var bucketCountRange: ClosedRange<Int> { DictionaryTable.bucketCountRange }
    /// The stripe (lock) counts a dictionary may have.
    public static var stripeCountRange: ClosedRange<Int> { 1...DictionaryTable.maximumStripeCount }

    let table: DictionaryTable
    /// The dictionary's name in the segment.
    public let name: String
    /// The segment the dictionary lives in.
    public let segment: ManagedSegment
    /// Whether this handle created the dictionary.
    public let wasCreated: Bool

    /// The name the segment's directory records for a dictionary of these types.
    static func typeName(_ key: String, _ value: String) -> String { "Interprocess.SharedDictionary<\(key), \(value)>" }

    /// Creates an empty dictionary named `name` in `segment`.
    ///
    /// - Parameters:
    ///   - name: the dictionary's name in the segment's directory.
    ///   - segment: the managed segment it lives in.
    ///   - bucketCount: a power of two in ``bucketCountRange``; fixed for the dictionary's life.
    ///   - stripeCount: how many locks share the buckets, in ``stripeCountRange`` and at most
    ///     `bucketCount`; each takes ``ProcessRWLock/size`` bytes of the header.
    ///   - keyTypeName: the key type's identity; by default `String(reflecting: Key.self)`.
    ///     Every program that opens the dictionary must use the same string.
    ///   - valueTypeName: the value type's identity, likewise.
    /// - Throws: ``InterprocessError/Code/alreadyExists`` if an object has this name;
    ///   `invalidName`; `invalidArgument` for counts out of range; `insufficientSpace`.
    public convenience init(create name: String, in segment: ManagedSegment, bucketCount: Int = 1024, stripeCount: Int = 16,
                            keyTypeName: String = String(reflecting: Key.self),
                            valueTypeName: String = String(reflecting: Value.self)) throws(InterprocessError) {
        try self.init(.create, name: name, in: segment, bucketCount: bucketCount, stripeCount: stripeCount,
                      typeName: Self.typeName(keyTypeName, valueTypeName))
    }

    /// Opens the dictionary named `name` in `segment`, waiting until `deadline` for it to appear
    /// (default: now, so a missing one fails at once with ``InterprocessError/Code/notFound``);
    /// processes may start in any order.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none; `timedOut` if it did not
    ///   appear in time; `wrongKind` naming both types when it has other key or value types (or
    ///   is another kind of object); `corrupt`.
    public convenience init(open name: String, in segment: ManagedSegment, until deadline: Deadline = .now,
                            keyTypeName: String = String(reflecting: Key.self),
                            valueTypeName: String = String(reflecting: Value.self)) throws(InterprocessError) {
        try self.init(.open(until: deadline), name: name, in: segment, bucketCount: 1, stripeCount: 1,
                      typeName: Self.typeName(keyTypeName, valueTypeName))
    }

    /// Opens the dictionary named `name` in `segment`, waiting up to `timeout` for it to appear.
    public convenience init(open name: String, in segment: ManagedSegment, timeout: Duration,
                            keyTypeName: String = String(reflecting: Key.self),
                            valueTypeName: String = String(reflecting: Value.self)) throws(InterprocessError) {
        try self.init(.open(until: .after(timeout)), name: name, in: segment, bucketCount: 1, stripeCount: 1,
                      typeName: Self.typeName(keyTypeName, valueTypeName))
    }

    /// Opens the dictionary named `name`, or creates it empty if there is none. Processes racing
    /// to do this end up with one dictionary; an existing one keeps its bucket and stripe counts.
    ///
    /// - Throws: as ``init(create:in:bucketCount:stripeCount:keyTypeName:valueTypeName:)`` and
    ///   ``init(open:in:until:keyTypeName:valueTypeName:)``.
    public convenience init(openOrCreate name: String, in segment: ManagedSegment, bucketCount: Int = 1024, stripeCount: Int = 16,
                            keyTypeName: String = String(reflecting: Key.self),
                            valueTypeName: String = String(reflecting: Value.self)) throws(InterprocessError) {
        try self.init(.openOrCreate, name: name, in: segment, bucketCount: bucketCount, stripeCount: stripeCount,
                      typeName: Self.typeName(keyTypeName, valueTypeName))
    }

    init(_ opening: ContainerOpening, name: String, in segment: ManagedSegment, bucketCount: Int, stripeCount: Int, typeName: String) throws(InterprocessError) {
        let described = "dictionary '\(name)'"
        let operation = "\(opening.verb) \(described)"
        guard Self.bucketCountRange.contains(bucketCount), bucketCount & (bucketCount - 1) == 0,
              Self.stripeCountRange.contains(stripeCount), stripeCount <= bucketCount else {
            throw InterprocessError(.invalidArgument, operation: operation, name: segment.name,
                                    reason: "bucketCount must be a power of two in \(Self.bucketCountRange) (got \(bucketCount)) and stripeCount in \(Self.stripeCountRange), at most bucketCount (got \(stripeCount))")
        }
        let (header, created) = try segment.containerHeader(
            opening, name: name, typeName: typeName, magic: Self.magic, version: Self.version,
            headerSize: DictionaryTable.headerSize(stripeCount: stripeCount), operation: operation,
            initialize: { (header) throws(InterprocessError) in
                try DictionaryTable.initialize(header, segment: segment, bucketCount: bucketCount, stripeCount: stripeCount,
                                               magic: Self.magic, version: Self.version, operation: operation)
            },
            validate: { (header) throws(InterprocessError) in _ = try DictionaryTable.check(header, segment: segment, described: described) },
            discard: { header in for block in DictionaryTable.blocksForRemoval(header, segment: segment) where !block.isNull { try? segment.deallocate(block) } })
        self.table = try DictionaryTable(segment: segment, header: header, described: described)
        self.name = name
        self.segment = segment
        self.wasCreated = created
    }

    /// Removes the dictionary named `name` from `segment` and frees its memory.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none; `wrongKind` when the name
    ///   holds something else.
    public static func remove(_ name: String, in segment: ManagedSegment,
                              keyTypeName: String = String(reflecting: Key.self),
                              valueTypeName: String = String(reflecting: Value.self)) throws(InterprocessError) {
        try segment.removeContainer(name: name, typeName: typeName(keyTypeName, valueTypeName), magic: magic, version: version,
                                    headerSize: DictionaryTable.headerSize(stripeCount: 1), operation: "remove dictionary '\(name)'") { header in
            DictionaryTable.blocksForRemoval(header, segment: segment)
        }
    }

    /// The value stored under `key`, or nil. Takes only the shared side of the key's stripe, and
    /// allocates nothing for plain-data keys and values.
    public func value(forKey key: Key) throws(InterprocessError) -> Value? {
        try withValue(forKey: key) { (bytes) throws(InterprocessError) -> Value in try Value(sharedBytes: bytes) }
    }

    /// Whether `key` has a value.
    public func contains(_ key: Key) throws(InterprocessError) -> Bool {
        try withValue(forKey: key) { _ in true } ?? false
    }

    /// Calls `body` with the bytes of `key`'s value, read in place (no copy) while holding the
    /// shared side of its stripe; nil when `key` has no value.
    ///
    /// ```swift
    /// let length = try names.withValue(forKey: 42) { bytes in bytes.count }
    /// ```
    public func withValue<R>(forKey key: Key, _ body: (UnsafeRawBufferPointer) throws(InterprocessError) -> R) throws(InterprocessError) -> R? {
        let operation = "look up in shared dictionary"
        do throws(InterprocessError) {
            return try key.withSharedBytes { (keyBytes) throws(InterprocessError) -> R? in
                try table.lookup(keyBytes, hash: StableHash.hash(keyBytes), operation: operation, body)
            }
        } catch {
            throw error.reported(as: operation)
        }
    }

    /// Stores `value` under `key`; returns the value it replaces, or nil if the key was new.
    @discardableResult
    public func updateValue(_ value: Value, forKey key: Key) throws(InterprocessError) -> Value? {
        let operation = "insert into shared dictionary"
        do throws(InterprocessError) {
            return try key.withSharedBytes { (keyBytes) throws(InterprocessError) -> Value? in
                let hash = StableHash.hash(keyBytes)
                let node = try value.withSharedBytes { (valueBytes) throws(InterprocessError) in
                    try table.makeNode(keyBytes, valueBytes, hash: hash, operation: operation)
                }
                var old: Result<Value, InterprocessError>?
                do throws(InterprocessError) {
                    _ = try table.insert(node, key: keyBytes, hash: hash, operation: operation) { bytes in
                        old = Result { () throws(InterprocessError) in try Value(sharedBytes: bytes) }
                    }
                } catch {
                    try? segment.deallocate(node.offset)
                    throw error
                }
                return try old?.get()
            }
        } catch {
            throw error.reported(as: operation)
        }
    }

    /// Removes `key` and returns its value, or nil if it had none.
    @discardableResult
    public func removeValue(forKey key: Key) throws(InterprocessError) -> Value? {
        let operation = "remove from shared dictionary"
        do throws(InterprocessError) {
            return try key.withSharedBytes { (keyBytes) throws(InterprocessError) -> Value? in
                var old: Result<Value, InterprocessError>?
                _ = try table.remove(keyBytes, hash: StableHash.hash(keyBytes), operation: operation) { bytes in
                    old = Result { () throws(InterprocessError) in try Value(sharedBytes: bytes) }
                }
                return try old?.get()
            }
        } catch {
            throw error.reported(as: operation)
        }
    }

    /// The number of entries now (each stripe's count is exact; with writers busy, the sum is a
    /// snapshot).
    public var count: Int { table.count }

    /// Whether the dictionary holds no entries now.
    public var isEmpty: Bool { count == 0 }

    /// A copy of every entry, taken stripe by stripe (each stripe consistent; entries changed in
    /// a stripe already copied are not seen): an `Array`, for Swift's collection algorithms.
    public var elements: [(key: Key, value: Value)] {
        get throws(InterprocessError) {
            var entries: [(key: Key, value: Value)] = []
            try table.forEach(operation: "list shared dictionary") { (key, value) throws(InterprocessError) in
                entries.append((try Key(sharedBytes: key), try Value(sharedBytes: value)))
            }
            return entries
        }
    }

    /// The bucket and stripe counts the dictionary was created with.
    public var geometry: (bucketCount: Int, stripeCount: Int) { (table.bucketMask + 1, table.stripeCount) }
}
#endif
