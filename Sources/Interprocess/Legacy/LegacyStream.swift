#if os(Linux)
public import SystemPackage
import Synchronization

/// A stream segment of libsharedmemory (`kyr0/libsharedmemory`, the header-only C++ library),
/// read and written byte for byte as its C++ `SharedMemoryReadStream` and
/// `SharedMemoryWriteStream` do, so that a Swift process talks to existing C++ programs.
///
/// The segment is the POSIX shared memory object `/<name>` (the C++ side's `"/" + name`),
/// mapped whole, in one of two ``LegacyStreamLayout``s. It holds one value at a time — a string,
/// a `float` array or a `double` array (``LegacyValue``) — that each write replaces.
///
/// ```swift
/// let stream = try LegacyStream(open: "sensor", layout: .version2)
/// var reader = stream.makeReader()
/// if let value = try reader.tryReceive() { print(value) }   // a value not read before
/// try stream.makeWriter().write(.floats([1, 2, 3]))
/// ```
///
/// **Locks left set.** Version 2 guards every read and write with a spin word that has no owner:
/// a C++ writer killed while holding it leaves it set for ever. This side never hangs on it:
/// every lock wait ends at a deadline (``lockTimeout`` for the forms without one) with
/// ``InterprocessError/Code/timedOut`` naming the word; ``breakLock()`` clears it when the caller
/// knows its holder is dead. Version 1 has no lock: a read copies the value, then checks that the
/// flags and the size did not change meanwhile (a best effort the format allows, not a guarantee).
///
/// Values are bounded by the segment: a size word that runs past the mapping is
/// ``InterprocessError/Code/corrupt``, never a read outside it.
public struct LegacyStream: Sendable {
    /// The mapped segment, shared by the stream and its endpoints.
    /// Keeps the segment mapped for as long as this handle (or a reader or writer of it) lives.
    let owner: LegacyMapping
    /// The segment's words, read and written without touching `owner`'s reference count.
    let storage: LegacyWords
    /// The segment's layout.
    public let layout: LegacyStreamLayout
    /// How long the forms without a deadline wait for the lock word (version 2) before they throw
    /// `timedOut`.
    public let lockTimeout: Duration

    /// The stream's name (without the leading `/`).
    public var name: String { owner.name }
    /// The segment's size in bytes.
    public var size: Int { storage.size }
    /// The largest value, in bytes, a string or array may have here.
    public var maximumByteCount: Int { size - layout.offsets(typeBit: LegacyStreamLayout.doubleBit).data }

    /// Creates the segment `/<name>` of `size` bytes, zero-filled (no value yet).
    ///
    /// The C++ writer removes and re-creates the segment each time it starts; this side does not
    /// take a name another process holds: `alreadyExists` (use ``init(openOrCreate:layout:size:permissions:lockTimeout:)``).
    ///
    /// - Parameters:
    ///   - name: the stream's name (the C++ side's; the segment is `/<name>`).
    ///   - layout: the libsharedmemory version whose layout the C++ side uses.
    ///   - size: the segment's size in bytes, header included (the C++ side's `bufferSize`).
    ///   - lockTimeout: how long the forms without a deadline wait for the lock word.
    ///   - permissions: default `0600`; the C++ library creates its segments with `0755` (1.x)
    ///     or `0777` (2.x), so give `.init(rawValue: 0o666)` for C++ readers run by other users.
    /// - Throws: `alreadyExists`, `invalidName`, `invalidArgument` for a size below the layout's
    ///   header (20 bytes for version 2, 5 for version 1).
    public init(
        create name: String, layout: LegacyStreamLayout, size: Int,
        permissions: FilePermissions = .ownerReadWrite, lockTimeout: Duration = .seconds(1)
    ) throws(InterprocessError) {
        let storage = try LegacyStream.made(name, layout: layout, size: size, operation: "create libsharedmemory stream") { () throws(InterprocessError) in
            try SharedMemory(create: name, size: size, permissions: permissions)
        }
        try self.init(storage: storage, layout: layout, lockTimeout: lockTimeout)
    }

    /// Opens the segment `/<name>`, written by this library or by the C++ one.
    ///
    /// - Throws: `notFound`, `permissionDenied`, `truncated` when it is smaller than the
    ///   layout's header.
    public init(open name: String, layout: LegacyStreamLayout, lockTimeout: Duration = .seconds(1)) throws(InterprocessError) {
        try self.init(storage: LegacyStream.opened(name, operation: "open libsharedmemory stream"), layout: layout, lockTimeout: lockTimeout)
    }

    /// Opens the segment, waiting until `deadline` for it to appear.
    ///
    /// - Throws: `timedOut` when it did not appear in time; as ``init(open:layout:lockTimeout:)``.
    public init(open name: String, layout: LegacyStreamLayout, until deadline: Deadline, lockTimeout: Duration = .seconds(1)) throws(InterprocessError) {
        let storage = try AppearanceWait.open(until: deadline, operation: "open libsharedmemory stream", name: name) { () throws(InterprocessError) in
            try LegacyStream.opened(name, operation: "open libsharedmemory stream")
        }
        try self.init(storage: storage, layout: layout, lockTimeout: lockTimeout)
    }

    /// Opens the segment, waiting at most `timeout` for it to appear.
    public init(open name: String, layout: LegacyStreamLayout, timeout: Duration, lockTimeout: Duration = .seconds(1)) throws(InterprocessError) {
        try self.init(open: name, layout: layout, until: .after(timeout), lockTimeout: lockTimeout)
    }

    /// Opens the segment, or creates it with `size` bytes if there is none (two processes racing
    /// end up with one segment).
    ///
    /// - Throws: `incompatibleConfiguration` when an existing segment's size differs from `size`.
    public init(
        openOrCreate name: String, layout: LegacyStreamLayout, size: Int,
        permissions: FilePermissions = .ownerReadWrite, lockTimeout: Duration = .seconds(1)
    ) throws(InterprocessError) {
        let storage = try LegacyStream.made(name, layout: layout, size: size, operation: "open or create libsharedmemory stream") { () throws(InterprocessError) in
            try SharedMemory(openOrCreate: name, size: size, permissions: permissions)
        }
        try self.init(storage: storage, layout: layout, lockTimeout: lockTimeout)
    }

    /// Removes the name `/<name>` (as the C++ `destroy()` does); handles open keep working.
    ///
    /// - Throws: `notFound`.
    public static func remove(_ name: String) throws(InterprocessError) {
        do {
            try SharedMemory.remove(name)
        } catch {
            throw error.reported(as: "remove libsharedmemory stream")
        }
    }

    /// A writer of this stream (any number may exist; version 2 serializes them on the lock).
    public func makeWriter() -> LegacyStreamWriter { LegacyStreamWriter(self) }

    /// A reader of this stream, which remembers what it has read (see ``LegacyStreamReader``).
    public func makeReader() -> LegacyStreamReader { LegacyStreamReader(self) }

    /// Clears the lock word (version 2) — a takeover, for when the caller knows that the process
    /// that left it set is dead. Clearing it under a live holder lets two sides into the value at
    /// once; nothing else checks.
    public func breakLock() {
        guard layout == .version2 else { return }
        storage.lockWord.pointee.store(0, ordering: .releasing)
    }

    /// Whether the lock word (version 2) is set now.
    public var isLocked: Bool {
        layout == .version2 && storage.lockWord.pointee.load(ordering: .relaxed) != 0
    }

    init(storage mapping: LegacyMapping, layout: LegacyStreamLayout, lockTimeout: Duration) throws(InterprocessError) {
        guard mapping.size >= layout.minimumSize else {
            throw InterprocessError(.truncated, operation: "open libsharedmemory stream", name: mapping.name,
                                    reason: "it is \(mapping.size) bytes, smaller than the \(layout.minimumSize)-byte header of \(layout.rawValue)")
        }
        owner = mapping
        storage = mapping.words
        self.layout = layout
        self.lockTimeout = lockTimeout
    }

    static func opened(_ name: String, operation: String) throws(InterprocessError) -> LegacyMapping {
        do {
            return LegacyMapping(try SharedMemory(open: name))
        } catch {
            throw error.reported(as: operation)
        }
    }

    /// Checks `size`, then maps what `make` creates (or opens), with errors in `operation`'s words.
    static func made(
        _ name: String, layout: LegacyStreamLayout, size: Int, operation: String,
        _ make: () throws(InterprocessError) -> SharedMemory
    ) throws(InterprocessError) -> LegacyMapping {
        // Sizes are uint32 words in the format; the segment must hold the header.
        guard size >= layout.minimumSize, size <= Int(UInt32.max) else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "size \(size) is outside \(layout.minimumSize)...\(UInt32.max) bytes for \(layout.rawValue)")
        }
        do {
            return LegacyMapping(try make())
        } catch {
            throw error.reported(as: operation)
        }
    }
}

/// The mapping of a libsharedmemory segment (a stream or a queue), kept alive by its handles.
final class LegacyMapping: Sendable {
    let memory: SharedMemory
    let name: String
    /// Where its words are; valid for as long as this object lives.
    let words: LegacyWords

    init(_ memory: consuming SharedMemory) {
        name = memory.name.rawValue
        words = LegacyWords(base: memory.region.baseAddress, size: memory.size)
        self.memory = memory
    }

    var base: UnsafeMutableRawPointer { words.base }
    var size: Int { words.size }
}

/// A libsharedmemory segment's bytes: a plain pointer and size, so that a read or a write, which
/// reaches them many million times a second, retains and releases nothing (through the class
/// that owns the mapping, each access cost a retain and a release: ~40% of a write + read). Valid
/// while the `LegacyMapping` it came from lives — every handle holding one holds that too.
struct LegacyWords: @unchecked Sendable {
    /// The mapping's first byte (immutable; the words themselves are atomics or guarded by the lock word).
    let base: UnsafeMutableRawPointer
    /// The mapping's size in bytes.
    let size: Int

    @inline(__always)
    func word32(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (base + offset).assumingMemoryBound(to: Atomic<UInt32>.self)
    }

    var lockWord: UnsafeMutablePointer<Atomic<UInt32>> { word32(LegacyStreamLayout.lockOffset) }
    var flagsWord: UnsafeMutablePointer<Atomic<UInt8>> { base.assumingMemoryBound(to: Atomic<UInt8>.self) }
}
#endif
