#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ManagedSegment {
    /// Checks every invariant of the heap — a fsck: boundary tags agree and tile the heap, free
    /// neighbours are merged, the free lists hold exactly the free blocks, every slab's header,
    /// bitmaps and chunk-map byte agree, the thread-cache records name real slabs — holding the
    /// heap lock (after repairing the heap if its last holder died).
    ///
    /// ```swift
    /// let report = try heap.verify()
    /// print(report.statistics.used, "bytes in use")
    /// ```
    ///
    /// - Returns: what was checked, and the heap's ``HeapStatistics``.
    /// - Throws: ``InterprocessError/Code/corrupt`` naming the first bad block's offset and what
    ///   is wrong with it.
    public func verify() throws(InterprocessError) -> HeapReport {
        let operation = "verify managed segment"
        flushCallingThreadsFrees()
        return try withHeap(operation: operation) { (heap) throws(InterprocessError) -> HeapReport in
            try HeapVerification(heap: heap, chunkMap: chunkMap, classes: classes, maximumSize: maximumSize,
                                 operation: operation).run()
        }
    }

    /// Publishes the frees the calling thread gathered (see ``ThreadCaches/Entry``), so that a
    /// check sees them.
    func flushCallingThreadsFrees() {
        guard let table = HeapThreadTableSlot.table else { return }
        let entries = table.assumingMemoryBound(to: ThreadCaches.Entry.self)
        for row in 0..<ThreadCaches.capacity where entries[row].serial == serial { entries[row].flush() }
    }

    /// The heap's sizes, use and fragmentation, from a walk holding the heap lock. A heap
    /// whose words are broken gives zeros and says why in ``HeapStatistics/problem``.
    public var statistics: HeapStatistics {
        do {
            return try verify().statistics
        } catch {
            return HeapStatistics(size: size, maximumSize: maximumSize, heapSize: size - Int(heapStart), used: 0, free: 0,
                                  largestFreeBlock: 0, fragmentation: 0, largeBlocks: 0, freeBlocks: 0, slabs: 0,
                                  smallBlocks: 0, problem: error.description)
        }
    }
}
#endif
