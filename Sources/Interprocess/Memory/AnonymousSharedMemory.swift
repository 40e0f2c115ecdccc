#if os(Linux)
public import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Shared memory with no name (`memfd_create`): it exists as long as a descriptor or a mapping
/// of it does, so it can never be left behind by a crash. Share it by handing its descriptor to
/// another process — inherited across `fork`/`exec`, or sent over a Unix domain socket with
/// ``send(over:)`` and received with ``init(receivingFrom:access:)``.
///
/// By default the size is sealed (`F_SEAL_SHRINK | F_SEAL_GROW`): no process holding the
/// descriptor can shrink it, so a receiver can map it without risking a SIGBUS.
public struct AnonymousSharedMemory: ~Copyable {
    /// The descriptor that names the memory; owned by this value and closed with it.
    public let descriptor: FileDescriptor
    /// The mapping of the whole memory.
    public let region: MappedRegion
    /// Whether the size is sealed, so that no holder of the descriptor can change it.
    public let isSizeSealed: Bool

    /// The size in bytes.
    public var size: Int { region.count }

    /// Creates zero-filled anonymous shared memory of `size` bytes, reserved now.
    ///
    /// - Parameters:
    ///   - size: bytes, at least 1.
    ///   - label: a name for debugging only; it shows in `/proc/PID/maps` as `memfd:LABEL`.
    ///   - sealingSize: seal the size so that no process can grow or shrink it (default true).
    public init(size: Int, label: String = "interprocess", sealingSize: Bool = true) throws(InterprocessError) {
        let operation = "create anonymous shared memory"
        let fd = try checkedValue(operation, name: label) { MemoryFile.create(label: label, allowSealing: sealingSize) }
        do {
            try SpaceReservation.size(fd, to: size, policy: .reserve, operation: operation, name: label)
            if sealingSize {
                try checkedCall("seal anonymous shared memory", name: label) {
                    MemoryFile.addSeals([.shrink, .grow, .seal], to: fd)
                }
            }
            region = try MappedRegion(descriptor: fd, offset: 0, length: size, access: .readWrite, populate: false, label: label)
        } catch {
            close(fd)
            throw error
        }
        descriptor = FileDescriptor(rawValue: fd)
        isSizeSealed = sealingSize
    }

    /// Takes ownership of a descriptor of anonymous (or any mappable) shared memory — one
    /// inherited from a parent, say — and maps all of it.
    ///
    /// The descriptor is closed if this initializer throws.
    public init(adopting descriptor: FileDescriptor, access: MappedRegion.Access = .readWrite) throws(InterprocessError) {
        let operation = "map received shared memory"
        do throws(InterprocessError) {
            let size = try SharedMemory.fileSize(of: descriptor.rawValue, operation: operation, name: "fd \(descriptor.rawValue)")
            guard size > 0 else {
                throw InterprocessError(.truncated, operation: operation, name: "fd \(descriptor.rawValue)", reason: "it is empty (0 bytes)")
            }
            let seals = MemoryFile.seals(of: descriptor.rawValue)
            region = try MappedRegion(descriptor: descriptor.rawValue, offset: 0, length: size, access: access,
                                      populate: false, label: "fd \(descriptor.rawValue)")
            isSizeSealed = seals?.contains(.shrink) ?? false
        } catch {
            close(descriptor.rawValue)
            throw error
        }
        self.descriptor = descriptor
    }

    /// Receives a descriptor sent with ``send(over:)`` from a connected Unix domain socket and
    /// maps the memory behind it.
    ///
    /// - Throws: ``InterprocessError/Code/peerDied`` if the sender closed the socket first,
    ///   `corrupt` if the message carried no descriptor.
    public init(receivingFrom socket: FileDescriptor, access: MappedRegion.Access = .readWrite) throws(InterprocessError) {
        let received = try DescriptorPassing.receive(from: socket.rawValue, operation: "receive shared memory")
        try self.init(adopting: FileDescriptor(rawValue: received), access: access)
    }

    deinit {
        close(descriptor.rawValue)
    }

    /// Sends this memory's descriptor over a connected Unix domain socket (`SCM_RIGHTS`). The
    /// receiver gets its own descriptor to the same memory; this one stays open.
    public func send(over socket: FileDescriptor) throws(InterprocessError) {
        try checkedCall("send shared memory", name: "socket \(socket.rawValue)") {
            DescriptorPassing.send(descriptor.rawValue, over: socket.rawValue)
        }
    }
}

/// Safe to move to another thread or task: it owns a mapping and, at most, a descriptor.
extension AnonymousSharedMemory: Sendable {}
#endif
