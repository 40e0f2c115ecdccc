#if os(Linux)
import Synchronization

/// What the named-object directory needs from the heap it lives in: ``ManagedSegment`` in the
/// library, a stand-in in unit tests. Offsets in, offsets out; ``pointer(at:byteCount:)`` is the
/// one place where an offset read from shared memory is checked against the mapping.
protocol ObjectHeap: AnyObject {
    /// The segment's name, for error messages.
    var name: String { get }
    /// The directory's root word: the offset of its block, 0 until it exists.
    var directoryRoot: UnsafeMutablePointer<Atomic<UInt64>> { get }
    /// Allocates a block (see ``ManagedSegment/allocate(byteCount:alignment:)``).
    func allocate(byteCount: Int, alignment: Int) throws(InterprocessError) -> SegmentOffset
    /// Frees a block; a bad offset is a typed error, never a corruption.
    func deallocate(_ offset: SegmentOffset) throws(InterprocessError)
    /// The address of `byteCount` bytes at `offset`, checked against the mapping.
    func pointer(at offset: SegmentOffset, byteCount: Int) throws(InterprocessError) -> UnsafeMutableRawPointer
}
#endif
