#if os(Linux)
public import SystemPackage
import Synchronization

/// A named board of entries, each holding the latest value written under its key: one writer
/// updates them, any number of readers in any processes read the latest value without locks,
/// never see a torn value and never slow the writer.
///
/// ```swift
/// // the writer's process
/// let board = try Blackboard(create: "robot", entries: [
///     .value("pose", of: Pose.self),
///     .bytes("status", capacity: 256),
/// ])
/// let pose = try board.key("pose", as: Pose.self)      // resolved once
/// var writer = try board.makeWriter()
/// writer.write(pose, Pose(x: 1, y: 2))                 // never waits
///
/// // any number of readers' processes
/// let board = try Blackboard(open: "robot", timeout: .seconds(5))
/// let pose = try board.key("pose", as: Pose.self)
/// let reader = board.makeReader()
/// let latest = try reader.read(pose)                   // Pose?, nil before the first write
/// let next = try reader.waitForChange(of: pose, after: reader.version(of: pose), timeout: .seconds(1))
/// ```
///
/// **Design.** Each entry keeps a small ring of copies (``copies``, 4 by default). Write number
/// `k` of an entry goes to copy `k % copies`: the writer marks the copy's stamp "writing `k`",
/// copies the value in, marks it "holds `k`", then publishes `k` as the entry's version. A
/// reader loads the version, copies the copy it names, and checks that its stamp still says
/// "holds `k`" before and after: a copy the writer started overwriting (it came round the ring)
/// is thrown away and the reader tries the new latest one. Since the writer reaches the same
/// copy again only `copies` writes later, a reader rarely retries even while the writer
/// updates continuously; with one copy this would be a seqlock, which a continuously updating
/// writer keeps invalidating, and which a writer killed mid-update would leave unreadable.
///
/// **Crash safety.** A writer killed mid-update leaves the copy it was writing marked
/// "writing": the version still names the previous copy, which stays whole, so readers keep
/// reading the last complete value. The next ``makeWriter()`` takes a dead writer's place.
///
/// **Change notification.** Every write adds one to the board's change count, whose low half is
/// a futex word: `waitForChange(of:after:until:)` and its blocking, deadline
/// and `async` forms, `changes(of:)` (an `AsyncSequence`), and
/// ``BlackboardReader/onChange(of:after:until:_:)`` sleep on it. The writer pays a `FUTEX_WAKE`
/// only while a reader sleeps.
public struct Blackboard: Sendable {
    /// The validated mapping, shared with readers and the writer.
    @usableFromInline let mapping: BlackboardMapping

    /// The segment kind of a blackboard.
    public static let kind = SegmentKind.blackboard
    /// How many entries a board may have.
    public static let entryCountRange: ClosedRange<Int> = 1...4096
    /// The value sizes accepted, in bytes (up to 16 MiB per entry).
    public static let valueSizeRange: ClosedRange<Int> = 1...(1 << 24)
    /// The copies per entry accepted (each a power of two): at least 2, so that a writer killed
    /// mid-update always leaves a whole value.
    public static let copiesRange: ClosedRange<Int> = 2...64
    /// The longest key name, in bytes of UTF-8.
    public static let maximumKeyLength = BlackboardLayout.nameCapacity

    /// The board's name.
    public var name: String { mapping.storage.name }
    /// The entries, in the order they were given at creation.
    public var entries: [Entry] { mapping.entries }
    /// Copies kept per entry.
    public var copies: Int { mapping.copies }
    /// Whether this value created the board.
    public var wasCreated: Bool { mapping.storage.wasCreated }

    /// Creates a board. The name appears only once the board is whole.
    ///
    /// - Parameters:
    ///   - name: the board's name (see ``SegmentName``).
    ///   - entries: the entries, with distinct keys (within ``entryCountRange``).
    ///   - copies: copies per entry, a power of two within ``copiesRange`` (default 4): more
    ///     copies let a slow reader finish a copy while a fast writer writes more.
    ///   - permissions: the segment's mode; default `0600`.
    ///   - lifetime: when the name goes away (as for ``SPSCQueue``).
    /// - Throws: `invalidArgument` for entries or copies out of range (naming the key or field),
    ///   `alreadyExists`, `invalidName`, `permissionDenied`, `insufficientSpace`.
    public init(
        create name: String,
        entries: [Entry],
        copies: Int = 4,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        let operation = "create blackboard"
        let bodySize = try Blackboard.validate(entries: entries, copies: copies, name: name, operation: operation)
        let segment: Segment
        do {
            segment = try Segment(create: name, kind: Blackboard.kind, kindVersion: BlackboardLayout.version,
                                  bodySize: bodySize, permissions: permissions, lifetime: lifetime) { body in
                Blackboard.initialize(body.baseAddress!, entries: entries, copies: copies, bodySize: bodySize)
            }
        } catch {
            throw error.reported(as: operation)
        }
        mapping = try BlackboardMapping(QueueStorage(segment), operation: operation)
    }

    /// Opens an existing board; if there is none yet, waits for it to appear until `deadline`
    /// (default: now, so a missing board fails at once with ``InterprocessError/Code/notFound``).
    ///
    /// - Throws: `notFound`, `timedOut` (it did not appear in time), `wrongKind`,
    ///   `incompatibleVersion`, `corrupt`, `permissionDenied`.
    public init(open name: String, until deadline: Deadline = .now) throws(InterprocessError) {
        let operation = "open blackboard"
        let segment: Segment
        do {
            segment = try Segment(open: name, kind: Blackboard.kind, kindVersion: BlackboardLayout.version, until: deadline)
        } catch {
            throw error.reported(as: operation)
        }
        mapping = try BlackboardMapping(QueueStorage(segment), operation: operation)
    }

    /// Opens an existing board, waiting up to `timeout` for it to appear.
    public init(open name: String, timeout: Duration) throws(InterprocessError) {
        try self.init(open: name, until: .after(timeout))
    }

    /// Opens the board, or creates it if there is none; processes racing end with one board.
    ///
    /// - Throws: ``InterprocessError/Code/incompatibleConfiguration`` naming the first key whose
    ///   entry differs (or the copies); otherwise as ``init(create:entries:copies:permissions:lifetime:)``.
    public init(
        openOrCreate name: String,
        entries: [Entry],
        copies: Int = 4,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        let operation = "open or create blackboard"
        _ = try Blackboard.validate(entries: entries, copies: copies, name: name, operation: operation)
        self = try CreateOrOpen.run(operation: operation) { () throws(InterprocessError) in
            try Blackboard(create: name, entries: entries, copies: copies, permissions: permissions, lifetime: lifetime)
        } open: { () throws(InterprocessError) in
            try Blackboard(open: name)
        }
        if let difference = Blackboard.difference(existing: self.entries, requested: entries) ?? (self.copies == copies ? nil : "it keeps \(self.copies) copies per entry, but \(copies) were asked for") {
            throw InterprocessError(.incompatibleConfiguration, operation: operation, name: name, reason: difference)
        }
    }

    /// Removes a board's name; handles already open keep working until they go away.
    ///
    /// - Throws: `notFound`; `wrongKind` if the name holds another kind of segment;
    ///   `foreignSegment` if this library did not make it.
    public static func remove(_ name: String) throws(InterprocessError) {
        try Segment.remove(name, kind: .blackboard, operation: "remove blackboard")
    }

    /// Makes the board's writer.
    ///
    /// - Throws: ``InterprocessError/Code/alreadyExists`` while another live process (or
    ///   another writer in this one) is the writer; a dead writer's place is taken over.
    public func makeWriter() throws(InterprocessError) -> BlackboardWriter {
        try BlackboardWriter(mapping)
    }

    /// Makes a reader. Any number may exist, in any processes; they write nothing to the board.
    public func makeReader() -> BlackboardReader {
        BlackboardReader(mapping)
    }

    // MARK: Keys

    /// Resolves the entry of fixed-size values under `key` for reads and writes of `Value`.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if the board has no such key;
    ///   ``InterprocessError/Code/incompatibleConfiguration`` if the entry holds bytes, or values
    ///   of another size or type name.
    public func key<Value: InterprocessValue>(_ key: Key, as type: Value.Type) throws(InterprocessError) -> BlackboardKey<Value> {
        let (index, entry) = try lookup(key)
        let typeName = Blackboard.typeName(of: type)
        guard entry.content == .value, entry.size == MemoryLayout<Value>.size, entry.typeName == typeName else {
            throw InterprocessError(.incompatibleConfiguration, operation: "use blackboard entry", name: name,
                                    reason: "entry \(key) holds \(Blackboard.describe(entry)), not \(typeName) values of \(MemoryLayout<Value>.size) bytes")
        }
        return resolved(index)
    }

    /// Resolves the bytes entry under `key`, for reads and writes of byte arrays.
    ///
    /// - Throws: `notFound` for no such key; `incompatibleConfiguration` for an entry of values.
    public func key(_ key: Key, as type: [UInt8].Type) throws(InterprocessError) -> BlackboardKey<[UInt8]> {
        try bytesKey(key)
    }

    /// Resolves the bytes entry under `key`, for reads and writes of UTF-8 text.
    ///
    /// - Throws: `notFound` for no such key; `incompatibleConfiguration` for an entry of values.
    public func key(_ key: Key, as type: String.Type) throws(InterprocessError) -> BlackboardKey<String> {
        try bytesKey(key)
    }

    func bytesKey<Value>(_ key: Key) throws(InterprocessError) -> BlackboardKey<Value> {
        let (index, entry) = try lookup(key)
        guard entry.content == .bytes else {
            throw InterprocessError(.incompatibleConfiguration, operation: "use blackboard entry", name: name,
                                    reason: "entry \(key) holds \(Blackboard.describe(entry)), not bytes")
        }
        return resolved(index)
    }

    func lookup(_ key: Key) throws(InterprocessError) -> (Int, Entry) {
        guard let index = mapping.entries.firstIndex(where: { $0.key == key }) else {
            throw InterprocessError(.notFound, operation: "use blackboard entry", name: name, reason: "the board has no entry \(key)")
        }
        return (index, mapping.entries[index])
    }

    func resolved<Value>(_ index: Int) -> BlackboardKey<Value> {
        let size = mapping.entries[index].size
        return BlackboardKey(index: index, dataOffset: mapping.dataOffsets[index], size: size, stride: BlackboardLayout.copyStride(size))
    }

    // MARK: Creation

    /// Where the first entry's data starts for `entryCount` entries: after the table, on a
    /// 128-byte line.
    static func dataStart(entryCount: Int) -> Int {
        (BlackboardLayout.entriesOffset + entryCount * BlackboardLayout.descriptorSize + 127) & ~127
    }

    /// Checks the configuration; returns the body size it needs.
    static func validate(entries: [Entry], copies: Int, name: String, operation: String) throws(InterprocessError) -> Int {
        func invalid(_ reason: String) -> InterprocessError { InterprocessError(.invalidArgument, operation: operation, name: name, reason: reason) }
        guard entryCountRange.contains(entries.count) else { throw invalid("a board has \(entryCountRange) entries (got \(entries.count))") }
        guard copiesRange.contains(copies), copies & (copies - 1) == 0 else {
            throw invalid("the copies per entry must be a power of two within \(copiesRange) (got \(copies))")
        }
        var keys = Set<Key>()
        var size = dataStart(entryCount: entries.count)
        for entry in entries {
            guard keys.insert(entry.key).inserted else { throw invalid("the key \(entry.key) appears twice") }
            if case .name(let text) = entry.key, !(1...maximumKeyLength).contains(text.utf8.count) {
                throw invalid("the key \(entry.key) has \(text.utf8.count) bytes; a key name has 1 to \(maximumKeyLength)")
            }
            guard valueSizeRange.contains(entry.size) else {
                throw invalid("entry \(entry.key) has values of \(entry.size) bytes, outside \(valueSizeRange)")
            }
            size += BlackboardLayout.entryFootprint(size: entry.size, copies: copies)
        }
        return size
    }

    /// Writes a new board's control words and entry table into its zero-filled body (every
    /// version and stamp starts at 0: nothing written).
    static func initialize(_ base: UnsafeMutableRawPointer, entries: [Entry], copies: Int, bodySize: Int) {
        base.storeBytes(of: BlackboardLayout.version.littleEndian, toByteOffset: BlackboardLayout.versionOffset, as: UInt32.self)
        base.storeBytes(of: UInt32(entries.count).littleEndian, toByteOffset: BlackboardLayout.entryCountOffset, as: UInt32.self)
        base.storeBytes(of: UInt32(copies).littleEndian, toByteOffset: BlackboardLayout.copiesOffset, as: UInt32.self)
        base.storeBytes(of: UInt64(bodySize - BlackboardLayout.entriesOffset).littleEndian, toByteOffset: BlackboardLayout.dataSizeOffset, as: UInt64.self)
        var offset = dataStart(entryCount: entries.count)
        for (index, entry) in entries.enumerated() {
            BlackboardMapping.write(entry, dataOffset: offset, at: base + BlackboardLayout.entriesOffset + index * BlackboardLayout.descriptorSize)
            offset += BlackboardLayout.entryFootprint(size: entry.size, copies: copies)
        }
        base.storeBytes(of: BlackboardLayout.tag.littleEndian, toByteOffset: BlackboardLayout.tagOffset, as: UInt32.self)
    }

    /// The first entry that differs between an existing board and the one asked for, in words.
    static func difference(existing: [Entry], requested: [Entry]) -> String? {
        for entry in requested {
            guard let found = existing.first(where: { $0.key == entry.key }) else {
                return "it has no entry \(entry.key)"
            }
            if found != entry { return "its entry \(entry.key) holds \(describe(found)), but \(describe(entry)) was asked for" }
        }
        if let extra = existing.first(where: { entry in !requested.contains { $0.key == entry.key } }) {
            return "it has an entry \(extra.key) that was not asked for"
        }
        return nil
    }

    /// An entry's content in words: "Pose values of 16 bytes", "up to 256 bytes".
    static func describe(_ entry: Entry) -> String {
        entry.content == .bytes ? "up to \(entry.size) bytes" : "\(entry.typeName ?? "?") values of \(entry.size) bytes"
    }
}
#endif
