#if os(Linux)
public import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A file mapped into memory: all of it, or a window (offset and length) of a file that may be
/// far larger than RAM or the address space.
///
/// ```swift
/// let file = try MappedFile(create: "/var/tmp/frames.bin", size: 64 << 20)
/// try file.region.withUnsafeMutableBytes { $0[0] = 1 }
/// try file.region.flush()
/// ```
public struct MappedFile: ~Copyable {
    /// How the storage of a new file is allocated.
    public enum Allocation: Sendable, Hashable {
        /// Allocate every block now (`posix_fallocate`): a full disk is an error at creation,
        /// never a SIGBUS on a later write. The default. On a file system that cannot reserve
        /// (`EOPNOTSUPP`), the file is only sized, as with ``sparse``.
        case reserved
        /// Only set the size: blocks are allocated on first write, so a sparse file may be much
        /// larger than the free space — and a write to it can then fault if the disk fills.
        case sparse
    }

    /// The mapped file.
    public let path: FilePath
    /// The mapping: the whole file, or the window asked for.
    public let region: MappedRegion
    /// Where the mapping starts in the file, in bytes.
    public let offset: Int

    /// Creates a new file of `size` bytes (it must not exist) and maps it read-write.
    ///
    /// - Parameters:
    ///   - path: where to create the file; its directory must exist.
    ///   - size: the file's size in bytes, at least 1.
    ///   - permissions: the file's mode, exactly (the umask is not applied). Default `0600`.
    ///   - allocation: reserve the storage now (default) or leave the file sparse.
    /// - Throws: ``InterprocessError/Code/alreadyExists``, `invalidArgument` for a size below 1,
    ///   `insufficientSpace`, `permissionDenied`, `notFound` for a missing directory.
    public init(
        create path: FilePath,
        size: Int,
        permissions: FilePermissions = .ownerReadWrite,
        allocation: Allocation = .reserved
    ) throws(InterprocessError) {
        let operation = "create mapped file"
        let label = path.string
        guard size > 0 else {
            throw InterprocessError(.invalidArgument, operation: operation, name: label,
                                    reason: "the size must be greater than 0 (got \(size))")
        }
        // O_EXCL also refuses to follow a symbolic link planted at the path.
        let descriptor = try checkedValue(operation, name: label) {
            open(label, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, mode_t(permissions.rawValue))
        }
        defer { close(descriptor) }
        do {
            try checkedCall(operation, name: label) { fchmod(descriptor, mode_t(permissions.rawValue)) }
            try SpaceReservation.size(descriptor, to: size, policy: allocation == .reserved ? .reserve : .sparse,
                                      operation: operation, name: label)
            region = try MappedRegion(descriptor: descriptor, offset: 0, length: size, access: .readWrite,
                                      populate: false, label: label)
        } catch {
            unlink(label)
            throw error
        }
        self.path = path
        self.offset = 0
    }

    /// Maps an existing file, or a window of it.
    ///
    /// - Parameters:
    ///   - path: the file to map.
    ///   - access: ``MappedRegion/Access/readWrite`` writes reach the file; `readOnly`;
    ///     `copyOnWrite` writes stay private to this mapping.
    ///   - offset: where the window starts, in bytes (any value; alignment is handled).
    ///   - length: the window's length; nil maps from `offset` to the end of the file.
    ///   - followingSymlinks: whether a symbolic link at `path` is followed (default false:
    ///     `O_NOFOLLOW`, so a link planted in a shared directory cannot redirect the mapping).
    ///   - populate: read the whole window in now (`MAP_POPULATE`) rather than on first touch.
    /// - Throws: ``InterprocessError/Code/notFound``, `permissionDenied`, and `invalidArgument`
    ///   when the window reaches past the end of the file (touching it would raise SIGBUS).
    public init(
        open path: FilePath,
        access: MappedRegion.Access = .readWrite,
        offset: Int = 0,
        length: Int? = nil,
        followingSymlinks: Bool = false,
        populate: Bool = false
    ) throws(InterprocessError) {
        let operation = "map file"
        let label = path.string
        var flags = (access == .readWrite ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NONBLOCK
        if !followingSymlinks { flags |= O_NOFOLLOW }
        let descriptor = try checkedValue(operation, name: label) { open(label, flags) }
        defer { close(descriptor) }
        try SharedMemory.requireRegularFile(descriptor, operation: operation, name: label)
        let fileSize = try SharedMemory.fileSize(of: descriptor, operation: operation, name: label)
        guard offset >= 0, offset <= fileSize else {
            throw InterprocessError(.invalidArgument, operation: operation, name: label,
                                    reason: "offset \(offset) is outside the file of \(fileSize) bytes")
        }
        let windowLength = length ?? (fileSize - offset)
        guard windowLength > 0, windowLength <= fileSize - offset else {
            throw InterprocessError(.invalidArgument, operation: operation, name: label,
                                    reason: "a window of \(windowLength) bytes at offset \(offset) does not fit in the file of \(fileSize) bytes")
        }
        region = try MappedRegion(descriptor: descriptor, offset: offset, length: windowLength, access: access,
                                  populate: populate, label: label)
        self.path = path
        self.offset = offset
    }
}

/// Safe to move to another thread or task: it owns a mapping and, at most, a descriptor.
extension MappedFile: Sendable {}
#endif
