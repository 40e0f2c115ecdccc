#if os(Linux)
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ManagedSegment {
    /// A block of class `classIndex` for the thread holding `record`: from its current slab
    /// (after collecting blocks others freed), else from an unowned slab of the class it adopts
    /// (also those of dead processes), else from a new slab carved from the large heap. Nil
    /// when no slab can be had (the caller takes a large block).
    func allocateSmall(classIndex: Int, record: UnsafeMutableRawPointer, operation: String) throws(InterprocessError) -> SegmentOffset? {
        let slabClass = classes[classIndex]
        let current = CacheRecord.current(record, classIndex)
        let cacheRecord = CacheRecord(base: base, index: (record - (base + ManagedLayout.cacheTableOffset)) / ManagedLayout.cacheRecordSize)
        // A slab is worth keeping when others gave back a good share of it; one that yields a
        // trickle (a consumer a little behind a producer) is retired, so the owner does not pay
        // for a collection on every allocation, and is adopted again once it has filled up.
        let worthwhile = max(1, slabClass.count / 8)
        if let slab = slab(atChunk: current.pointee) {
            if slab.collectRemote(slabClass) >= worthwhile, let block = slab.takeLocal(slabClass) {
                return offset(ofBlock: block, chunk: current.pointee, slabClass)
            }
            _ = slab.owner.pointee.compareExchange(expected: cacheRecord.token, desired: 0, ordering: .releasing)
        }
        current.pointee = 0
        let chunk: UInt32
        if let adopted = adoptSlab(classIndex: classIndex, owner: cacheRecord.token, atLeast: worthwhile) {
            chunk = adopted
        } else if let carved = try carveSlab(classIndex: classIndex, owner: cacheRecord.token, operation: operation) {
            chunk = carved
        } else if let adopted = adoptSlab(classIndex: classIndex, owner: cacheRecord.token, atLeast: 1) {
            chunk = adopted
        } else {
            return nil
        }
        current.pointee = chunk
        guard let slab = slab(atChunk: chunk), let block = slab.takeLocal(slabClass) else { return nil }
        return offset(ofBlock: block, chunk: chunk, slabClass)
    }

    @inline(__always)
    func offset(ofBlock block: Int, chunk: UInt32, _ slabClass: SlabClass) -> SegmentOffset {
        SegmentOffset(rawValue: UInt64(Int(chunk) << ManagedLayout.chunkShift &+ slabClass.firstBlock &+ block &* slabClass.size))
    }

    /// Claims an unowned slab of the class with at least `atLeast` free blocks (releasing the
    /// records of dead processes on the way), and collects its remote frees; its chunk, or nil.
    private func adoptSlab(classIndex: Int, owner token: UInt64, atLeast: Int) -> UInt32? {
        let slabClass = classes[classIndex]
        let tag = UInt8(classIndex + 1)
        let first = Int(heapStart) >> ManagedLayout.chunkShift
        let last = mappedSize.load(ordering: .acquiring) >> ManagedLayout.chunkShift
        guard first < last else { return nil }
        for chunk in first..<last where chunkMap[chunk].load(ordering: .acquiring) == tag {
            guard let slab = slab(atChunk: UInt32(chunk)) else { continue }
            var owner = slab.owner.pointee.load(ordering: .acquiring)
            if owner != 0 {
                guard owner <= UInt64(ManagedLayout.cacheCount) else { continue }
                let holder = CacheRecord(base: base, index: Int(owner) - 1)
                let word = holder.claim.pointee.load(ordering: .acquiring)
                guard word != 0, PackedProcessIdentity.claimWord.isDead(word) else { continue }
                reclaim(holder, deadWord: word)
                owner = slab.owner.pointee.load(ordering: .acquiring)
                guard owner == 0 else { continue }
            }
            guard slab.freeCount(slabClass) >= atLeast,
                  slab.owner.pointee.compareExchange(expected: 0, desired: token, ordering: .acquiringAndReleasing).exchanged
            else { continue }
            _ = slab.collectRemote(slabClass)
            return UInt32(chunk)
        }
        return nil
    }

    /// Carves a new slab for the class from the large heap, owned by `token`; its chunk, or nil
    /// when no chunk-aligned space is free.
    private func carveSlab(classIndex: Int, owner token: UInt64, operation: String) throws(InterprocessError) -> UInt32? {
        let slabClass = classes[classIndex]
        return try withHeap(operation: operation) { (heap) throws(InterprocessError) -> UInt32? in
            guard let payload = try heap.allocate(need: UInt64(ManagedLayout.chunkSize) + LargeHeap.headerSize,
                                                  alignment: UInt64(ManagedLayout.chunkSize), flags: LargeHeap.slabBit,
                                                  operation: operation)
            else { return nil }
            let chunk = Int(payload >> UInt64(ManagedLayout.chunkShift))
            Slab.initialize(at: base + Int(payload), classIndex: classIndex, slabClass: slabClass, owner: token)
            chunkMap[chunk].store(UInt8(classIndex + 1), ordering: .releasing)
            HeapIntent.end(in: heap)
            return UInt32(chunk)
        }
    }
}

extension ManagedSegment {
    /// The owner word of a slab being given back to the large heap: no record's token.
    static let returningSlab = UInt64.max

    /// Gives every slab with no allocated block back to the large heap — unowned ones, and the
    /// calling thread's own current ones — so that a large allocation can use the space.
    /// Returns how many went back.
    func returnEmptySlabs(operation: String) throws(InterprocessError) -> Int {
        flushCallingThreadsFrees()
        let record = HeapThreadTableSlot.table == nil ? nil : threadRecord()
        let myToken = record.map { UInt64(($0 - (base + ManagedLayout.cacheTableOffset)) / ManagedLayout.cacheRecordSize + 1) }
        let first = Int(heapStart) >> ManagedLayout.chunkShift
        let last = mappedSize.load(ordering: .acquiring) >> ManagedLayout.chunkShift
        guard first < last else { return 0 }
        var returned = 0
        for chunk in first..<last {
            let tag = Int(chunkMap[chunk].load(ordering: .acquiring))
            guard tag != 0, tag <= SlabClass.sizes.count, let slab = slab(atChunk: UInt32(chunk)) else { continue }
            let slabClass = classes[tag - 1]
            var owner = slab.owner.pointee.load(ordering: .acquiring)
            if let record, owner == myToken, CacheRecord.current(record, tag - 1).pointee == UInt32(chunk) {
                guard isEmpty(slab, slabClass) else { continue }
                CacheRecord.current(record, tag - 1).pointee = 0
                slab.owner.pointee.store(0, ordering: .releasing)
                owner = 0
            }
            guard owner == 0, isEmpty(slab, slabClass),
                  slab.owner.pointee.compareExchange(expected: 0, desired: ManagedSegment.returningSlab, ordering: .acquiringAndReleasing).exchanged
            else { continue }
            // Re-checked holding the claim: nobody can allocate from it now.
            guard isEmpty(slab, slabClass) else {
                slab.owner.pointee.store(0, ordering: .releasing)
                continue
            }
            let freed = try withHeap(operation: operation) { (heap) throws(InterprocessError) -> Bool in
                guard let block = heap.allocatedBlock(atPayload: UInt64(chunk) << UInt64(ManagedLayout.chunkShift), slab: true) else {
                    return false
                }
                try heap.free(block.block, size: block.size, slabChunk: chunkMap + chunk, operation: operation)
                return true
            }
            if freed { returned += 1 } else { slab.owner.pointee.store(0, ordering: .releasing) }
        }
        return returned
    }

    /// Whether every block of the slab is free (in one bitmap or the other).
    private func isEmpty(_ slab: Slab, _ slabClass: SlabClass) -> Bool {
        var remaining = slabClass.count
        for word in 0..<slabClass.words where remaining > 0 {
            let full = remaining >= 64 ? UInt64.max : (UInt64(1) << UInt64(remaining)) &- 1
            let free = slab.local(word).pointee.load(ordering: .acquiring) | slab.remote(word, slabClass).pointee.load(ordering: .acquiring)
            guard free & full == full else { return false }
            remaining -= 64
        }
        return true
    }
}
#endif
