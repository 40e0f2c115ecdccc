#if os(Linux)
public import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A stream of bytes from one writer process to one reader process over a mirrored ring
/// (see ``MirroredRegion``): the writer is lent one contiguous span of free space, the reader
/// one contiguous span of everything written — never split at the ring's end. No records, no
/// framing: like a pipe, at memory speed and without copies.
///
/// ```swift
/// // process A
/// let stream = try ByteStream(create: "frames", capacity: 1 << 20, lifetime: .removedWhenCreatorCloses)
/// var writer = try stream.makeWriter()
/// try writer.write(atLeast: 4096) { space in encode(into: space) }   // returns bytes written
///
/// // process B
/// var reader = try ByteStream(open: "frames", timeout: .seconds(5)).makeReader()
/// try reader.read { bytes in decode(bytes) }                          // returns bytes consumed
/// ```
///
/// Named (``init(create:capacity:permissions:lifetime:)``, ``init(open:until:)``,
/// ``init(openOrCreate:capacity:permissions:lifetime:)``, ``remove(_:)``) or anonymous
/// (``init(capacity:)``, a memfd handed to the other process with ``send(over:)`` and
/// ``init(receivingFrom:)``).
///
/// **Endpoints.** One live writer and one live reader at a time: ``makeWriter()`` fails with
/// ``InterprocessError/Code/alreadyExists`` while another live process is the writer, and takes
/// a dead writer's place over. A writer killed while it writes loses only what it had not
/// committed; a reader killed while it reads leaves its bytes unconsumed for the next reader.
/// A side waiting for the other that finds it dead throws ``InterprocessError/Code/peerDied``
/// (within about 20 ms); calling again waits for a new peer.
///
/// **Hostile peers.** The indices are checked whenever they are read: one no writer or reader
/// could have stored is ``InterprocessError/Code/corrupt``, never a read outside the ring.
public struct ByteStream: Sendable {
    /// The validated mapping, shared with the endpoints.
    @usableFromInline let storage: ByteStreamStorage

    /// The segment kind of a byte stream.
    public static let kind = SegmentKind.byteStream

    /// The capacities accepted, in bytes: powers of two from one page to 2 GiB.
    public static var capacityRange: ClosedRange<Int> { ByteStreamLayout.capacityRange }

    /// The stream's name ("anonymous byte stream" for an anonymous one).
    public var name: String { storage.name }
    /// The ring's size in bytes: the most that can be written and not yet read.
    public var capacity: Int { storage.capacity }
    /// Whether this value created the stream.
    public var wasCreated: Bool { storage.wasCreated }

    /// Creates a named stream. The name appears only once the stream is whole.
    ///
    /// - Parameters:
    ///   - name: the stream's name (see ``SegmentName``).
    ///   - capacity: a power of two within ``capacityRange``.
    ///   - permissions: the file mode of the name.
    ///   - lifetime: when the name goes away (see ``Lifetime``).
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for another capacity;
    ///   `alreadyExists`, `invalidName`, `permissionDenied`, `insufficientSpace`.
    public init(
        create name: String, capacity: Int, permissions: FilePermissions = .ownerReadWrite, lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        try ByteStream.validate(capacity: capacity, name: name, operation: "create byte stream")
        let dataOffset = ByteStreamLayout.dataOffset
        do throws(InterprocessError) {
            let segment = try Segment(create: name, kind: .byteStream, kindVersion: ByteStreamLayout.version,
                                      bodySize: dataOffset - SegmentHeader.size + capacity,
                                      permissions: permissions, lifetime: lifetime) { body in
                ByteStreamStorage.initialize(body.baseAddress!, capacity: capacity, dataOffset: dataOffset)
            }
            storage = try ByteStreamStorage(segment: segment, operation: "create byte stream")
        } catch {
            throw error.reported(as: "create byte stream")
        }
    }

    /// Opens a named stream, waiting until `deadline` for it to appear (default: now, so a
    /// missing one fails at once with ``InterprocessError/Code/notFound``).
    ///
    /// - Throws: `notFound`, `timedOut`, `wrongKind`, `incompatibleVersion`, `corrupt`.
    public init(open name: String, until deadline: Deadline = .now) throws(InterprocessError) {
        do throws(InterprocessError) {
            let segment = try Segment(open: name, kind: .byteStream, kindVersion: ByteStreamLayout.version, until: deadline)
            storage = try ByteStreamStorage(segment: segment, operation: "open byte stream")
        } catch {
            throw error.reported(as: "open byte stream")
        }
    }

    /// Opens a named stream, waiting up to `timeout` for it to appear.
    public init(open name: String, timeout: Duration) throws(InterprocessError) {
        try self.init(open: name, until: .after(timeout))
    }

    /// Opens the stream, or creates it if there is none; two processes racing end up with one.
    ///
    /// - Throws: ``InterprocessError/Code/incompatibleConfiguration`` if it exists with
    ///   another capacity; the errors of `create` and `open`.
    public init(
        openOrCreate name: String, capacity: Int, permissions: FilePermissions = .ownerReadWrite, lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        try ByteStream.validate(capacity: capacity, name: name, operation: "open or create byte stream")
        self = try CreateOrOpen.run(operation: "open or create byte stream") { () throws(InterprocessError) in
            try ByteStream(create: name, capacity: capacity, permissions: permissions, lifetime: lifetime)
        } open: { () throws(InterprocessError) in
            try ByteStream(open: name)
        }
        guard self.capacity == capacity else {
            throw InterprocessError(.incompatibleConfiguration, operation: "open or create byte stream", name: name,
                                    reason: "it exists with a capacity of \(self.capacity), but \(capacity) was asked for")
        }
    }

    /// Removes a stream's name; endpoints already made keep working. Removes only a byte stream
    /// (or a broken segment): `wrongKind` for another kind.
    public static func remove(_ name: String) throws(InterprocessError) {
        try Segment.remove(name, kind: .byteStream, operation: "remove byte stream")
    }

    /// Creates an anonymous stream (a memfd, its size sealed): share it with ``send(over:)``.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a capacity outside
    ///   ``capacityRange`` or not a power of two; `insufficientSpace`.
    public init(capacity: Int) throws(InterprocessError) {
        let operation = "create byte stream"
        let label = "anonymous byte stream"
        try ByteStream.validate(capacity: capacity, name: label, operation: operation)
        let dataOffset = ByteStreamLayout.dataOffset
        let size = dataOffset + capacity
        let fd = try checkedValue(operation, name: label) { MemoryFile.create(label: "byte-stream", allowSealing: true) }
        do throws(InterprocessError) {
            try SpaceReservation.size(fd, to: size, policy: .reserve, operation: operation, name: label)
            try checkedCall(operation, name: label) { MemoryFile.addSeals([.shrink, .grow, .seal], to: fd) }
            // The header page, mapped alone to write the header and the control words.
            let page = try MappedRegion(descriptor: fd, offset: 0, length: dataOffset, access: .readWrite, populate: false, label: label)
            var realtime = timespec()
            clock_gettime(CLOCK_REALTIME, &realtime)
            let header = SegmentHeader(kind: .byteStream, kindVersion: ByteStreamLayout.version, totalSize: size, creator: .current,
                                       createdAt: UInt64(realtime.tv_sec) &* 1_000_000_000 &+ UInt64(realtime.tv_nsec))
            ByteStreamStorage.initialize(page.baseAddress + SegmentHeader.size, capacity: capacity, dataOffset: dataOffset)
            Segment.stateWord(in: page.baseAddress).initialize(to: .init(SegmentHeader.State.ready.rawValue))
            Segment.publishHeader(header, at: page.baseAddress)
        } catch {
            close(fd)
            throw error
        }
        storage = try ByteStreamStorage(anonymous: fd, fileSize: size, created: true, operation: operation)
    }

    /// Receives an anonymous stream sent with ``send(over:)`` from a connected Unix domain
    /// socket, and validates it as ``init(open:until:)`` validates a named one.
    ///
    /// - Throws: ``InterprocessError/Code/peerDied`` if the sender closed the socket first;
    ///   `wrongKind`, `corrupt`, `truncated` for memory that is not a whole byte stream.
    public init(receivingFrom socket: FileDescriptor) throws(InterprocessError) {
        let operation = "receive byte stream"
        let label = "anonymous byte stream"
        let fd = try DescriptorPassing.receive(from: socket.rawValue, operation: operation)
        let fileSize: Int
        do throws(InterprocessError) {
            let (size, outcome) = try SegmentValidation.read(descriptor: fd, name: label, operation: operation)
            switch outcome {
            case .valid(let header):
                try SegmentValidation.checkKind(header, kind: .byteStream, kindVersion: ByteStreamLayout.version,
                                                name: label, operation: operation)
                guard header.state == SegmentHeader.State.ready.rawValue else {
                    throw InterprocessError(.corrupt, operation: operation, name: label, reason: "its header is not marked ready")
                }
            case .invalid(let error, _):
                throw error
            case .notYetWritten:
                throw InterprocessError(.corrupt, operation: operation, name: label, reason: "it has no segment header")
            }
            fileSize = size
        } catch {
            close(fd)
            throw error
        }
        storage = try ByteStreamStorage(anonymous: fd, fileSize: fileSize, created: false, operation: operation)
    }

    /// Sends an anonymous stream's descriptor over a connected Unix domain socket
    /// (`SCM_RIGHTS`), for ``init(receivingFrom:)`` in the other process.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a named stream (open it by name).
    public func send(over socket: FileDescriptor) throws(InterprocessError) {
        guard storage.anonymousDescriptor >= 0 else {
            throw InterprocessError(.invalidArgument, operation: "send byte stream", name: name,
                                    reason: "a named stream is shared by its name")
        }
        try checkedCall("send byte stream", name: "socket \(socket.rawValue)") {
            DescriptorPassing.send(storage.anonymousDescriptor, over: socket.rawValue)
        }
    }

    /// Makes the stream's writer: it continues after the last byte committed.
    ///
    /// - Throws: ``InterprocessError/Code/alreadyExists`` while another live process (or
    ///   another writer in this one) is the writer; `corrupt` for indices no stream can have.
    public func makeWriter() throws(InterprocessError) -> ByteStreamWriter {
        try ByteStreamWriter(storage)
    }

    /// Makes the stream's reader: it continues after the last byte consumed.
    ///
    /// - Throws: ``InterprocessError/Code/alreadyExists`` while another live process (or
    ///   another reader in this one) is the reader; `corrupt` for indices no stream can have.
    public func makeReader() throws(InterprocessError) -> ByteStreamReader {
        try ByteStreamReader(storage)
    }

    static func validate(capacity: Int, name: String, operation: String) throws(InterprocessError) {
        guard capacityRange.contains(capacity), capacity & (capacity - 1) == 0 else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the capacity must be a power of two from \(capacityRange.lowerBound) to \(capacityRange.upperBound) bytes (got \(capacity))")
        }
    }
}
#endif
