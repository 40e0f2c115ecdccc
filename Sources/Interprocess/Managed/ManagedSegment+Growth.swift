#if os(Linux)
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ManagedSegment {
    /// Grows the segment to `size` bytes (rounded up to a page) while other processes stay
    /// attached: the file grows, this process maps the new part right after the old one, and
    /// the new space joins the heap as a free block. Other processes map it when they first
    /// need it (an offset past their mapping, or the heap lock). Nothing moves: every offset and
    /// pointer stays valid. A size at or below the current one does nothing.
    ///
    /// ```swift
    /// do { record = try heap.allocate(byteCount: 1 << 20) }
    /// catch where error.code == .insufficientSpace {
    ///     try heap.grow(to: heap.size * 2)
    /// }
    /// ```
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` above ``maximumSize``,
    ///   `insufficientSpace` when the file system has no room.
    public func grow(to size: Int) throws(InterprocessError) {
        let operation = "grow managed segment"
        guard size <= maximumSize else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the size must be at most its maximum size, \(maximumSize) bytes (got \(size))")
        }
        let target = UInt64(ManagedLayout.roundUpToPage(max(size, 0)))
        try withHeap(operation: operation) { (heap) throws(InterprocessError) in
            let old = heap.end
            guard target > old else { return }
            HeapIntent.begin(.grow, block: heap.sentinel, size: old, extra: target, in: heap)
            do throws(InterprocessError) {
                try SpaceReservation.size(attachment.storage.descriptor, to: Int(target), policy: .reserve, operation: operation, name: name)
                try mapLock.withLock { (_: inout Void) throws(InterprocessError) in try extendMapping(to: Int(target)) }
            } catch {
                HeapIntent.end(in: heap)
                throw error
            }
            // The old sentinel becomes an allocated block spanning the new space, then is freed:
            // free() merges it with a free last block and lists it.
            let block = heap.sentinel
            let grown = LargeHeap(base: base, start: heapStart, end: target, name: name)
            let blockSize = grown.sentinel &- block
            grown.setWord(grown.sentinel, LargeHeap.allocatedBit | LargeHeap.previousAllocatedBit)
            grown.setWord(grown.sentinel &+ 8, grown.sentinel ^ LargeHeap.checkSalt)
            grown.setWord(block &+ 8, block ^ LargeHeap.checkSalt)
            grown.setWord(block, blockSize | LargeHeap.allocatedBit | (heap.word(block) & LargeHeap.previousAllocatedBit))
            sizeWord.pointee.store(target, ordering: .releasing)
            generationWord.pointee.wrappingAdd(1, ordering: .releasing)
            try grown.free(block, size: blockSize, operation: operation)
        }
    }

    /// Gives back the free space at the end of the heap (down to the size at creation), when
    /// no other process has the segment open.
    ///
    /// - Throws: ``InterprocessError/Code/resourceLimit`` while another process (or another
    ///   handle in this one) has it open.
    public func shrinkToFit() throws(InterprocessError) {
        let operation = "shrink managed segment"
        let descriptor = attachment.storage.descriptor
        // Converting our shared lock to an exclusive one succeeds only when no one else holds
        // one. A tool reading the header (`interprocess ls`) holds one for a moment: retry briefly.
        var exclusive = NameLock.tryLockExclusive(descriptor)
        var attempts = 0
        while !exclusive && attempts < 50 {
            _ = flock(descriptor, LOCK_SH | LOCK_NB)
            usleep(2_000)
            attempts += 1
            exclusive = NameLock.tryLockExclusive(descriptor)
        }
        guard exclusive else {
            _ = flock(descriptor, LOCK_SH | LOCK_NB)
            throw InterprocessError(.resourceLimit, operation: operation, name: name,
                                    reason: "another process or handle has it open; it shrinks only when nobody else is attached")
        }
        defer { _ = flock(descriptor, LOCK_SH) }
        try withHeap(operation: operation) { (heap) throws(InterprocessError) in
            let old = heap.end
            guard heap.word(heap.sentinel) & LargeHeap.previousAllocatedBit == 0 else { return }
            let lastSize = heap.word(heap.sentinel &- 8)
            let last = heap.sentinel &- lastSize
            guard heap.isBlockOffset(last), heap.word(last) & ~LargeHeap.flagMask == lastSize else {
                throw heap.corrupt(operation, "the footer before the sentinel (\(lastSize)) does not lead to the last free block")
            }
            let page = UInt64(MappedRegion.pageSize)
            var target = max(UInt64(attachment.initialSize), (last &+ LargeHeap.headerSize &+ page &- 1) / page * page)
            var remaining = target &- LargeHeap.headerSize &- last
            if remaining > 0 && remaining < LargeHeap.minimumBlock {
                target &+= page
                remaining &+= page
            }
            guard target < old else { return }
            HeapIntent.begin(.shrink, block: last, size: old, extra: target, in: heap)
            try heap.unlink(last, size: lastSize, operation: operation)
            let shrunk = LargeHeap(base: base, start: heapStart, end: target, name: name)
            let previousAllocated = heap.word(last) & LargeHeap.previousAllocatedBit != 0
            if remaining > 0 {
                shrunk.writeFree(last, size: remaining, previousAllocated: previousAllocated)
                shrunk.link(last, size: remaining)
            }
            shrunk.setWord(shrunk.sentinel, LargeHeap.allocatedBit | (remaining > 0 ? 0 : (previousAllocated ? LargeHeap.previousAllocatedBit : 0)))
            shrunk.setWord(shrunk.sentinel &+ 8, shrunk.sentinel ^ LargeHeap.checkSalt)
            sizeWord.pointee.store(target, ordering: .releasing)
            generationWord.pointee.wrappingAdd(1, ordering: .releasing)
            try checkedCall(operation, name: name) { ftruncate(descriptor, off_t(target)) }
            mapLock.withLock { _ in
                attachment.reservation.unmap(from: Int(target), to: mappedSize.load(ordering: .relaxed))
                mappedSize.store(Int(target), ordering: .releasing)
            }
            HeapIntent.end(in: shrunk)
        }
    }

    /// Settles a grow or shrink whose process died holding the heap lock, before the heap is
    /// rebuilt from its headers: a grow whose size word has its new value gets its new space
    /// freed (the headers were written before the size word; with the old value the rebuilt
    /// sentinel ends the heap where it was); a shrink whose size word still has the old value
    /// gets its last free block back whole.
    func settleInterruptedResize(operation: String) throws(InterprocessError) {
        let heap = try lockedHeap()
        let intent = HeapIntent.read(heap)
        let shrinkUndone = intent.operation == HeapIntent.Operation.shrink.rawValue && heap.end == intent.size
        // The new space, written as one allocated block before the size word, not yet freed.
        let growDone = intent.operation == HeapIntent.Operation.grow.rawValue && heap.end == intent.extra
        guard shrinkUndone || growDone, heap.isBlockOffset(intent.block) else { return }
        let previousAllocated = heap.word(intent.block) & LargeHeap.previousAllocatedBit != 0
        heap.writeFree(intent.block, size: heap.sentinel &- intent.block, previousAllocated: previousAllocated)
    }
}
#endif
