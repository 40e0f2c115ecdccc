#if os(Linux)
import Synchronization

#if os(Linux)
extension LargeHeap {
    /// Makes the heap whole after a holder of the heap lock died: undoes or finishes the
    /// operation its intent record names, then rebuilds every free list, footer and
    /// previous-allocated bit from a walk of the block headers (which also finishes a merge of
    /// free neighbours cut short). `chunkMap` is the chunk map's first byte.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` when the headers do not form a heap (nothing
    ///   a dying allocator leaves behind; the lock is then left not recoverable).
    func repair(chunkMap: UnsafeMutablePointer<Atomic<UInt8>>, operation: String) throws(InterprocessError) {
        let intent = HeapIntent.read(self)
        switch HeapIntent.Operation(rawValue: intent.operation) {
        case .allocate?, .carveSlab?, .free?:
            let block = intent.block, size = intent.size
            guard isBlockOffset(block), size >= LargeHeap.minimumBlock, size & 15 == 0, size <= sentinel &- block else {
                throw corrupt(operation, "its intent log names block \(block) of \(size) bytes, outside the heap")
            }
            if intent.operation == HeapIntent.Operation.carveSlab.rawValue, intent.extra < end >> UInt64(ManagedLayout.chunkShift) {
                chunkMap[Int(intent.extra)].store(0, ordering: .releasing)
            }
            // A slab being given back: its chunk is no slab any more.
            let payload = block &+ LargeHeap.headerSize
            if intent.operation == HeapIntent.Operation.free.rawValue, word(block) & LargeHeap.slabBit != 0,
               payload & UInt64(ManagedLayout.chunkSize - 1) == 0 {
                chunkMap[Int(payload >> UInt64(ManagedLayout.chunkShift))].store(0, ordering: .releasing)
            }
            // Undo a split (the caller never got the block), or finish a free (the caller gave it up).
            writeFree(block, size: size, previousAllocated: word(block) & LargeHeap.previousAllocatedBit != 0)
        case .grow?, .shrink?:
            // The segment settled the size before calling (see ManagedSegment+Growth): the walk
            // below starts from the sentinel it wrote.
            break
        case .none?:
            break
        case nil:
            throw corrupt(operation, "its intent log holds operation \(intent.operation), which no allocator writes")
        }
        HeapIntent.end(in: self)
        try rebuild(operation: operation)
    }

    /// Rebuilds the free lists from the block headers, merging runs of free blocks and
    /// rewriting footers, previous-allocated bits and the sentinel.
    func rebuild(operation: String) throws(InterprocessError) {
        for bin in 0..<ManagedLayout.binCount { setBinHead(bin, 0) }
        var block = start
        var previousAllocated = true
        var run: (start: UInt64, previousAllocated: Bool)?
        var steps = 0
        let limit = stepLimit
        func closeRun(at end: UInt64) {
            guard let open = run else { return }
            writeFree(open.start, size: end &- open.start, previousAllocated: open.previousAllocated)
            link(open.start, size: end &- open.start)
            run = nil
        }
        while block != sentinel {
            steps &+= 1
            guard steps <= limit, block < sentinel else {
                throw corrupt(operation, "walking the heap reached offset \(block), past the sentinel at \(sentinel)")
            }
            let size = try checkedSize(of: block, operation: operation)
            let header = word(block)
            if header & LargeHeap.allocatedBit != 0 {
                closeRun(at: block)
                setWord(block, header & ~LargeHeap.previousAllocatedBit | (previousAllocated ? LargeHeap.previousAllocatedBit : 0))
                previousAllocated = true
            } else {
                if run == nil { run = (block, previousAllocated) }
                previousAllocated = false
            }
            block &+= size
        }
        closeRun(at: sentinel)
        setWord(sentinel, LargeHeap.allocatedBit | (previousAllocated ? LargeHeap.previousAllocatedBit : 0))
        setWord(sentinel &+ 8, sentinel ^ LargeHeap.checkSalt)
    }
}
#endif
#endif
