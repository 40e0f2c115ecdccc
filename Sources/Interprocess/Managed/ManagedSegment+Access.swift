#if os(Linux)
import Synchronization

extension ManagedSegment {
    /// The address of `byteCount` bytes at `offset`, after checking that they lie in the heap
    /// (mapping the part another process grew the segment by, if need be).
    ///
    /// The pointer stays valid while this instance lives: growth never moves the mapping.
    /// Prefer ``withUnsafeMutableBytes(at:byteCount:_:)``.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for bytes outside the heap.
    public func pointer(at offset: SegmentOffset, byteCount: Int) throws(InterprocessError) -> UnsafeMutableRawPointer {
        let start = offset.rawValue
        let end = start &+ UInt64(truncatingIfNeeded: byteCount)
        guard byteCount >= 0, start >= heapStart, end >= start else {
            throw outside(offset, byteCount: byteCount, operation: "access managed segment")
        }
        if end > UInt64(mappedSize.load(ordering: .acquiring)) {
            try remap()
            guard end <= UInt64(mappedSize.load(ordering: .acquiring)) else {
                throw outside(offset, byteCount: byteCount, operation: "access managed segment")
            }
        }
        return base + Int(start)
    }

    /// Calls `body` with the `byteCount` bytes at `offset`, writable.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for bytes outside the heap, and
    ///   what `body` throws.
    public func withUnsafeMutableBytes<R>(
        at offset: SegmentOffset, byteCount: Int, _ body: (UnsafeMutableRawBufferPointer) throws(InterprocessError) -> R
    ) throws(InterprocessError) -> R {
        let start = try pointer(at: offset, byteCount: byteCount)
        return try body(UnsafeMutableRawBufferPointer(start: start, count: byteCount))
    }

    /// The offset of `pointer` in this segment, or nil when it does not point into the heap as
    /// this process maps it.
    public func offset(of pointer: UnsafeRawPointer) -> SegmentOffset? {
        let distance = UInt(bitPattern: pointer - UnsafeRawPointer(base))
        guard pointer >= UnsafeRawPointer(base), UInt64(distance) >= heapStart,
              distance < UInt(mappedSize.load(ordering: .acquiring)) else { return nil }
        return SegmentOffset(rawValue: UInt64(distance))
    }

    func outside(_ offset: SegmentOffset, byteCount: Int, operation: String) -> InterprocessError {
        InterprocessError(.invalidArgument, operation: operation, name: name,
                          reason: "\(byteCount) bytes at offset \(offset.rawValue) are not inside its heap (\(heapStart)..<\(mappedSize.load(ordering: .relaxed)))")
    }

    /// Maps the part of the segment another process grew it by. The mapping never shrinks here:
    /// only ``shrinkToFit()``, with nobody else attached, unmaps.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` for a size word no correct peer writes (past
    ///   the maximum size or the file's end).
    func remap() throws(InterprocessError) {
        try mapLock.withLock { (_: inout Void) throws(InterprocessError) in
            let shared = sizeWord.pointee.load(ordering: .acquiring)
            let mapped = mappedSize.load(ordering: .relaxed)
            guard shared > UInt64(mapped) else { return }
            let operation = "remap managed segment"
            let fileSize = try SharedMemory.fileSize(of: attachment.storage.descriptor, operation: operation, name: name)
            guard shared <= UInt64(maximumSize), shared % UInt64(MappedRegion.pageSize) == 0, shared <= UInt64(fileSize) else {
                throw InterprocessError(.corrupt, operation: operation, name: name,
                                        reason: "its size word is \(shared): past its maximum size \(maximumSize), not whole pages, or past the file's \(fileSize) bytes")
            }
            try extendMapping(to: Int(shared))
        }
    }

    /// Maps bytes up to `size` in this process (holding the map lock).
    func extendMapping(to size: Int) throws(InterprocessError) {
        let mapped = mappedSize.load(ordering: .relaxed)
        guard size > mapped else { return }
        try attachment.reservation.map(descriptor: attachment.storage.descriptor, from: mapped, to: size, name: name)
        mappedSize.store(size, ordering: .releasing)
    }
}
#endif
