#if os(Linux)
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The mirrored mapping of one byte stream, shared by the ``ByteStream`` value and its
/// endpoints, with the words the open validated. Endpoints copy its pointers out: reading and
/// writing cause no reference counting.
@usableFromInline
final class ByteStreamStorage: @unchecked Sendable {
    // @unchecked: immutable; the pointers are into `mirror`, which lives as long as this object,
    // and every access to the shared words is atomic.

    /// The named segment (its name, lifetime and `gc` lock), nil for an anonymous stream.
    let segment: Segment?
    /// The memfd of an anonymous stream (owned), or -1.
    let anonymousDescriptor: Int32
    /// The header page once, then the data twice.
    let mirror: MirroredMapping
    /// The segment body: the control words.
    @usableFromInline let control: UnsafeMutableRawPointer
    /// The first copy of the data.
    @usableFromInline let data: UnsafeMutableRawPointer
    /// Bytes of data: a power of two.
    @usableFromInline let capacity: Int
    /// The stream's name (or a label for an anonymous one), for messages.
    @usableFromInline let name: String
    /// Whether this handle created the stream.
    let wasCreated: Bool

    /// The error for a stream whose file another process shrank under this mapping, or nil
    /// (the stream's pages are all in `mirror`).
    func truncationProblem(operation: String) -> InterprocessError? {
        mirror.truncationProbe(name: name).problem(operation: operation)
    }

    /// Maps a validated named segment's data twice.
    init(segment: consuming Segment, operation: String) throws(InterprocessError) {
        let name = segment.name.rawValue
        let layout = try ByteStreamStorage.validate(body: UnsafeRawBufferPointer(segment.body), fileSize: segment.memory.size,
                                                    name: name, operation: operation)
        mirror = try MirroredMapping(descriptor: segment.memory.descriptor, headerLength: layout.dataOffset,
                                     dataLength: layout.capacity, label: name)
        self.name = name
        wasCreated = segment.wasCreated
        self.segment = Optional(segment)
        anonymousDescriptor = -1
        control = mirror.start + SegmentHeader.size
        data = mirror.data
        capacity = layout.capacity
    }

    /// Maps an anonymous stream's memfd (whose header was validated, or just written), taking
    /// the descriptor over: it is closed with this object, or now if this throws.
    init(anonymous descriptor: Int32, fileSize: Int, created: Bool, operation: String) throws(InterprocessError) {
        let name = "anonymous byte stream"
        do throws(InterprocessError) {
            // Read the control words with pread: nothing is mapped until they are known to fit.
            var body = [UInt8](repeating: 0, count: ByteStreamLayout.controlSize)
            let count = body.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress, buffer.count, off_t(SegmentHeader.size))
            }
            guard count == body.count else {
                throw InterprocessError(.truncated, operation: operation, name: name, reason: "its control words could not be read")
            }
            let layout = try body.withUnsafeBytes { buffer in
                Result { () throws(InterprocessError) in
                    try ByteStreamStorage.validate(body: buffer, fileSize: fileSize, name: name, operation: operation)
                }
            }.get()
            mirror = try MirroredMapping(descriptor: descriptor, headerLength: layout.dataOffset,
                                         dataLength: layout.capacity, label: name)
            capacity = layout.capacity
        } catch {
            close(descriptor)
            throw error
        }
        self.name = name
        wasCreated = created
        segment = nil
        anonymousDescriptor = descriptor
        control = mirror.start + SegmentHeader.size
        data = mirror.data
    }

    deinit {
        if anonymousDescriptor >= 0 { close(anonymousDescriptor) }
    }

    /// The one check of a stream's layout words before anything is mapped from them: the tag,
    /// a power-of-two capacity in range, and data at a page boundary after the control words
    /// that ends exactly at the file's end.
    static func validate(
        body: UnsafeRawBufferPointer, fileSize: Int, name: String, operation: String
    ) throws(InterprocessError) -> (capacity: Int, dataOffset: Int) {
        guard body.count >= ByteStreamLayout.controlSize else {
            throw InterprocessError(.corrupt, operation: operation, name: name, reason: "its body of \(body.count) bytes is too small for a byte stream")
        }
        let tag = UInt32(littleEndian: body.loadUnaligned(fromByteOffset: ByteStreamLayout.tagOffset, as: UInt32.self))
        let capacityWord = UInt64(littleEndian: body.loadUnaligned(fromByteOffset: ByteStreamLayout.capacityOffset, as: UInt64.self))
        let offsetWord = UInt64(littleEndian: body.loadUnaligned(fromByteOffset: ByteStreamLayout.dataOffsetOffset, as: UInt64.self))
        guard tag == ByteStreamLayout.tag else {
            throw InterprocessError(.corrupt, operation: operation, name: name, reason: "its body does not start with the byte stream tag")
        }
        let range = ByteStreamLayout.capacityRange
        let page = UInt64(MappedRegion.pageSize)
        guard capacityWord >= UInt64(range.lowerBound), capacityWord <= UInt64(range.upperBound),
              capacityWord & (capacityWord &- 1) == 0,
              offsetWord >= UInt64(SegmentHeader.size + ByteStreamLayout.controlSize), offsetWord <= 1 << 30,
              offsetWord % page == 0, offsetWord &+ capacityWord == UInt64(fileSize)
        else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its capacity \(capacityWord) and data offset \(offsetWord) do not fit a file of \(fileSize) bytes (pages of \(page) bytes)")
        }
        return (Int(capacityWord), Int(offsetWord))
    }

    /// Writes a new stream's control words into its zero-filled body.
    static func initialize(_ body: UnsafeMutableRawPointer, capacity: Int, dataOffset: Int) {
        body.storeBytes(of: ByteStreamLayout.version.littleEndian, toByteOffset: ByteStreamLayout.versionOffset, as: UInt32.self)
        body.storeBytes(of: UInt64(capacity).littleEndian, toByteOffset: ByteStreamLayout.capacityOffset, as: UInt64.self)
        body.storeBytes(of: UInt64(dataOffset).littleEndian, toByteOffset: ByteStreamLayout.dataOffsetOffset, as: UInt64.self)
        for offset in [ByteStreamLayout.writtenOffset, ByteStreamLayout.writerOwnerOffset,
                       ByteStreamLayout.readOffset, ByteStreamLayout.readerOwnerOffset] {
            (body + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1).initialize(to: Atomic(0))
        }
        for offset in [ByteStreamLayout.readerSleepingOffset, ByteStreamLayout.writerSleepingOffset, ByteStreamLayout.finishedOffset] {
            (body + offset).bindMemory(to: Atomic<UInt32>.self, capacity: 1).initialize(to: Atomic(0))
        }
        body.storeBytes(of: ByteStreamLayout.tag.littleEndian, toByteOffset: ByteStreamLayout.tagOffset, as: UInt32.self)
    }

    /// The atomic 64-bit control word at `offset`.
    func word64(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (control + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
    }

    /// The atomic 32-bit control word at `offset`.
    func word32(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (control + offset).bindMemory(to: Atomic<UInt32>.self, capacity: 1)
    }

    /// The low half of the 64-bit index at `offset`: the futex word a side sleeps on.
    @usableFromInline
    func futexWord(_ offset: Int) -> UnsafeMutablePointer<UInt32> {
        UnsafeMutablePointer(OpaquePointer(control + offset))
    }

    /// Whether `written` and `read` can be this stream's indices: the writer at most a
    /// capacity ahead (wrapping arithmetic: a reader past the writer reads as ~2^64).
    @inlinable @inline(__always)
    func indicesAreValid(written: UInt64, read: UInt64) -> Bool {
        written &- read <= UInt64(truncatingIfNeeded: capacity)
    }

    /// The error for indices that fail ``indicesAreValid(written:read:)``.
    @usableFromInline
    func indexError(written: UInt64, read: UInt64, operation: String) -> InterprocessError {
        let reason = written &- read > UInt64(Int64.max)
            ? "its write index \(written) is behind its read index \(read)"
            : "its write index \(written) is \(written &- read) bytes ahead of its read index \(read), more than the capacity of \(capacity) bytes"
        return InterprocessError(.corrupt, operation: operation, name: name, reason: reason)
    }

    /// Reads both indices for an endpoint that is attaching, and checks them.
    func attachIndices(operation: String) throws(InterprocessError) -> (written: UInt64, read: UInt64) {
        let written = word64(ByteStreamLayout.writtenOffset).pointee.load(ordering: .acquiring)
        let read = word64(ByteStreamLayout.readOffset).pointee.load(ordering: .acquiring)
        guard indicesAreValid(written: written, read: read) else {
            throw indexError(written: written, read: read, operation: operation)
        }
        return (written, read)
    }
}
#endif
