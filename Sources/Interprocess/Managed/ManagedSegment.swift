#if os(Linux)
public import SystemPackage
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A heap in shared memory that any number of processes attach to: allocate blocks, hand their
/// ``SegmentOffset``s to other processes (over a queue, in another block), and reach the bytes
/// from every process, whatever address each maps the segment at.
///
/// ```swift
/// let heap = try ManagedSegment(openOrCreate: "orders", size: 1 << 20)
/// let record = try heap.allocate(byteCount: 64)
/// try heap.withUnsafeMutableBytes(at: record, byteCount: 64) { bytes in
///     bytes.storeBytes(of: 42, as: UInt64.self)
/// }
/// // any process: read it at `record`, then give it back
/// try heap.deallocate(record)
/// ```
///
/// The segment is crash-safe: a process killed at any instruction inside ``allocate(byteCount:alignment:)``
/// or ``deallocate(_:)`` leaves a heap the others keep using (the heap lock's next holder
/// repairs it from an intent log), and ``verify()`` checks every block. It grows while attached
/// (``grow(to:)``): each process maps the new part after the old one in an address range it
/// reserved for ``maximumSize``, so pointers it handed out stay valid. The layout is in
/// `docs/FORMAT.md`, "Managed segments".
///
/// One instance may be shared by the threads of a process (it is `Sendable`).
public final class ManagedSegment: @unchecked Sendable {
    // @unchecked: the raw pointers address the shared mapping, which lives as long as the
    // instance; everything mutable behind them is atomic or guarded by the heap lock.

    /// The maximum size when none is given: 4 GiB of address space, reserved but not used.
    public static let defaultMaximumSize = ManagedLayout.defaultMaximumSize

    /// The segment's name (for an anonymous segment, "anonymous").
    public let name: String
    /// Whether this handle created the segment.
    public let wasCreated: Bool
    /// The largest size the segment can grow to, in bytes.
    public let maximumSize: Int

    let attachment: ManagedAttachment
    /// The segment's first byte in this process.
    let base: UnsafeMutableRawPointer
    /// Where the heap's first block starts.
    let heapStart: UInt64
    /// How many bytes this process has mapped (grows when another process grew the segment).
    let mappedSize: Atomic<Int>
    /// Serializes this process's remapping.
    let mapLock = ThreadLock(())
    /// The heap lock, placed in the managed header.
    let heapLock: ProcessMutex
    /// The chunk map's first byte.
    let chunkMap: UnsafeMutablePointer<Atomic<UInt8>>
    /// This handle's serial among the process's handles (for the threads' cache tables).
    let serial: UInt64
    /// The key of the threads' cache tables (``ThreadCaches/key``), kept here so the fast path
    /// reads no global.
    let threadKey: pthread_key_t
    /// The size classes (``SlabClass/sizes``), in memory of this handle's own.
    let classes: UnsafeMutablePointer<SlabClass>
    /// The class index for each 16-byte granule count 0...64 (byte counts up to 1 KiB).
    let classByGranule: UnsafeMutablePointer<UInt8>

    init(_ attachment: consuming ManagedAttachment, name: String) throws(InterprocessError) {
        let base = attachment.reservation.base
        do throws(InterprocessError) {
            self.heapLock = try ProcessMutex(placedAt: base + ManagedLayout.heapLockOffset)
        } catch {
            throw InterprocessError(error.code, operation: "open managed segment", name: name,
                                    reason: "its heap lock is unusable: \(error.reason)")
        }
        self.base = base
        self.name = name
        self.wasCreated = attachment.storage.wasCreated
        self.maximumSize = attachment.maximumSize
        self.heapStart = UInt64(attachment.heapStart)
        self.mappedSize = Atomic(attachment.mappedSize)
        self.chunkMap = (base + ManagedLayout.chunkMapOffset).assumingMemoryBound(to: Atomic<UInt8>.self)
        self.serial = ThreadCaches.nextSerial.wrappingAdd(1, ordering: .relaxed).oldValue
        self.threadKey = ThreadCaches.key
        self.classes = .allocate(capacity: SlabClass.sizes.count)
        self.classes.initialize(from: SlabClass.sizes.map(SlabClass.init(size:)), count: SlabClass.sizes.count)
        self.classByGranule = .allocate(capacity: 65)
        for granule in 0...64 {
            classByGranule[granule] = UInt8(SlabClass.index(forByteCount: granule * 16, alignment: 16) ?? 0)
        }
        self.attachment = attachment
        ThreadCaches.register(self)
    }

    deinit {
        ThreadCaches.unregister(serial: serial)
        classes.deinitialize(count: SlabClass.sizes.count)
        classes.deallocate()
        classByGranule.deallocate()
    }

    /// Creates a managed segment of `size` bytes that can grow to `maximumSize`.
    ///
    /// - Parameters:
    ///   - name: the segment's name (``SegmentName`` rules), or a label for a file backing.
    ///   - size: its initial size, rounded up to a page; at least the header, the chunk map
    ///     (one byte per 64 KiB of `maximumSize`) and two chunks.
    ///   - maximumSize: the most it may grow to (address space reserved in every process that
    ///     attaches; no memory is used until it grows). Up to 1 TiB.
    ///   - backing: named shared memory (default) or a file.
    ///   - permissions: the new file's mode (default `0600`).
    ///   - lifetime: whether the name outlives this handle.
    /// - Throws: ``InterprocessError`` `alreadyExists`, `invalidName`, `invalidArgument` (sizes
    ///   out of range, naming the range), `insufficientSpace`, `permissionDenied`.
    public convenience init(
        create name: String, size: Int, maximumSize: Int = ManagedSegment.defaultMaximumSize,
        backing: ManagedSegmentBacking = .sharedMemory, permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        try self.init(ManagedAttachment.create(name, size: size, maximumSize: maximumSize, backing: backing,
                                               permissions: permissions, lifetime: lifetime,
                                               operation: "create managed segment"), name: name)
    }

    /// Opens an existing managed segment; fails with `notFound` at once when there is none.
    ///
    /// - Throws: ``InterprocessError`` `notFound`, `wrongKind` (another kind of segment),
    ///   `incompatibleVersion`, `foreignSegment`, `corrupt` (a managed header no correct peer
    ///   could have written), `permissionDenied`.
    public convenience init(open name: String, backing: ManagedSegmentBacking = .sharedMemory) throws(InterprocessError) {
        try self.init(open: name, backing: backing, until: .now)
    }

    /// Opens a managed segment, waiting until `deadline` for it to appear.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` if it did not appear in time, and the
    ///   errors of ``init(open:backing:)``.
    public convenience init(open name: String, backing: ManagedSegmentBacking = .sharedMemory, until deadline: Deadline) throws(InterprocessError) {
        try self.init(ManagedAttachment.open(name, backing: backing, deadline: deadline, operation: "open managed segment"),
                      name: name)
    }

    /// Opens a managed segment, waiting up to `timeout` for it to appear.
    public convenience init(open name: String, backing: ManagedSegmentBacking = .sharedMemory, timeout: Duration) throws(InterprocessError) {
        try self.init(open: name, backing: backing, until: .after(timeout))
    }

    /// Opens the segment if it exists, or creates it if not; two processes racing end up with
    /// one segment (``wasCreated`` tells which happened).
    ///
    /// - Throws: ``InterprocessError/Code/incompatibleConfiguration`` when the existing
    ///   segment's maximum size differs, and the errors of create and open.
    public convenience init(
        openOrCreate name: String, size: Int, maximumSize: Int = ManagedSegment.defaultMaximumSize,
        backing: ManagedSegmentBacking = .sharedMemory, permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        let operation = "open or create managed segment"
        let attachment = try CreateOrOpen.run(operation: operation) { () throws(InterprocessError) in
            try ManagedAttachment.create(name, size: size, maximumSize: maximumSize, backing: backing,
                                         permissions: permissions, lifetime: lifetime, operation: operation)
        } open: { () throws(InterprocessError) in
            let existing = try ManagedAttachment.open(name, backing: backing, deadline: .now, operation: operation)
            let wanted = ManagedLayout.roundUpToPage(maximumSize)
            guard existing.maximumSize == wanted else {
                throw InterprocessError(.incompatibleConfiguration, operation: operation, name: name,
                                        reason: "its maximumSize differs: it exists with \(existing.maximumSize) bytes, but \(wanted) were asked for")
            }
            return existing
        }
        try self.init(attachment, name: name)
    }

    /// Creates a managed segment with no name (a memory file, `memfd_create`): it lives as long
    /// as a process maps it, and a crash never leaves it behind.
    public static func anonymous(size: Int, maximumSize: Int = ManagedSegment.defaultMaximumSize) throws(InterprocessError) -> ManagedSegment {
        try ManagedSegment(ManagedAttachment.create("anonymous", size: size, maximumSize: maximumSize, backing: nil,
                                                    permissions: .ownerReadWrite, lifetime: .persistent,
                                                    operation: "create anonymous managed segment"), name: "anonymous")
    }

    /// Removes a managed segment's name; processes that have it open keep using it.
    ///
    /// - Throws: ``InterprocessError`` `notFound`, `wrongKind` for a segment of another kind,
    ///   `foreignSegment` for a file this library did not make.
    public static func remove(_ name: String, backing: ManagedSegmentBacking = .sharedMemory) throws(InterprocessError) {
        switch backing {
        case .sharedMemory:
            try Segment.remove(name, kind: .managedSegment, operation: "remove managed segment")
        case .file(let path):
            try ManagedStorage.removeFile(path.string, operation: "remove managed segment")
        }
    }

    /// The segment's current size in bytes (it grows with ``grow(to:)``, also by other processes).
    public var size: Int {
        let shared = Int(truncatingIfNeeded: sizeWord.pointee.load(ordering: .acquiring))
        let mapped = mappedSize.load(ordering: .acquiring)
        if shared != mapped { try? remap() }
        return mappedSize.load(ordering: .acquiring)
    }

    /// The named-object directory's root: the offset of the directory's block, 0 until one
    /// exists. An 8-byte-aligned atomic word at a fixed offset of the managed header.
    var directoryRoot: UnsafeMutablePointer<Atomic<UInt64>> {
        (base + ManagedLayout.directoryRootOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// The shared size word.
    var sizeWord: UnsafeMutablePointer<Atomic<UInt64>> {
        (base + ManagedLayout.sizeOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// The shared generation word, incremented by every size change.
    var generationWord: UnsafeMutablePointer<Atomic<UInt64>> {
        (base + ManagedLayout.generationOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }
}
#endif
