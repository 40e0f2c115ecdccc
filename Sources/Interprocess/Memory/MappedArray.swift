#if os(Linux)
public import SystemPackage
public import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A file-backed array of fixed-size elements that may be larger than RAM and larger than the
/// address window it maps at once: append and grow online, random access, spans over windows,
/// sequential scans, and an external merge sort.
///
/// ```swift
/// var prices = try MappedArray<Double>(create: "/var/lib/app/prices.array")
/// try prices.append(contentsOf: [101.5, 99.25])
/// prices[0] = 100
/// try prices.sort(memoryBudget: 64 << 20)   // works on files far larger than the budget
/// try prices.forEach { price in print(price) }
/// // another process:
/// var view = try MappedArray<Double>(open: "/var/lib/app/prices.array", access: .readOnly)
/// _ = try view.refresh()                    // picks up what the writer appended since
/// ```
///
/// The file starts with a versioned, checksummed header (kind 20, `mapped-array` in
/// `docs/FORMAT.md`) that records the element size and alignment, the capacity and the count:
/// opening it as an array of another element size is ``InterprocessError/Code/incompatibleConfiguration``.
/// ``init(rawFile:access:windowSize:)`` maps a plain binary file of elements instead, with no header.
///
/// **Sharing.** One handle at a time writes (it holds the file's writer lock, which the kernel
/// drops when the writer dies); any number of processes read, opening it ``MappedRegion/Access/readOnly``.
/// The writer stores the elements first, then publishes `count` with a release store; a reader's
/// ``refresh()`` loads it (acquire) and validates it against the file before any element is read.
///
/// **Windows.** With `windowSize` nil (the default) the whole file is mapped and remapped as it
/// grows (64-bit address space is plentiful). With a `windowSize`, at most about that many bytes
/// are mapped at a time (an access outside moves the window; ``withSpan(_:_:)`` of a longer range
/// maps that range): use it for files that are large against the address space, or to bound what
/// a process maps. A subscript outside the current window reads or writes through `pread`/`pwrite`
/// instead of moving the window (a subscript cannot throw a mapping failure): scan with
/// ``forEach(in:_:)`` or the spans, which move it.
///
/// The file is a file: a process can truncate it under a mapping. Counts read from the header are
/// checked against the file's size; after a truncation, the lost pages read as zeros here instead
/// of faulting (SIGBUS: see ``MappedRegion/wasTruncated``), and ``refresh()`` and ``state``
/// report it (``InterprocessError/Code/truncated``).
public struct MappedArray<Element: BitwiseCopyable>: ~Copyable {
    /// The array's file.
    public let path: FilePath
    /// Whether this handle created the file.
    public let wasCreated: Bool
    /// Whether the file is a plain binary file of elements (no header): see ``init(rawFile:access:windowSize:)``.
    public let isRaw: Bool
    /// Read-write (this handle is the writer) or read-only.
    public let access: MappedRegion.Access
    /// The most bytes of elements mapped at once, or nil when the whole file is mapped.
    public let windowSize: Int?

    // No stored property has a default value (nor `T?`, whose default is nil: `Optional<T>`
    // has none): with one, `self = …` in an initializer of this non-copyable type with a deinit
    // does not compile, or runs the deinit on uninitialized memory (Swift 6.3).
    @usableFromInline var descriptor: Int32
    /// The header page and the window (in a class: a value holding a non-copyable `var` could
    /// not be initialized by a throwing initializer).
    let mappings: MappedArrayMappings
    /// The header page's address (the mapping's base); nil when raw.
    var headerBase: Optional<UnsafeMutableRawPointer>
    @usableFromInline var windowBase: Optional<UnsafeMutablePointer<Element>>
    @usableFromInline var windowStart: Int
    @usableFromInline var windowEnd: Int
    /// The count: this handle's own appends for the writer, the last ``refresh()`` for a reader.
    @usableFromInline var knownCount: Int
    /// Elements the file has room for, as this handle last sized or validated it.
    @usableFromInline var knownCapacity: Int
    /// The header's count word, for the writer's release store; nil when raw.
    @usableFromInline var countWord: Optional<UnsafeMutablePointer<Atomic<UInt64>>>
    let lifetime: Lifetime
    let allocation: MappedFile.Allocation
    /// Whether this handle took the writer's lock and recorded itself in the header.
    var isWriter: Bool

    /// The number of elements: the writer's own, or a reader's as of its last ``refresh()``.
    public var count: Int { knownCount }
    /// Elements the file has room for before it must grow.
    public var capacity: Int { knownCapacity }
    /// Whether ``count`` is 0.
    public var isEmpty: Bool { knownCount == 0 }
    /// The valid indices, `0 ..< count`.
    public var indices: Range<Int> { 0..<knownCount }

    /// Where element 0 starts in the file: 4096 with a header, 0 for a raw file.
    @usableFromInline var dataOffset: Int { isRaw ? 0 : MappedArrayLayout.dataOffset }
    /// The label of error messages.
    var label: String { path.string }
    @usableFromInline static var stride: Int { MemoryLayout<Element>.stride }

    /// Creates a new array file at `path` (it must not exist), made whole under a hidden name and
    /// then linked into place, so other processes see no file or a whole one. This handle is the writer.
    ///
    /// - Parameters:
    ///   - path: the file to create; its directory must exist.
    ///   - capacity: elements to make room for now (the file grows as needed anyway).
    ///   - windowSize: the most bytes of elements to map at once; nil (default) maps the whole file.
    ///   - permissions: the file's mode, exactly. Default `0600`.
    ///   - lifetime: `.removedWhenCreatorCloses` removes the file when this handle goes away.
    ///   - allocation: reserve the storage as the file grows (default: a full disk is an error,
    ///     not a SIGBUS) or leave it sparse.
    /// - Throws: `alreadyExists`, `invalidArgument` (a capacity below 0, a window smaller than one
    ///   element, an element aligned to more than 4096 bytes), `insufficientSpace`, `permissionDenied`, `notFound`.
    public init(
        create path: FilePath,
        capacity: Int = 0,
        windowSize: Int? = nil,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent,
        allocation: MappedFile.Allocation = .reserved
    ) throws(InterprocessError) {
        self = try Self.created(path, capacity: capacity, windowSize: windowSize, permissions: permissions,
                                lifetime: lifetime, allocation: allocation)
    }

    /// Opens an existing array file and validates its header: the kind, the element size and
    /// alignment (they must be `Element`'s), the capacity and count against the file's size.
    ///
    /// - Parameters:
    ///   - path: the array's file.
    ///   - access: `.readWrite` (default) makes this handle the writer; `.readOnly` reads, and
    ///     sees the writer's appends after ``refresh()``.
    ///   - windowSize: the most bytes of elements to map at once; nil (default) maps the whole file.
    /// - Throws: `notFound`, `permissionDenied`, `foreignSegment`, `wrongKind`, `incompatibleVersion`,
    ///   `incompatibleConfiguration` (another element size or alignment), `truncated`, `corrupt`
    ///   (a count or capacity beyond the file, a damaged header), `alreadyExists` (read-write while
    ///   another handle writes), `invalidArgument` (`.copyOnWrite`, a window below one element).
    public init(
        open path: FilePath,
        access: MappedRegion.Access = .readWrite,
        windowSize: Int? = nil
    ) throws(InterprocessError) {
        self = try Self.opened(path, access: access, windowSize: windowSize)
    }

    /// Opens the array file at `path`, or creates it (as ``init(create:capacity:windowSize:permissions:lifetime:allocation:)``)
    /// if there is none; processes racing end up with one file, and with one writer (the others
    /// get `alreadyExists` from the writer's lock).
    ///
    /// - Throws: as `create` and `open`; `incompatibleConfiguration` when the file holds elements
    ///   of another size or alignment.
    public init(
        openOrCreate path: FilePath,
        capacity: Int = 0,
        windowSize: Int? = nil,
        permissions: FilePermissions = .ownerReadWrite,
        lifetime: Lifetime = .persistent,
        allocation: MappedFile.Allocation = .reserved
    ) throws(InterprocessError) {
        self = try CreateOrOpen.run(operation: "open or create mapped array") { () throws(InterprocessError) in
            try MappedArray(create: path, capacity: capacity, windowSize: windowSize, permissions: permissions,
                            lifetime: lifetime, allocation: allocation)
        } open: { () throws(InterprocessError) in
            try MappedArray(open: path, windowSize: windowSize)
        }
    }

    /// Maps a plain binary file of elements, with no header: the count is the file's size over
    /// `MemoryLayout<Element>.stride`, and each append grows the file by exactly the elements
    /// appended (batch them with ``append(contentsOf:)``). Handy for data written by other tools;
    /// nothing records the element type, so nothing can check it.
    ///
    /// - Throws: `notFound`, `permissionDenied`, `foreignSegment` (not a regular file),
    ///   `invalidArgument` (a size that is not a whole number of elements, `.copyOnWrite`),
    ///   `alreadyExists` (read-write while another handle writes).
    public init(
        rawFile path: FilePath,
        access: MappedRegion.Access = .readWrite,
        windowSize: Int? = nil
    ) throws(InterprocessError) {
        self = try Self.openedRaw(path, access: access, windowSize: windowSize)
    }

    /// Removes an array file. Handles already open keep working on the unlinked file.
    ///
    /// - Throws: `notFound`; `wrongKind` for a file of another kind; `foreignSegment` for a file
    ///   this library did not make (a raw file: remove it yourself). A file with a broken header is removed.
    public static func remove(_ path: FilePath) throws(InterprocessError) {
        try MappedArrayFile.remove(path.string)
    }

    init(
        descriptor: Int32, path: FilePath, wasCreated: Bool, isRaw: Bool, access: MappedRegion.Access,
        windowSize: Int?, lifetime: Lifetime, allocation: MappedFile.Allocation
    ) {
        self.descriptor = descriptor
        self.path = path
        self.wasCreated = wasCreated
        self.isRaw = isRaw
        self.access = access
        self.windowSize = windowSize
        self.lifetime = lifetime
        self.allocation = allocation
        headerBase = nil
        mappings = MappedArrayMappings()
        windowBase = nil
        countWord = nil
        windowStart = 0
        windowEnd = 0
        knownCount = 0
        knownCapacity = 0
        isWriter = false
    }

    deinit {
        if isWriter, let headerBase {
            // No writer now: `state` shows none (a killed writer stays recorded, and shows dead).
            MappedArrayLayout.word(.writer, in: headerBase).pointee.store(0, ordering: .relaxed)
        }
        if wasCreated && lifetime == .removedWhenCreatorCloses && NameLock.path(path.string, names: descriptor) {
            unlink(path.string)
        }
        OFDLock.unlockAndClose(descriptor)
    }
}

/// The mappings of a ``MappedArray``: the header page, for the handle's whole life, and the
/// window of elements, `nil` when none is mapped.
final class MappedArrayMappings {
    var header: MappedRegion?
    var window: MappedRegion?

    /// Advises the kernel about `bytes` of the window. Advice is a hint: a refusal changes
    /// nothing but speed, so it is not reported.
    func adviseWindow(_ advice: MappedRegion.Advice, bytes: Range<Int>) {
        guard let region = window.take() else { return }
        try? region.advise(advice, range: bytes)
        window = consume region
    }
}

/// Safe to move to another thread or task: it owns its descriptor and mappings.
extension MappedArray: @unchecked Sendable {}
#endif
