#if os(Linux)
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
/// It builds the segment under a hidden name and publishes it under its real name only when it
/// is whole, so a name never refers to a half-made segment, even if its creator is killed.
///
/// Every handle keeps its descriptor open and holds a shared `flock` on it while it maps the
/// segment, so that `interprocess gc` (which removes only under the exclusive lock) never
/// removes a segment a process is using. ``remove(_:)`` ignores the lock: it removes the name at
/// once, and processes that have the segment mapped keep it.
/// Raw shared memory has no header; for a segment that validates itself on open, see ``Segment``.
public struct SharedMemory: ~Copyable {
    /// The segment's name.
    public let name: SegmentName
    /// The mapping of the whole segment.
    public let region: MappedRegion
    /// True if this handle created the segment (always true for `create`, and for `openOrCreate`
    /// when no segment existed).
    public let wasCreated: Bool
    /// What happens to the name when this handle goes away.
    public let lifetime: Lifetime
    /// Open as long as the mapping: it carries the shared lock that keeps `gc` away.
    let descriptor: Int32
    /// The hidden name a created segment was built under (see ``publish()``); nil for one opened.
    private let pending: PendingName?

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
        self = try SharedMemory.published(SharedMemory(
            creatingUnpublished: SegmentName(name), size: size, permissions: permissions,
            lifetime: lifetime, populate: populate))
    }

    /// `memory`, published (see ``publish()``).
    static func published(_ memory: consuming SharedMemory) throws(InterprocessError) -> SharedMemory {
        try memory.publish()
        return memory
    }

    /// Creates, sizes and maps a segment under a hidden ``PendingName``; nothing can open it
    /// until ``publish()`` gives it its name (dropping the handle first removes it).
    init(
        creatingUnpublished name: SegmentName, size: Int, permissions: FilePermissions,
        lifetime: Lifetime, populate: Bool
    ) throws(InterprocessError) {
        let operation = "create shared memory"
        guard size > 0 else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name.rawValue,
                                    reason: "the size must be greater than 0 (got \(size))")
        }
        // Fail before reserving the memory when the name is plainly taken; `publish` decides races.
        if NameLock.identity(ofPath: SharedMemoryDirectory.path(of: name)) != nil {
            throw InterprocessError.system(.fileExists, operation: operation, name: name.rawValue)
        }
        let pending = PendingName(creating: name)
        // glibc's shm_open adds O_NOFOLLOW and O_CLOEXEC.
        let descriptor = try checkedValue(operation, name: name.rawValue) {
            shm_open(pending.systemName, O_CREAT | O_EXCL | O_RDWR, mode_t(permissions.rawValue))
        }
        do {
            try NameLock.lockShared(descriptor, until: .after(.seconds(5)), operation: operation, name: name.rawValue)
            // The umask may have cleared bits the caller asked for.
            try checkedCall(operation, name: name.rawValue) { fchmod(descriptor, mode_t(permissions.rawValue)) }
            try SpaceReservation.size(descriptor, to: size, policy: .reserve, operation: operation, name: name.rawValue)
            region = try MappedRegion(descriptor: descriptor, offset: 0, length: size, access: .readWrite,
                                      populate: populate, label: name.rawValue)
        } catch {
            shm_unlink(pending.systemName)
            close(descriptor)
            throw error
        }
        self.name = name
        self.wasCreated = true
        self.lifetime = lifetime
        self.descriptor = descriptor
        self.pending = pending
    }

    /// Gives a segment made by ``init(creatingUnpublished:size:permissions:lifetime:populate:)``
    /// its name, atomically: `link(2)` fails if the name exists, so two creators cannot both
    /// win, and an opener sees either no segment or a whole one.
    ///
    /// - Throws: ``InterprocessError/Code/alreadyExists`` if another process published the name
    ///   first; `systemError` if another process removed the hidden name meanwhile (the segment
    ///   can no longer be given a name: publishing nothing would hand the caller a segment nobody
    ///   can open).
    func publish() throws(InterprocessError) {
        guard let pending else { return }
        guard NameLock.path(pending.path, names: descriptor) else {
            throw InterprocessError(.systemError, operation: "create shared memory", name: name.rawValue,
                                    reason: "another process removed its hidden name \(pending.fileName) before it was published; nothing was created")
        }
        try checkedCall("create shared memory", name: name.rawValue) {
            link(pending.path, SharedMemoryDirectory.path(of: name))
        }
        // A creator killed here leaves the hidden name as a second link to a published
        // segment; `gc` removes it.
        shm_unlink(pending.systemName)
    }

    /// Opens an existing segment and maps all of it, holding its shared lock while mapped.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` if there is none, `permissionDenied`,
    ///   `truncated` if it is empty, `timedOut` if another process holds the segment's exclusive
    ///   lock for more than 5 seconds (`gc` holds it only for microseconds).
    public init(
        open name: String, access: MappedRegion.Access = .readWrite, populate: Bool = false
    ) throws(InterprocessError) {
        let name = try SegmentName(name)
        let operation = "open shared memory"
        let descriptor = try SharedMemory.openDescriptor(name, access: access, operation: operation,
                                                         deadline: .after(.seconds(5)))
        do throws(InterprocessError) {
            let size = try SharedMemory.fileSize(of: descriptor, operation: operation, name: name.rawValue)
            guard size > 0 else {
                throw InterprocessError(.truncated, operation: operation, name: name.rawValue, reason: "it is empty (0 bytes)")
            }
            region = try MappedRegion(descriptor: descriptor, offset: 0, length: size, access: access,
                                      populate: populate, label: name.rawValue)
        } catch {
            close(descriptor)
            throw error
        }
        self.name = name
        self.wasCreated = false
        self.lifetime = .persistent
        self.descriptor = descriptor
        self.pending = nil
    }

    /// Opens the segment if it exists, or creates it with `size` bytes if not, without a race
    /// between two processes doing the same. Check ``wasCreated`` to learn which happened.
    ///
    /// - Throws: ``InterprocessError/Code/incompatibleConfiguration`` if the existing segment's
    ///   size differs from `size`, and the errors of `create` and `open`.
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
                    throw InterprocessError(.incompatibleConfiguration, operation: "open or create shared memory", name: name,
                                            reason: "its size differs: it exists with \(existing.size) bytes, but \(size) were asked for")
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
        if let pending, NameLock.path(pending.path, names: descriptor) {
            // Never published: the hidden name goes with the handle.
            shm_unlink(pending.systemName)
        }
        if wasCreated && lifetime == .removedWhenCreatorCloses && isReachableByName {
            // Only our own segment: the name may have been removed and created again meanwhile.
            shm_unlink(name.systemName)
        }
        close(descriptor)
    }

    /// Whether the segment's name still refers to this segment: false once someone removed it
    /// (even if a new segment was created under the same name since), and before a created
    /// segment is published.
    public var isReachableByName: Bool {
        NameLock.path(SharedMemoryDirectory.path(of: name), names: descriptor)
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

    /// Maps an already opened descriptor of a named segment whose size the caller validated,
    /// and takes it over (with its shared lock): the handle closes it, also when this throws.
    init(
        adopting descriptor: Int32, name: SegmentName, size: Int, access: MappedRegion.Access
    ) throws(InterprocessError) {
        do throws(InterprocessError) {
            region = try MappedRegion(descriptor: descriptor, offset: 0, length: size, access: access,
                                      populate: false, label: name.rawValue)
        } catch {
            close(descriptor)
            throw error
        }
        self.name = name
        self.wasCreated = false
        self.lifetime = .persistent
        self.descriptor = descriptor
        self.pending = nil
    }

    /// Opens the segment's file and takes its shared lock (see ``NameLock``), making sure the
    /// name still refers to the file once the lock is held: a segment `gc` removed between the
    /// open and the lock is opened again (or is gone: `notFound`), never used orphaned.
    static func openDescriptor(
        _ name: SegmentName, access: MappedRegion.Access, operation: String, deadline: Deadline
    ) throws(InterprocessError) -> Int32 {
        // O_NONBLOCK: a FIFO planted under the name must not block the open.
        let flags = (access == .readWrite ? O_RDWR : O_RDONLY) | O_NONBLOCK
        while true {
            let descriptor = try checkedValue(operation, name: name.rawValue) { shm_open(name.systemName, flags, 0) }
            do {
                try requireRegularFile(descriptor, operation: operation, name: name.rawValue)
                try NameLock.lockShared(descriptor, until: deadline, operation: operation, name: name.rawValue)
            } catch {
                close(descriptor)
                throw error
            }
            if NameLock.path(SharedMemoryDirectory.path(of: name), names: descriptor) { return descriptor }
            close(descriptor)
            if deadline.hasPassed {
                throw InterprocessError(.timedOut, operation: operation, name: name.rawValue,
                                        reason: "it kept being removed and created again while it was being opened")
            }
        }
    }

    /// Watches a segment that exists but is still empty, to tell a creator that is reserving
    /// its memory (the allocated blocks keep growing) from one that died or stalled.
    private struct ReservationWatch {
        private var blocks: Int = -1
        private var stallDeadline = Deadline.now

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

    /// Throws ``InterprocessError/Code/truncated`` if another process shrank the segment's file
    /// under this mapping: the file is now shorter than the mapping, or this process touched a
    /// page past its new end (see ``MappedRegion/wasTruncated``). One `fstat`: for the slow
    /// paths that judge a segment's health.
    ///
    /// ```swift
    /// let memory = try SharedMemory(open: "frames")
    /// try memory.checkNotTruncated(operation: "read frames")  // .truncated after a peer's ftruncate
    /// ```
    public func checkNotTruncated(operation: String) throws(InterprocessError) {
        if let problem = truncationProblem(operation: operation) { throw problem }
    }

    /// The error ``checkNotTruncated(operation:)`` throws, or nil.
    func truncationProblem(operation: String) -> InterprocessError? {
        truncationProbe.problem(operation: operation)
    }

    /// The mapping's truncation count, copyable (valid while this handle lives).
    var truncationProbe: TruncationProbe { region.truncationProbe(name: name.rawValue, descriptor: descriptor) }

    static func fileSize(of descriptor: Int32, operation: String, name: String) throws(InterprocessError) -> Int {
        var info = stat()
        try checkedCall(operation, name: name) { fstat(descriptor, &info) }
        return Int(info.st_size)
    }
}

/// Safe to move to another thread or task: it owns a mapping and, at most, a descriptor.
extension SharedMemory: Sendable {}
#endif
