#if os(Linux)
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ManagedSegment {
    /// Claims a free thread-cache record for the calling thread, or one whose holder's process
    /// died (its slabs are released first); nil when every record is held by a live process.
    func claimRecord() -> CacheRecord? {
        let me = PackedProcessIdentity.claimWord.pack(CachedProcessIdentity.current)
        var judged: [UInt64: Bool] = [:]
        for index in 0..<ManagedLayout.cacheCount {
            let record = CacheRecord(base: base, index: index)
            let word = record.claim.pointee.load(ordering: .acquiring)
            if word == 0 {
                guard record.claim.pointee.compareExchange(expected: 0, desired: me, ordering: .acquiringAndReleasing).exchanged else { continue }
            } else {
                let dead = judged[word] ?? PackedProcessIdentity.claimWord.isDead(word)
                judged[word] = dead
                guard dead, record.claim.pointee.compareExchange(expected: word, desired: me, ordering: .acquiringAndReleasing).exchanged else { continue }
                releaseSlabs(ownedBy: record)
            }
            for classIndex in 0..<SlabClass.sizes.count { CacheRecord.current(record.address, classIndex).pointee = 0 }
            record.address.storeBytes(of: ThreadID.current.littleEndian, toByteOffset: CacheRecord.threadOffset, as: UInt32.self)
            return record
        }
        return nil
    }

    /// Gives up a record this process holds: its current slabs lose their owner, then the record is free.
    func releaseRecord(_ index: Int) {
        let record = CacheRecord(base: base, index: index)
        for classIndex in 0..<SlabClass.sizes.count {
            let current = CacheRecord.current(record.address, classIndex)
            if let slab = slab(atChunk: current.pointee) {
                _ = slab.owner.pointee.compareExchange(expected: record.token, desired: 0, ordering: .releasing)
            }
            current.pointee = 0
        }
        record.claim.pointee.store(0, ordering: .releasing)
    }

    /// Takes a dead process's record over so its slabs can be adopted: every slab naming it as
    /// owner is released (a walk of the chunk map: a dead holder may have claimed a slab without
    /// recording it as current), then the record is freed. Another process doing the same at
    /// once is harmless: both only clear owner words that name the dead record.
    func reclaim(_ record: CacheRecord, deadWord: UInt64) {
        let marker = PackedProcessIdentity.claimWord.pack(CachedProcessIdentity.current)
        guard record.claim.pointee.compareExchange(expected: deadWord, desired: marker, ordering: .acquiringAndReleasing).exchanged else { return }
        releaseSlabs(ownedBy: record)
        for classIndex in 0..<SlabClass.sizes.count { CacheRecord.current(record.address, classIndex).pointee = 0 }
        record.claim.pointee.store(0, ordering: .releasing)
    }

    /// Clears the owner word of every slab that names `record`.
    private func releaseSlabs(ownedBy record: CacheRecord) {
        let first = Int(heapStart) >> ManagedLayout.chunkShift
        let last = mappedSize.load(ordering: .acquiring) >> ManagedLayout.chunkShift
        guard first < last else { return }
        for chunk in first..<last where chunkMap[chunk].load(ordering: .acquiring) != 0 {
            if let slab = slab(atChunk: UInt32(chunk)) {
                _ = slab.owner.pointee.compareExchange(expected: record.token, desired: 0, ordering: .acquiringAndReleasing)
            }
        }
    }

    /// The slab at `chunk` if the chunk map says there is one and this process maps all of it.
    func slab(atChunk chunk: UInt32) -> Slab? {
        let index = Int(chunk)
        guard index > 0, index < maximumSize >> ManagedLayout.chunkShift,
              (index + 1) << ManagedLayout.chunkShift <= mappedSize.load(ordering: .acquiring),
              chunkMap[index].load(ordering: .acquiring) != 0
        else { return nil }
        return Slab(base + index << ManagedLayout.chunkShift)
    }
}
#endif
