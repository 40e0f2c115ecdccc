#if os(Linux)
public import SystemPackage
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Named shared memory that starts with the library's ``SegmentHeader``, so every process that
/// opens it can check what it is before touching it: magic, layout version, kind, sizes,
/// checksum, and whether its creator has finished initializing it.
///
/// The creator builds the segment under a hidden name, initializes the body inside `create`,
/// marks it ready, and only then publishes it under its name: other processes see no segment
/// or a whole one. `open` still waits (up to a deadline) for a segment whose state says it is
/// being initialized, and reports a creator that died first, for segments made by other
/// writers of the format.
///
/// ```swift
/// let segment = try Segment(create: "prices", bodySize: 4096) { body in
///     body.storeBytes(of: 1, as: UInt64.self)  // runs before any other process may use it
/// }
/// // elsewhere:
/// let view = try Segment(open: "prices", kind: .raw)
/// ```
public struct Segment: ~Copyable {
    /// The mapping of the whole segment, header included.
    public let memory: SharedMemory
    /// The header as validated when this handle was created or opened.
    public let header: SegmentHeader

    /// The segment's name.
    public var name: SegmentName { memory.name }

    /// Whether this handle created the segment (``init(create:kind:kindVersion:bodySize:permissions:lifetime:initialize:)``,
    /// or ``init(openOrCreate:kind:kindVersion:bodySize:permissions:lifetime:initialize:)`` that found no segment).
    public var wasCreated: Bool { memory.wasCreated }

    /// The bytes after the header, read-only, valid while this value lives. Its base is 128-byte
    /// aligned. Use ``writableBody`` to write.
    public var readableBody: UnsafeRawBufferPointer { UnsafeRawBufferPointer(body) }

    /// The bytes after the header, writable, valid while this value lives.
    ///
    /// - Throws: ``InterprocessError/Code/readOnly`` for a segment opened
    ///   ``MappedRegion/Access/readOnly``, whose pages a write would fault on.
    public var writableBody: UnsafeMutableRawBufferPointer {
        get throws(InterprocessError) {
            guard memory.region.access != .readOnly else {
                throw InterprocessError(.readOnly, operation: "write segment", name: name.rawValue,
                                        reason: "it was opened read-only")
            }
            return body
        }
    }

    /// The body as mutable memory, whatever the access: for the library's own structures, which
    /// open their segments read-write.
    var body: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: memory.region.baseAddress + SegmentHeader.size,
                                      count: memory.region.count - SegmentHeader.size)
    }

    /// Creates a segment with a body of `bodySize` bytes, runs `initialize` on the zero-filled
    /// body, and only then marks the segment ready for other processes.
    ///
    /// If `initialize` throws, or the process dies before `create` returns, the name is never
    /// published: openers get ``InterprocessError/Code/notFound`` at once, and a later `create`
    /// succeeds. (`interprocess gc` removes the hidden file a killed creator leaves.)
    ///
    /// - Throws: ``InterprocessError`` as ``SharedMemory/init(create:size:permissions:lifetime:populate:)``
    ///   does (reported as "create segment"), and whatever `initialize` throws.
    public init(
        create name: String,
        kind: SegmentKind = .raw,
        kindVersion: UInt32 = 1,
        bodySize: Int,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent,
        initialize: (UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Void = { _ in }
    ) throws(InterprocessError) {
        guard bodySize > 0, bodySize <= Int.max - SegmentHeader.size else {
            throw InterprocessError(.invalidArgument, operation: "create segment", name: name,
                                    reason: "the body size must be between 1 and \(Int.max - SegmentHeader.size) (got \(bodySize))")
        }
        let memory: SharedMemory
        do throws(InterprocessError) {
            memory = try SharedMemory(creatingUnpublished: SegmentName(name), size: SegmentHeader.size + bodySize,
                                      permissions: permissions, lifetime: lifetime, populate: false)
        } catch {
            throw error.reported(as: "create segment")
        }
        var realtime = timespec()
        clock_gettime(CLOCK_REALTIME, &realtime)
        let header = SegmentHeader(
            kind: kind, kindVersion: kindVersion, totalSize: memory.size, creator: .current,
            createdAt: UInt64(realtime.tv_sec) &* 1_000_000_000 &+ UInt64(realtime.tv_nsec))
        let base = memory.region.baseAddress
        let state = Segment.stateWord(in: base)
        state.initialize(to: Atomic(SegmentHeader.State.initializing.rawValue))
        Segment.publishHeader(header, at: base)
        // If this throws, `memory` goes away unpublished and removes its hidden name.
        try initialize(UnsafeMutableRawBufferPointer(start: base + SegmentHeader.size, count: bodySize))
        // Release: every write of the body happens-before an opener's acquiring load of `ready`.
        state.pointee.store(SegmentHeader.State.ready.rawValue, ordering: .releasing)
        do throws(InterprocessError) {
            try memory.publish()
        } catch {
            throw error.reported(as: "create segment")
        }
        var readyHeader = header
        readyHeader.state = SegmentHeader.State.ready.rawValue
        self.header = readyHeader
        self.memory = memory
    }

    /// Opens a segment and validates its header; if it does not exist yet, waits for it to
    /// appear until `deadline` (default: now, so a missing segment fails at once).
    ///
    /// - Parameters:
    ///   - name: the segment's name (see ``SegmentName`` for the rules).
    ///   - kind: the kind expected, or nil to accept any.
    ///   - kindVersion: the body layout version expected, or nil to accept any.
    ///   - access: read-write (default) or read-only.
    ///   - deadline: how long to wait for a segment that does not exist yet, or that a creator
    ///     of an older version is still initializing.
    /// - Throws: ``InterprocessError`` with code `notFound` (no deadline given), `timedOut` (it
    ///   did not appear in time), `permissionDenied`, `foreignSegment`, `truncated`, `corrupt`,
    ///   `incompatibleVersion`, `wrongKind` or `creatorDied`.
    public init(
        open name: String,
        kind: SegmentKind? = nil,
        kindVersion: UInt32? = nil,
        access: MappedRegion.Access = .readWrite,
        until deadline: Deadline = .now
    ) throws(InterprocessError) {
        self = try AppearanceWait.open(until: deadline, operation: "open segment", name: name) { () throws(InterprocessError) in
            // Passing states (gc holding its lock a moment, a header being written by a creator of
            // an older version) are waited out even without a deadline: they are not "missing".
            try Segment(openingNow: name, kind: kind, kindVersion: kindVersion, access: access,
                        deadline: Swift.max(deadline, .after(Segment.passingStateAllowance)))
        }
    }

    /// Opens a segment as ``init(open:kind:kindVersion:access:until:)`` does, waiting up to
    /// `timeout` for it to appear.
    public init(
        open name: String,
        kind: SegmentKind? = nil,
        kindVersion: UInt32? = nil,
        access: MappedRegion.Access = .readWrite,
        timeout: Duration
    ) throws(InterprocessError) {
        try self.init(open: name, kind: kind, kindVersion: kindVersion, access: access, until: .after(timeout))
    }

    /// How long an open waits out a passing state of an existing segment when its own deadline
    /// is shorter.
    static let passingStateAllowance: Duration = .seconds(2)

    /// One attempt to open an existing segment; waits until `deadline` only for a creator that
    /// is still initializing it.
    private init(
        openingNow name: String, kind: SegmentKind?, kindVersion: UInt32?,
        access: MappedRegion.Access, deadline: Deadline
    ) throws(InterprocessError) {
        let operation = "open segment"
        let segmentName = try SegmentName(name)
        let descriptor = try SharedMemory.openDescriptor(segmentName, access: access, operation: operation, deadline: deadline)
        var header: SegmentHeader
        do throws(InterprocessError) {
            header = try Segment.awaitValidHeader(descriptor: descriptor, name: name, operation: operation, deadline: deadline)
            try SegmentValidation.checkKind(header, kind: kind, kindVersion: kindVersion, name: name, operation: operation)
        } catch {
            close(descriptor)
            throw error
        }
        // The handle takes the descriptor over: it keeps the shared lock while the segment is mapped.
        let memory = try SharedMemory(adopting: descriptor, name: segmentName, size: Int(header.totalSize), access: access)
        let base = memory.region.baseAddress
        let state = Segment.stateWord(in: base)
        while state.pointee.load(ordering: .acquiring) != SegmentHeader.State.ready.rawValue {
            if header.creator.liveness == .dead {
                throw InterprocessError(.creatorDied, operation: operation, name: name,
                                        reason: "its creator (pid \(header.creator.pid)) died before it finished initializing it")
            }
            if deadline.hasPassed {
                throw InterprocessError(.timedOut, operation: operation, name: name,
                                        reason: "its creator (pid \(header.creator.pid)) did not finish initializing it before the deadline")
            }
            // Short slices, so that a creator's death is noticed without a wake-up.
            let slice = Deadline.after(.milliseconds(10)).earlier(than: deadline)
            _ = Futex.wait(on: Segment.futexWord(in: base), expecting: SegmentHeader.State.initializing.rawValue, until: slice)
        }
        // A peer may have shrunk the file between the size check and the reads above.
        try memory.checkNotTruncated(operation: operation)
        header.state = SegmentHeader.State.ready.rawValue
        self.header = header
        self.memory = memory
    }

    /// Removes a segment's name (see ``SharedMemory/remove(_:)``).
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none (reported as "remove segment").
    public static func remove(_ name: String) throws(InterprocessError) {
        do throws(InterprocessError) {
            try SharedMemory.remove(name)
        } catch {
            throw error.reported(as: "remove segment")
        }
    }

    /// Reads and validates the header with `pread`, retrying until `deadline` while the file is
    /// empty or its header unwritten (a creator between `shm_open` and its first write), and
    /// while a header that says it is being initialized by a creator not known to be dead fails
    /// its checksum (a read torn by a creator still writing it): that is reported as `corrupt`
    /// only at the deadline.
    private static func awaitValidHeader(
        descriptor: Int32, name: String, operation: String, deadline: Deadline
    ) throws(InterprocessError) -> SegmentHeader {
        while true {
            let (fileSize, outcome) = try SegmentValidation.read(descriptor: descriptor, name: name, operation: operation)
            switch outcome {
            case .valid(let header):
                return header
            case .invalid(let error, let header):
                let beingWritten = error.code == .corrupt && header.map {
                    $0.checksum != $0.computedChecksum && $0.state == SegmentHeader.State.initializing.rawValue
                        && $0.creator.liveness != .dead
                } == true
                if !beingWritten || deadline.hasPassed { throw error }
                var pause = timespec(tv_sec: 0, tv_nsec: 1_000_000)
                nanosleep(&pause, nil)
            case .notYetWritten:
                if deadline.hasPassed {
                    throw InterprocessError(.timedOut, operation: operation, name: name,
                                            reason: fileSize == 0 ? "it is empty, and no creator gave it a size before the deadline"
                                                : "its magic number is zero, and no creator wrote a header before the deadline")
                }
                var pause = timespec(tv_sec: 0, tv_nsec: 1_000_000)
                nanosleep(&pause, nil)
            }
        }
    }

    /// Writes the header into a new segment with the magic number last, with release ordering:
    /// an opener that reads the magic also reads every other field as written (openers treat
    /// a zero magic as "not written yet" and wait).
    static func publishHeader(_ header: SegmentHeader, at base: UnsafeMutableRawPointer) {
        var staged = [UInt8](repeating: 0, count: SegmentHeader.size)
        staged.withUnsafeMutableBytes { header.encodeAllButState(into: $0) }
        let magic = SegmentHeader.Field.magic, state = SegmentHeader.Field.state
        staged.withUnsafeBytes { bytes in
            for range in [(magic.offset + magic.size)..<state.offset, (state.offset + state.size)..<SegmentHeader.size] {
                (base + range.lowerBound).copyMemory(from: bytes.baseAddress! + range.lowerBound, byteCount: range.count)
            }
        }
        let magicWord = (base + magic.offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        magicWord.pointee.store(header.magic.littleEndian, ordering: .releasing)
    }

    static func stateWord(in base: UnsafeMutableRawPointer) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (base + SegmentHeader.Field.state.offset).bindMemory(to: Atomic<UInt32>.self, capacity: 1)
    }

    static func futexWord(in base: UnsafeMutableRawPointer) -> UnsafeMutablePointer<UInt32> {
        // The futex syscall reads the same word the atomic writes; it never goes through Swift.
        UnsafeMutablePointer(OpaquePointer(base + SegmentHeader.Field.state.offset))
    }
}

/// Safe to move to another thread or task: it owns a mapping.
extension Segment: Sendable {}
#endif
