#if os(Linux)
public import SystemPackage
import Synchronization

/// A single-writer log of variable-size byte records in a named segment, which any number of
/// readers, in any processes, follow at their own pace. The writer never waits for readers: a
/// reader that falls a whole ring behind is *lapped*, jumps ahead (to about half a ring behind
/// the writer), and learns
/// exactly how many records it missed (every record header carries its sequence number).
///
/// ```swift
/// // the writer's process
/// let stream = try BroadcastStream(create: "quotes", capacity: 1 << 20, maximumRecordSize: 1024,
///                                  lifetime: .removedWhenCreatorCloses)
/// var writer = try stream.makeWriter()
/// let sequence = try writer.send("EURUSD 1.0842")    // never waits
///
/// // any number of readers' processes
/// var reader = try BroadcastStream(open: "quotes", timeout: .seconds(5)).makeReader(startingAt: .oldest)
/// let text = try reader.receive(as: String.self)
/// print(text, reader.missedCount)
/// ```
///
/// **Design** (Aeron's broadcast transmitter and receiver): before writing past what it last
/// announced, the writer announces how far it may overwrite (`tailIntent`, an eighth of the ring
/// ahead, so once per step rather than per record); after writing a record, it publishes `tail`.
/// A reader copies records into its own buffer, then checks that `tailIntent` has not come
/// within a ring of them: if it has, the copy may be torn and is thrown away (the reader was
/// lapped), so a reader never hands out torn bytes. Readers write nothing the writer or other
/// readers read (only a parked readers' count, on its own line, when they go to sleep).
///
/// **Sharing.** A stream value is copyable and `Sendable`; it and every endpoint made from it
/// share one mapping. The writer and readers are `~Copyable` and keep raw pointers into it.
///
/// **Lifetime** as for ``SPSCQueue``: ``Lifetime/removedWhenCreatorCloses`` removes the name when
/// the creating value, its copies and every endpoint made from them are gone.
///
/// **Crash safety.** One live writer at a time; a dead writer's place is taken over by the next
/// ``makeWriter()``, which continues after the last record published. A record the dead writer
/// had not finished writing is never delivered (the new writer writes over it); one it had
/// finished but not yet published is published by the new writer.
///
/// **Capacity.** A reader must stay within `capacity - capacity / 8` bytes of the writer (records
/// take their payload plus 16 bytes, rounded up to 8); one that falls further behind is lapped.
public struct BroadcastStream: Sendable {
    /// The validated mapping, shared with the endpoints.
    @usableFromInline let mapping: BroadcastMapping

    /// The segment kind of a broadcast stream.
    public static let kind = SegmentKind.broadcastStream

    /// The ring capacities accepted, in bytes (each must also be a power of two).
    public static let capacityRange: ClosedRange<Int> = BroadcastLayout.capacityRange

    /// The largest-record sizes accepted for a ring of `capacity` bytes: from 1 to
    /// `capacity / 8`, so that a record stays readable while the writer writes several more.
    public static func maximumRecordSizeRange(for capacity: Int) -> ClosedRange<Int> {
        1...Swift.max(1, capacity / 8)
    }

    /// Where a new reader starts.
    public enum StartPosition: Sendable, Hashable {
        /// At the oldest record still in the ring, to within an eighth of the ring (the writer
        /// marks a readable record once per eighth of the ring it writes).
        case oldest
        /// At the latest record published (it is the first one received).
        case latest
        /// After the latest record: the first record received is the next one published.
        case next
    }

    /// The stream's name.
    public var name: String { mapping.storage.name }
    /// The ring's size in bytes.
    public var capacity: Int { mapping.capacity }
    /// The largest record accepted, in bytes.
    public var maximumRecordSize: Int { mapping.maximumRecordSize }
    /// Whether this value created the stream.
    public var wasCreated: Bool { mapping.storage.wasCreated }

    /// Creates a stream. The name appears only once the stream is whole.
    ///
    /// - Parameters:
    ///   - name: the stream's name (see ``SegmentName``).
    ///   - capacity: the ring's size in bytes: a power of two within ``capacityRange``. Each
    ///     record takes its payload plus a 16-byte header, rounded up to 8 bytes.
    ///   - maximumRecordSize: the largest payload accepted, within ``maximumRecordSizeRange(for:)``.
    ///   - permissions: the segment's mode; default `0600`.
    ///   - lifetime: when the name goes away (see the type's documentation).
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a capacity or maximum out of
    ///   range (naming it and the range); `alreadyExists`, `invalidName`, `permissionDenied`,
    ///   `insufficientSpace`.
    public init(
        create name: String,
        capacity: Int,
        maximumRecordSize: Int,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        try BroadcastStream.validate(capacity: capacity, maximumRecordSize: maximumRecordSize, name: name)
        let segment: Segment
        do {
            segment = try Segment(create: name, kind: BroadcastStream.kind, kindVersion: BroadcastLayout.version,
                                  bodySize: BroadcastLayout.ringOffset + capacity,
                                  permissions: permissions, lifetime: lifetime) { body in
                BroadcastStream.initialize(body.baseAddress!, capacity: capacity, maximumRecordSize: maximumRecordSize)
            }
        } catch {
            throw error.reported(as: "create broadcast stream")
        }
        mapping = try BroadcastMapping(QueueStorage(segment))
    }

    /// Opens an existing stream; if there is none yet, waits for it to appear until `deadline`
    /// (default: now, so a missing stream fails at once with ``InterprocessError/Code/notFound``).
    ///
    /// - Throws: `notFound`, `timedOut` (it did not appear in time), `wrongKind`,
    ///   `incompatibleVersion`, `corrupt`, `permissionDenied`.
    public init(open name: String, until deadline: Deadline = .now) throws(InterprocessError) {
        let segment: Segment
        do {
            segment = try Segment(open: name, kind: BroadcastStream.kind, kindVersion: BroadcastLayout.version, until: deadline)
        } catch {
            throw error.reported(as: "open broadcast stream")
        }
        mapping = try BroadcastMapping(QueueStorage(segment))
    }

    /// Opens an existing stream, waiting up to `timeout` for it to appear.
    public init(open name: String, timeout: Duration) throws(InterprocessError) {
        try self.init(open: name, until: .after(timeout))
    }

    /// Opens the stream, or creates it if there is none; two processes racing end up with one
    /// stream. ``wasCreated`` tells which happened.
    ///
    /// - Throws: ``InterprocessError/Code/incompatibleConfiguration`` naming the field, if the
    ///   existing stream has another capacity or maximum record size; the errors of `create`
    ///   and `open`.
    public init(
        openOrCreate name: String,
        capacity: Int,
        maximumRecordSize: Int,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        let operation = "open or create broadcast stream"
        try BroadcastStream.validate(capacity: capacity, maximumRecordSize: maximumRecordSize, name: name, operation: operation)
        self = try CreateOrOpen.run(operation: operation) { () throws(InterprocessError) in
            try BroadcastStream(create: name, capacity: capacity, maximumRecordSize: maximumRecordSize,
                                permissions: permissions, lifetime: lifetime)
        } open: { () throws(InterprocessError) in
            try BroadcastStream(open: name)
        }
        for (field, existing, requested) in [("capacity", self.capacity, capacity),
                                             ("maximum record size", self.maximumRecordSize, maximumRecordSize)]
        where existing != requested {
            throw InterprocessError(.incompatibleConfiguration, operation: operation, name: name,
                                    reason: "it exists with a \(field) of \(existing), but \(requested) was asked for")
        }
    }

    /// Removes a stream's name; endpoints already made keep working until they go away.
    ///
    /// Removes only a broadcast stream (or a broken segment), as ``SPSCQueue/remove(_:)`` does.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none;
    ///   ``InterprocessError/Code/wrongKind`` if the name holds another kind of segment;
    ///   ``InterprocessError/Code/foreignSegment`` if this library did not make it.
    public static func remove(_ name: String) throws(InterprocessError) {
        try Segment.remove(name, kind: .broadcastStream, operation: "remove broadcast stream")
    }

    /// Makes the stream's writer: continues after the last record published.
    ///
    /// - Throws: ``InterprocessError/Code/alreadyExists`` while another live process (or another
    ///   writer in this one) is the writer; `corrupt` for positions no stream can have.
    public func makeWriter() throws(InterprocessError) -> BroadcastWriter {
        try BroadcastWriter(mapping)
    }

    /// Makes a reader starting at `start` (default ``StartPosition/next``). Any number of
    /// readers may exist, in any processes; each allocates a buffer of its own (the largest
    /// record, at least 4 KiB, at most the capacity) that records are copied into.
    ///
    /// - Throws: `corrupt` for positions or record headers no stream can have.
    public func makeReader(startingAt start: StartPosition = .next) throws(InterprocessError) -> BroadcastReader {
        try BroadcastReader(mapping, startingAt: start)
    }

    /// Writes a new stream's control words into its zero-filled body.
    static func initialize(_ base: UnsafeMutableRawPointer, capacity: Int, maximumRecordSize: Int) {
        base.storeBytes(of: BroadcastLayout.version.littleEndian, toByteOffset: BroadcastLayout.versionOffset, as: UInt32.self)
        base.storeBytes(of: UInt64(capacity).littleEndian, toByteOffset: BroadcastLayout.capacityOffset, as: UInt64.self)
        base.storeBytes(of: UInt32(maximumRecordSize).littleEndian, toByteOffset: BroadcastLayout.maximumRecordOffset, as: UInt32.self)
        for offset in [BroadcastLayout.tailOffset, BroadcastLayout.intentOffset, BroadcastLayout.sequenceOffset,
                       BroadcastLayout.oldestOffset, BroadcastLayout.writerOwnerOffset] {
            (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1).initialize(to: Atomic(0))
        }
        (base + BroadcastLayout.latestOffset).bindMemory(to: Atomic<UInt64>.self, capacity: 1).initialize(to: Atomic(BroadcastLayout.none))
        (base + BroadcastLayout.parkedReadersOffset).bindMemory(to: Atomic<UInt32>.self, capacity: 1).initialize(to: Atomic(0))
        base.storeBytes(of: BroadcastLayout.tag.littleEndian, toByteOffset: BroadcastLayout.tagOffset, as: UInt32.self)
    }

    static func validate(capacity: Int, maximumRecordSize: Int, name: String, operation: String = "create broadcast stream") throws(InterprocessError) {
        guard capacityRange.contains(capacity), capacity & (capacity - 1) == 0 else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the capacity must be a power of two from \(capacityRange.lowerBound) to \(capacityRange.upperBound) bytes (got \(capacity))")
        }
        let range = maximumRecordSizeRange(for: capacity)
        guard range.contains(maximumRecordSize) else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the maximum record size must be from \(range.lowerBound) to \(range.upperBound) bytes for a capacity of \(capacity) (got \(maximumRecordSize))")
        }
    }
}
#endif
