#if os(Linux)
internal import SystemPackage
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A managed segment's file and this process's mapping of it, created or opened and validated:
/// what a ``ManagedSegment`` is built from.
struct ManagedAttachment: ~Copyable {
    let storage: ManagedStorage
    let reservation: AddressReservation
    /// The reservation's size (the segment's maximum size).
    let maximumSize: Int
    /// Where the heap starts.
    let heapStart: Int
    /// The bytes mapped now.
    let mappedSize: Int
    /// The segment's size at creation: it never shrinks below it.
    let initialSize: Int

    /// Creates a new segment: sizes the file, maps it, writes the headers and an empty heap,
    /// marks it ready and publishes its name.
    static func create(
        _ name: String, size: Int, maximumSize: Int, backing: ManagedSegmentBacking?, permissions: FilePermissions,
        lifetime: Lifetime, operation: String
    ) throws(InterprocessError) -> ManagedAttachment {
        let limit = ManagedLayout.largestMaximumSize
        guard maximumSize > 0, maximumSize <= limit else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "maximumSize must be between 1 and \(limit) bytes (got \(maximumSize))")
        }
        let maximum = ManagedLayout.roundUpToPage(maximumSize)
        let smallest = ManagedLayout.minimumSize(maximumSize: maximum)
        guard size >= smallest, size <= maximum else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "size must be between \(smallest) and maximumSize (\(maximum)) bytes (got \(size))")
        }
        let rounded = ManagedLayout.roundUpToPage(size)
        let storage: ManagedStorage
        do throws(InterprocessError) {
            storage = try ManagedStorage(creating: name, backing: backing, size: rounded, permissions: permissions,
                                         lifetime: lifetime)
        } catch {
            throw error.reported(as: operation)
        }
        let reservation = try AddressReservation(length: maximum, descriptor: storage.descriptor, mapped: rounded, name: name)
        try initialize(reservation.base, size: rounded, maximumSize: maximum)
        do throws(InterprocessError) {
            try storage.publish()
        } catch {
            throw error.reported(as: operation)
        }
        return ManagedAttachment(storage: storage, reservation: reservation, maximumSize: maximum,
                                 heapStart: ManagedLayout.heapStart(maximumSize: maximum), mappedSize: rounded,
                                 initialSize: rounded)
    }

    /// Writes the segment header, the managed header and an empty heap into a new mapping.
    private static func initialize(_ base: UnsafeMutableRawPointer, size: Int, maximumSize: Int) throws(InterprocessError) {
        var realtime = timespec()
        clock_gettime(CLOCK_REALTIME, &realtime)
        let header = SegmentHeader(
            kind: .managedSegment, kindVersion: ManagedLayout.version, totalSize: size, creator: .current,
            createdAt: UInt64(realtime.tv_sec) &* 1_000_000_000 &+ UInt64(realtime.tv_nsec))
        let state = Segment.stateWord(in: base)
        state.initialize(to: Atomic(SegmentHeader.State.initializing.rawValue))
        Segment.publishHeader(header, at: base)
        let heapStart = ManagedLayout.heapStart(maximumSize: maximumSize)
        base.storeBytes(of: UInt32(ManagedLayout.chunkSize).littleEndian, toByteOffset: ManagedLayout.chunkSizeOffset, as: UInt32.self)
        base.storeBytes(of: UInt32(ManagedLayout.cacheCount).littleEndian, toByteOffset: ManagedLayout.cacheCountOffset, as: UInt32.self)
        for (offset, value) in [(ManagedLayout.maximumSizeOffset, maximumSize), (ManagedLayout.heapStartOffset, heapStart),
                                (ManagedLayout.sizeOffset, size), (ManagedLayout.generationOffset, 0),
                                (ManagedLayout.directoryRootOffset, 0), (ManagedLayout.initialSizeOffset, size)] {
            base.storeBytes(of: UInt64(value).littleEndian, toByteOffset: offset, as: UInt64.self)
        }
        try ProcessMutex.initialize(at: base + ManagedLayout.heapLockOffset)
        let heap = LargeHeap(base: base, start: UInt64(heapStart), end: UInt64(size), name: "")
        heap.writeFree(UInt64(heapStart), size: heap.sentinel &- UInt64(heapStart), previousAllocated: true)
        heap.link(UInt64(heapStart), size: heap.sentinel &- UInt64(heapStart))
        heap.setWord(heap.sentinel, LargeHeap.allocatedBit)
        heap.setWord(heap.sentinel &+ 8, heap.sentinel ^ LargeHeap.checkSalt)
        // Release: the whole body happens-before an opener's acquiring load of `ready`.
        state.pointee.store(SegmentHeader.State.ready.rawValue, ordering: .releasing)
    }

    /// Opens an existing segment, validates its managed header and maps it.
    static func open(
        _ name: String, backing: ManagedSegmentBacking, deadline: Deadline, operation: String
    ) throws(InterprocessError) -> ManagedAttachment {
        let storage: ManagedStorage
        do throws(InterprocessError) {
            storage = try AppearanceWait.open(until: deadline, operation: operation, name: name) { () throws(InterprocessError) in
                try ManagedStorage(opening: name, backing: backing, deadline: deadline)
            }
        } catch {
            throw error.reported(as: operation)
        }
        return try attach(storage, name: name, operation: operation)
    }

    /// Attaches to the segment behind a descriptor another process handed over (see
    /// ``ManagedStorage/init(adopting:)``).
    static func adopt(_ descriptor: Int32) throws(InterprocessError) -> ManagedAttachment {
        try attach(ManagedStorage(adopting: descriptor), name: "anonymous", operation: "adopt managed segment")
    }

    /// Validates an opened segment's managed header and maps it.
    private static func attach(_ storage: consuming ManagedStorage, name: String, operation: String) throws(InterprocessError) -> ManagedAttachment {
        let fields = try ManagedHeaderCheck.read(descriptor: storage.descriptor, name: name, operation: operation)
        let reservation = try AddressReservation(length: fields.maximumSize, descriptor: storage.descriptor,
                                                 mapped: fields.size, name: name)
        return ManagedAttachment(storage: storage, reservation: reservation, maximumSize: fields.maximumSize,
                                 heapStart: fields.heapStart, mappedSize: fields.size, initialSize: fields.initialSize)
    }
}
#endif
