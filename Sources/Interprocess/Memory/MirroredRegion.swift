#if os(Linux)
public import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Shared memory of `count` bytes mapped twice, back to back, in one range of address space:
/// byte `count + i` is byte `i`. Any window of up to `count` bytes that starts in the first copy
/// is contiguous, so a ring buffer over it never splits a read or a write at its end (the
/// "virtual ring buffer" trick).
///
/// ```swift
/// let region = try MirroredRegion(size: 64 * 1024)          // anonymous (memfd)
/// let bytes = region.baseAddress
/// (bytes + 65_530).copyMemory(from: message, byteCount: 12)  // runs past the end…
/// // …and the last 6 bytes are at bytes[0..<6]
/// ```
///
/// The size is a positive multiple of the page size (``MappedRegion/pageSize``); use
/// ``roundedSize(_:)`` to pick one. Created anonymous (a memfd, shared by sending its descriptor
/// over a Unix domain socket with ``send(over:)``) or named (POSIX shared memory, opened by name
/// in other processes). The whole range is unmapped when the value goes away.
public struct MirroredRegion: ~Copyable {
    /// The mapping: both copies, one reservation.
    let mapping: MirroredMapping
    /// The memory's descriptor: owned by this value for an anonymous region, by ``named`` for
    /// a named one.
    private let fd: Int32
    /// The named segment (named regions): owns the name, its descriptor and its `gc` lock.
    let named: SharedMemory?
    /// The name, for a named region.
    public let name: SegmentName?

    /// The first byte of the first copy. `baseAddress + count` is the first byte again.
    public var baseAddress: UnsafeMutableRawPointer { mapping.data }
    /// The size of one copy in bytes.
    public var count: Int { mapping.dataLength }
    /// The descriptor of the memory (the memfd, or the named segment's), owned by this value.
    public var descriptor: FileDescriptor { FileDescriptor(rawValue: fd) }

    /// The sizes accepted: positive multiples of the page size, at most 1 TiB.
    public static func isValidSize(_ size: Int) -> Bool {
        size > 0 && size % MappedRegion.pageSize == 0 && size <= maximumSize
    }

    /// The largest size accepted (1 TiB: the mapping takes twice that in address space).
    public static let maximumSize = 1 << 40

    /// `size` rounded up to a multiple of the page size (at least one page).
    public static func roundedSize(_ size: Int) -> Int {
        let page = MappedRegion.pageSize
        return Swift.max(page, (Swift.min(size, maximumSize) + page - 1) / page * page)
    }

    /// Creates anonymous (memfd) shared memory of `size` bytes, zero-filled, its size sealed,
    /// and maps it twice.
    ///
    /// - Parameters:
    ///   - size: a positive multiple of ``MappedRegion/pageSize`` (see ``roundedSize(_:)``).
    ///   - label: shows in `/proc/PID/maps` as `memfd:LABEL`; for debugging only.
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for another size; `insufficientSpace`.
    public init(size: Int, label: String = "interprocess-mirrored") throws(InterprocessError) {
        let operation = "create mirrored region"
        try MirroredRegion.checkSize(size, operation: operation, name: label)
        let fd = try checkedValue(operation, name: label) { MemoryFile.create(label: label, allowSealing: true) }
        do {
            try SpaceReservation.size(fd, to: size, policy: .reserve, operation: operation, name: label)
            try checkedCall("seal mirrored region", name: label) { MemoryFile.addSeals([.shrink, .grow, .seal], to: fd) }
            mapping = try MirroredMapping(descriptor: fd, headerLength: 0, dataLength: size, label: label)
        } catch {
            close(fd)
            throw error
        }
        self.fd = fd
        named = nil
        name = nil
    }

    /// Takes ownership of a descriptor of shared memory (one received or inherited) and maps all
    /// of it twice. The descriptor is closed if this throws.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` if its size is not a multiple of the
    ///   page size, `truncated` if it is empty.
    public init(adopting descriptor: FileDescriptor) throws(InterprocessError) {
        let operation = "map received mirrored region"
        let label = "fd \(descriptor.rawValue)"
        do throws(InterprocessError) {
            let size = try SharedMemory.fileSize(of: descriptor.rawValue, operation: operation, name: label)
            guard size > 0 else {
                throw InterprocessError(.truncated, operation: operation, name: label, reason: "it is empty (0 bytes)")
            }
            try MirroredRegion.checkSize(size, operation: operation, name: label)
            mapping = try MirroredMapping(descriptor: descriptor.rawValue, headerLength: 0, dataLength: size, label: label)
        } catch {
            close(descriptor.rawValue)
            throw error
        }
        fd = descriptor.rawValue
        named = nil
        name = nil
    }

    /// Receives a region's descriptor sent with ``send(over:)`` and maps it twice.
    ///
    /// - Throws: ``InterprocessError/Code/peerDied`` if the sender closed the socket first.
    public init(receivingFrom socket: FileDescriptor) throws(InterprocessError) {
        let received = try DescriptorPassing.receive(from: socket.rawValue, operation: "receive mirrored region")
        try self.init(adopting: FileDescriptor(rawValue: received))
    }

    /// Creates named shared memory of `size` bytes (see ``SharedMemory/init(create:size:permissions:lifetime:populate:)``)
    /// and maps it twice.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a size that is not a positive
    ///   multiple of the page size; the errors of `SharedMemory(create:)`.
    public init(
        create name: String, size: Int, permissions: FilePermissions = .ownerReadWrite, lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        try MirroredRegion.checkSize(size, operation: "create mirrored region", name: name)
        do throws(InterprocessError) {
            try self.init(named: SharedMemory(create: name, size: size, permissions: permissions, lifetime: lifetime))
        } catch {
            throw error.reported(as: "create mirrored region")
        }
    }

    /// Opens named shared memory and maps it twice, waiting until `deadline` for it to appear
    /// (default: now).
    ///
    /// - Throws: `notFound`, `timedOut`, `invalidArgument` if its size is not a multiple of the
    ///   page size.
    public init(open name: String, until deadline: Deadline = .now) throws(InterprocessError) {
        do throws(InterprocessError) {
            let memory = try AppearanceWait.open(until: deadline, operation: "open mirrored region", name: name) { () throws(InterprocessError) in
                try SharedMemory(open: name)
            }
            try MirroredRegion.checkSize(memory.size, operation: "open mirrored region", name: name)
            try self.init(named: memory)
        } catch {
            throw error.reported(as: "open mirrored region")
        }
    }

    /// Opens named shared memory, waiting up to `timeout` for it to appear.
    public init(open name: String, timeout: Duration) throws(InterprocessError) {
        try self.init(open: name, until: .after(timeout))
    }

    /// Opens the named region, or creates it if there is none (see
    /// ``SharedMemory/init(openOrCreate:size:permissions:lifetime:)``).
    ///
    /// - Throws: `incompatibleConfiguration` if it exists with another size.
    public init(
        openOrCreate name: String, size: Int, permissions: FilePermissions = .ownerReadWrite, lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        try MirroredRegion.checkSize(size, operation: "open or create mirrored region", name: name)
        do throws(InterprocessError) {
            try self.init(named: SharedMemory(openOrCreate: name, size: size, permissions: permissions, lifetime: lifetime))
        } catch {
            throw error.reported(as: "open or create mirrored region")
        }
    }

    /// Removes a named region's name; mappings keep working (see ``SharedMemory/remove(_:)``).
    public static func remove(_ name: String) throws(InterprocessError) {
        do throws(InterprocessError) {
            try SharedMemory.remove(name)
        } catch {
            throw error.reported(as: "remove mirrored region")
        }
    }

    private init(named memory: consuming SharedMemory) throws(InterprocessError) {
        mapping = try MirroredMapping(descriptor: memory.descriptor, headerLength: 0, dataLength: memory.size,
                                      label: memory.name.rawValue)
        fd = memory.descriptor
        name = memory.name
        named = Optional(memory)
    }

    deinit {
        if name == nil { close(fd) }
    }

    /// Sends the region's descriptor over a connected Unix domain socket (`SCM_RIGHTS`); the
    /// receiver maps it with ``init(receivingFrom:)``.
    public func send(over socket: FileDescriptor) throws(InterprocessError) {
        try checkedCall("send mirrored region", name: "socket \(socket.rawValue)") {
            DescriptorPassing.send(descriptor.rawValue, over: socket.rawValue)
        }
    }

    /// Calls `body` with both copies: `2 * count` bytes, where byte `count + i` is byte `i`.
    public func withUnsafeMutableBytes<Result, Failure: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeMutableRawBufferPointer(start: baseAddress, count: 2 * count))
    }

    /// Throws ``InterprocessError/Code/invalidArgument`` unless `size` is accepted.
    static func checkSize(_ size: Int, operation: String, name: String) throws(InterprocessError) {
        guard isValidSize(size) else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the size must be a positive multiple of the page size (\(MappedRegion.pageSize) bytes), at most \(ByteCount(maximumSize)) (got \(size); \(roundedSize(size)) would do)")
        }
    }
}

/// Safe to move to another thread or task: it owns a mapping and a descriptor.
extension MirroredRegion: Sendable {}
#endif
