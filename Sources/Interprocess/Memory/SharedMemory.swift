public import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Named POSIX shared memory (`shm_open`; a file in `/dev/shm` on Linux), mapped into this
/// process. Any process that knows the name and has permission can open it.
///
/// ```swift
/// let memory = try SharedMemory(create: "sensor-frames", size: 1 << 20)
/// try memory.region.withUnsafeMutableBytes { $0.storeBytes(of: 42, as: UInt64.self) }
/// // another process:
/// let view = try SharedMemory(open: "sensor-frames", access: .readOnly)
/// ```
///
/// Creation reserves the memory up front, so a segment larger than the free space in `/dev/shm`
/// fails with ``InterprocessError/Code/insufficientSpace`` instead of a SIGBUS on first touch.
/// Raw shared memory has no header; for a segment that validates itself on open, see ``Segment``.
public struct SharedMemory: ~Copyable {
    /// What happens to the name when the creator closes its handle.
    public enum Lifetime: Sendable, Hashable {
        /// The segment stays until someone removes it (``SharedMemory/remove(_:)``, or
        /// `interprocess rm`/`gc`). The default, because a segment must outlive a crashed process
        /// for a restarted one to recover its data — and a crashed creator never runs any cleanup,
        /// so removal on close could not be relied on anyway.
        case persistent
        /// The creator removes the name when its handle goes away. Processes that already have it
        /// mapped keep their mapping; later opens fail with ``InterprocessError/Code/notFound``.
        case removedWhenCreatorCloses
    }

    /// The segment's name.
    public let name: SegmentName
    /// The mapping of the whole segment.
    public let region: MappedRegion
    /// True if this handle created the segment (always true for `create`, and for `openOrCreate`
    /// when no segment existed).
    public let wasCreated: Bool
    /// What happens to the name when this handle goes away.
    public let lifetime: Lifetime

    /// The segment's size in bytes.
    public var size: Int { region.count }

    /// Creates a new segment of `size` bytes, zero-filled, and maps it read-write.
    ///
    /// - Parameters:
    ///   - name: the segment's name (see ``SegmentName``).
    ///   - size: its size in bytes; at least 1. The memory is reserved now.
    ///   - permissions: the mode of the new segment, exactly (the umask is not applied). Default
    ///     `0600`: only the creating user.
    ///   - lifetime: whether the segment outlives this handle (default ``Lifetime/persistent``).
    ///   - populate: fault all pages in now rather than on first touch.
    /// - Throws: ``InterprocessError/Code/alreadyExists`` if the name is taken, `invalidName`,
    ///   `invalidArgument` for a size below 1, `insufficientSpace`, `permissionDenied`.
    public init(
        create name: String,
        size: Int,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent,
        populate: Bool = false
    ) throws(InterprocessError) {
        let name = try SegmentName(name)
        let operation = "create shared memory"
        guard size > 0 else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name.rawValue,
                                    reason: "the size must be greater than 0 (got \(size))")
        }
        // glibc's shm_open adds O_NOFOLLOW and O_CLOEXEC.
        let descriptor = try checkedValue(operation, name: name.rawValue) {
            shm_open(name.systemName, O_CREAT | O_EXCL | O_RDWR, mode_t(permissions.rawValue))
        }
        defer { close(descriptor) }
        do {
            // The umask may have cleared bits the caller asked for.
            try checkedCall(operation, name: name.rawValue) { fchmod(descriptor, mode_t(permissions.rawValue)) }
            try SpaceReservation.size(descriptor, to: size, policy: .reserve, operation: operation, name: name.rawValue)
            region = try MappedRegion(descriptor: descriptor, offset: 0, length: size, access: .readWrite,
                                      populate: populate, label: name.rawValue)
        } catch {
            shm_unlink(name.systemName)
            throw error
        }
        self.name = name
        self.wasCreated = true
        self.lifetime = lifetime
    }

    /// Opens an existing segment and maps all of it.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none, `permissionDenied`,
    ///   `truncated` if it is empty.
    public init(
        open name: String, access: MappedRegion.Access = .readWrite, populate: Bool = false
    ) throws(InterprocessError) {
        let name = try SegmentName(name)
        let operation = "open shared memory"
        let descriptor = try SharedMemory.openDescriptor(name, access: access, operation: operation)
        defer { close(descriptor) }
        let size = try SharedMemory.fileSize(of: descriptor, operation: operation, name: name.rawValue)
        guard size > 0 else {
            throw InterprocessError(.truncated, operation: operation, name: name.rawValue, reason: "it is empty (0 bytes)")
        }
        region = try MappedRegion(descriptor: descriptor, offset: 0, length: size, access: access,
                                  populate: populate, label: name.rawValue)
        self.name = name
        self.wasCreated = false
        self.lifetime = .persistent
    }

    /// Opens the segment if it exists, or creates it with `size` bytes if not, without a race
    /// between two processes doing the same. Check ``wasCreated`` to learn which happened.
    ///
    /// - Throws: ``InterprocessError/Code/sizeMismatch`` if the existing segment's size differs
    ///   from `size`, and the errors of `create` and `open`.
    public init(
        openOrCreate name: String,
        size: Int,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        // Create and open can each lose a race against a concurrent remove or create; a few
        // rounds settle it. A segment that exists but is still empty is one whose creator is
        // reserving its memory (the size appears only when that is done, which takes a while
        // for a large segment): wait for it as long as the reservation makes progress.
        var races = 0
        var reservation = ReservationWatch()
        while true {
            do throws(InterprocessError) {
                self = try SharedMemory(create: name, size: size, permissions: permissions, lifetime: lifetime)
                return
            } catch where error.code == .alreadyExists {}
            do throws(InterprocessError) {
                let existing = try SharedMemory(open: name)
                guard existing.size == size else {
                    throw InterprocessError(.sizeMismatch, operation: "open or create shared memory", name: name,
                                            reason: "it exists with \(existing.size) bytes, but \(size) were asked for")
                }
                self = existing
                return
            } catch where error.code == .notFound {
                // Removed between our create and open: try again.
                races += 1
                if races == 8 { throw error }
            } catch where error.code == .truncated {
                guard reservation.isProgressing(try SegmentName(name)) else {
                    throw InterprocessError(.truncated, operation: "open or create shared memory", name: name,
                                            reason: "it stayed empty: its creator died or stalled before giving it a size")
                }
                usleep(1_000)
            }
        }
    }

    deinit {
        if wasCreated && lifetime == .removedWhenCreatorCloses {
            shm_unlink(name.systemName)
        }
    }

    /// Removes the name. Processes that have the segment mapped keep their mapping; the memory
    /// is freed when the last of them unmaps it.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is no such segment.
    public static func remove(_ name: String) throws(InterprocessError) {
        let name = try SegmentName(name)
        try checkedCall("remove shared memory", name: name.rawValue) { shm_unlink(name.systemName) }
    }

    /// Whether a segment with this name exists (false for an invalid name).
    public static func exists(_ name: String) -> Bool {
        guard let name = try? SegmentName(name) else { return false }
        var info = stat()
        return stat(SharedMemoryDirectory.path(of: name), &info) == 0
    }

    /// Maps an already opened descriptor of a named segment whose size the caller validated.
    init(
        adopting descriptor: Int32, name: SegmentName, size: Int, access: MappedRegion.Access
    ) throws(InterprocessError) {
        region = try MappedRegion(descriptor: descriptor, offset: 0, length: size, access: access,
                                  populate: false, label: name.rawValue)
        self.name = name
        self.wasCreated = false
        self.lifetime = .persistent
    }

    static func openDescriptor(
        _ name: SegmentName, access: MappedRegion.Access, operation: String
    ) throws(InterprocessError) -> Int32 {
        // O_NONBLOCK: a FIFO planted under the name must not block the open.
        let flags = (access == .readWrite ? O_RDWR : O_RDONLY) | O_NONBLOCK
        let descriptor = try checkedValue(operation, name: name.rawValue) { shm_open(name.systemName, flags, 0) }
        do {
            try requireRegularFile(descriptor, operation: operation, name: name.rawValue)
        } catch {
            close(descriptor)
            throw error
        }
        return descriptor
    }

    /// Watches a segment that exists but is still empty, to tell a creator that is reserving
    /// its memory (the allocated blocks keep growing) from one that died or stalled.
    private struct ReservationWatch {
        private var blocks: Int = -1
        private var stallDeadline = MonotonicDeadline.now

        /// Whether the segment's allocation changed within the last two seconds. A segment that
        /// has gone counts as progress: the next round sees it missing and creates it.
        mutating func isProgressing(_ name: SegmentName) -> Bool {
            var info = stat()
            guard stat(SharedMemoryDirectory.path(of: name), &info) == 0 else { return true }
            if Int(info.st_blocks) != blocks {
                blocks = Int(info.st_blocks)
                stallDeadline = .after(.seconds(2))
                return true
            }
            return !stallDeadline.hasPassed
        }
    }

    /// Throws ``InterprocessError/Code/foreignSegment`` unless `descriptor` is a regular file
    /// (not a FIFO, device or directory someone planted under the name).
    static func requireRegularFile(_ descriptor: Int32, operation: String, name: String) throws(InterprocessError) {
        var info = stat()
        try checkedCall(operation, name: name) { fstat(descriptor, &info) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw InterprocessError(.foreignSegment, operation: operation, name: name, reason: "it is not a regular file")
        }
    }

    static func fileSize(of descriptor: Int32, operation: String, name: String) throws(InterprocessError) -> Int {
        var info = stat()
        try checkedCall(operation, name: name) { fstat(descriptor, &info) }
        return Int(info.st_size)
    }
}

/// Safe to move to another thread or task: it owns a mapping and, at most, a descriptor.
extension SharedMemory: Sendable {}
