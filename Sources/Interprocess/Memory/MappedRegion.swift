#if os(Linux)
internal import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One memory mapping and its lifetime: unmapped exactly once, when its owner goes away
/// (or at ``unmap()``). It cannot be copied, so two owners can never unmap it twice.
///
/// ``SharedMemory``, ``AnonymousSharedMemory`` and ``MappedFile`` each own one; reach the bytes
/// through scoped access (``withUnsafeBytes(_:)``, ``withUnsafeMutableBytes(_:)``) or, for code
/// that must keep a pointer (a queue living in the mapping), ``baseAddress``.
public struct MappedRegion: ~Copyable {
    /// How the pages are mapped.
    public enum Access: String, Sendable, Hashable, Codable {
        /// Readable only; a write faults (SIGSEGV), and the library's mutable accessors throw.
        case readOnly
        /// Readable and writable, shared with every other mapping of the same object.
        case readWrite
        /// Readable and writable, but writes stay private to this mapping (copy-on-write) and
        /// never reach the file.
        case copyOnWrite
    }

    /// The first byte of the region.
    public let baseAddress: UnsafeMutableRawPointer
    /// The region's size in bytes.
    public let count: Int
    /// How the region is mapped.
    public let access: Access
    /// What the region maps, for error messages.
    let label: String
    /// The page-aligned start and length actually passed to mmap (the region may start inside
    /// the first page when a window of a file begins at an unaligned offset).
    private let mappingStart: UnsafeMutableRawPointer
    private let mappingLength: Int
    /// The region's entry in the ``TruncationGuard``: a page past its file's end, once a peer
    /// shrinks the file, reads as zeros instead of raising SIGBUS. Async waits hand it to the
    /// waiter thread's checks, which end a wait once the count it keys is not zero.
    let guardSlot: TruncationGuard.Slot

    /// The system's page size.
    public static let pageSize: Int = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Maps `length` bytes of `descriptor` from `offset` (any offset; it is aligned down to a page
    /// internally). The descriptor may be closed afterwards: the mapping keeps the object alive.
    init(
        descriptor: Int32, offset: Int, length: Int, access: Access, populate: Bool, label: String
    ) throws(InterprocessError) {
        guard length > 0 else {
            throw InterprocessError(.invalidArgument, operation: "map", name: label, reason: "cannot map 0 bytes")
        }
        let pageOffset = offset % MappedRegion.pageSize
        let alignedOffset = offset - pageOffset
        let (mappingLength, overflow) = length.addingReportingOverflow(pageOffset)
        guard offset >= 0, !overflow else {
            throw InterprocessError(.invalidArgument, operation: "map", name: label, reason: "offset \(offset) and length \(length) are out of range")
        }
        let protection: Int32 = access == .readOnly ? PROT_READ : PROT_READ | PROT_WRITE
        var flags: Int32 = access == .copyOnWrite ? MAP_PRIVATE : MAP_SHARED
        if populate { flags |= MAP_POPULATE }
        guard let start = mmap(nil, mappingLength, protection, flags, descriptor, off_t(alignedOffset)),
              start != MAP_FAILED
        else {
            throw InterprocessError.system(currentErrno, operation: "map", name: label)
        }
        self.mappingStart = start
        self.mappingLength = mappingLength
        self.guardSlot = TruncationGuard.register(start, length: mappingLength, writable: access != .readOnly)
        self.baseAddress = start + pageOffset
        self.count = length
        self.access = access
        self.label = label
    }

    deinit {
        TruncationGuard.unregister(guardSlot)
        munmap(mappingStart, mappingLength)
    }

    /// Unmaps the region now instead of when it goes out of scope.
    public consuming func unmap() {}

    /// Calls `body` with the region's bytes, read-only.
    public func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(start: baseAddress, count: count))
    }

    /// Calls `body` with the region's bytes, writable. Throws ``InterprocessError/Code/readOnly``
    /// for a read-only region instead of letting a write fault.
    public func withUnsafeMutableBytes<Result>(
        _ body: (UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        try requireWritable("write to")
        return try body(UnsafeMutableRawBufferPointer(start: baseAddress, count: count))
    }

    /// Throws ``InterprocessError/Code/readOnly`` unless the region can be written.
    func requireWritable(_ operation: String) throws(InterprocessError) {
        if access == .readOnly {
            throw InterprocessError(.readOnly, operation: operation, name: label, reason: "the region is mapped read-only")
        }
    }

    /// Whether another process shrank the file under this mapping and this process then touched
    /// a page past the file's new end. Such a page no longer shows the file: it reads as zeros,
    /// and writes to it stay private to this process. Code that judges a segment's health
    /// reports it as ``InterprocessError/Code/truncated``.
    ///
    /// ```swift
    /// let memory = try SharedMemory(open: "frames")
    /// // … a peer runs ftruncate(2) on /dev/shm/frames, and a read past its new end sees zeros …
    /// if memory.region.wasTruncated { print("frames was truncated by another process") }
    /// ```
    public var wasTruncated: Bool { TruncationGuard.faults(guardSlot) != 0 }

    /// The pages of this region replaced by zero pages after a truncation (see ``wasTruncated``).
    public var truncatedPages: Int { Int(truncatingIfNeeded: TruncationGuard.faults(guardSlot)) }

    /// This region's truncation count, copyable; `descriptor` (when the owner keeps the file
    /// open) lets its errors name the file's size now.
    func truncationProbe(name: String? = nil, descriptor: Int32 = -1) -> TruncationProbe {
        TruncationProbe(slot: guardSlot, name: name ?? label, count: count, descriptor: descriptor)
    }

    /// Throws ``InterprocessError/Code/truncated`` if the region ``wasTruncated``.
    func checkNotTruncated(operation: String, name: String? = nil) throws(InterprocessError) {
        if let problem = truncationProbe(name: name).problem(operation: operation) { throw problem }
    }

    /// The page-aligned system range covering `range` (bytes relative to ``baseAddress``),
    /// after checking that `range` lies within the region.
    func pageRange(
        covering range: Range<Int>?, operation: String
    ) throws(InterprocessError) -> (start: UnsafeMutableRawPointer, length: Int) {
        guard let range else { return (mappingStart, mappingLength) }
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw InterprocessError(.invalidArgument, operation: operation, name: label,
                                    reason: "range \(range) is outside the region of \(count) bytes")
        }
        let absoluteStart = baseAddress + range.lowerBound
        let misalignment = Int(bitPattern: absoluteStart) % MappedRegion.pageSize
        return (absoluteStart - misalignment, range.count + misalignment)
    }
}

// A mapping belongs to the whole process: moving its owner to another thread or task is safe.
// Concurrent access to the bytes themselves is the caller's to coordinate, as with any memory
// shared between processes.
extension MappedRegion: @unchecked Sendable {}
#endif
