#if os(Linux)
import Synchronization

/// The publisher's own bookkeeping, allocated once when it takes the seat (never per sample):
/// spare slots known free, slots found pinned (re-checked later), how many slots hold content
/// in each pool generation (a generation with none left is removed), and the mapped pools.
///
/// Rebuilt from the control segment by ``resume()``, so a new publisher taking over a dead one's
/// seat starts from what the segment says, whatever step the dead one was at.
@usableFromInline
final class PublisherBook {
    let storage: ServiceStorage
    let pools = PoolMappings()
    /// Unreferenced slots whose tag is free: ready to be a spare.
    private let free: UnsafeMutablePointer<Int32>
    private var freeCount = 0
    /// Unreferenced slots that held content or were found pinned: re-checked before use.
    private let pinned: UnsafeMutablePointer<Int32>
    private(set) var pinnedCount = 0
    /// Slots whose content lives in each generation.
    private let counts: UnsafeMutablePointer<Int>

    /// Wakes that found nobody asleep although the count said otherwise.
    private var fruitlessWakes = 0

    /// Counts a wake that found nobody; every 256, reclaims subscribers that died asleep.
    func noteFruitlessWake() {
        fruitlessWakes &+= 1
        if fruitlessWakes & 255 == 0 { SubscriberTable.reclaimDeadSleepers(storage) }
    }

    init(_ storage: ServiceStorage) {
        self.storage = storage
        let slots = storage.geometry.slotCount
        free = .allocate(capacity: slots)
        pinned = .allocate(capacity: slots)
        counts = .allocate(capacity: ServiceLayout.maximumGenerations)
        counts.initialize(repeating: 0, count: ServiceLayout.maximumGenerations)
    }

    deinit {
        free.deallocate()
        pinned.deallocate()
        counts.deallocate()
    }

    /// Where a publisher continues.
    struct Resumption {
        var next: UInt64
        var generation: Int
    }

    private var operation: String { "make publisher of service" }

    /// Reads the control segment: the next sequence (a sample whose header or entry was stored
    /// but whose head was not is counted as published), the pool generations (creating generation 0 for
    /// a new service), which slots the ring references, and the spare slots.
    func resume() throws(InterprocessError) -> Resumption {
        let geometry = storage.geometry
        let head = storage.word64(ServiceLayout.headOffset)
        var next = head.pointee.load(ordering: .acquiring)
        let mask = geometry.ringSize - 1
        // Everything is checked before anything is written: a corrupt segment is reported as
        // it was found.
        var named = [Bool](repeating: false, count: geometry.slotCount)
        for entry in 0..<geometry.ringSize {
            let slot = entrySlot(entry)
            guard slot < geometry.slotCount, !named[slot] else {
                throw storage.corruptError(slot < geometry.slotCount
                    ? "ring entry \(entry) names slot \(slot), which another entry names too"
                    : "ring entry \(entry) names slot \(slot), outside 0..<\(geometry.slotCount)", operation: operation)
            }
            named[slot] = true
        }
        let recorded = try storage.currentGeneration(operation: operation)
        // A publisher killed in `create` after making a generation live and before making it
        // current left it above the current one. Subscribers that attached since have mapped
        // it: it is adopted, because making it again would replace the file under them.
        var generation = recorded
        while generation + 1 < ServiceLayout.maximumGenerations,
              storage.generationState(generation + 1).pointee.load(ordering: .acquiring) == ServiceLayout.GenerationState.live.rawValue {
            generation += 1
        }
        if storage.generationState(generation).pointee.load(ordering: .acquiring) == ServiceLayout.GenerationState.none.rawValue {
            guard generation == 0 else {
                throw storage.corruptError("its current pool generation \(generation) was never made", operation: operation)
            }
            try create(generation: 0, slotPayloadSize: initialSlotPayloadSize)
        }
        for existing in 0...generation
        where storage.generationState(existing).pointee.load(ordering: .acquiring) == ServiceLayout.GenerationState.live.rawValue {
            let size = try storage.generationSlotSize(existing, operation: operation)
            pools.install(try SamplePool(opening: existing, of: storage, slotPayloadSize: size, access: .readWrite, operation: operation))
        }
        guard pools.pools[generation] != nil else {
            throw storage.corruptError("its current pool generation \(generation) is not live", operation: operation)
        }
        for slot in 0..<geometry.slotCount where slotTag(slot).pointee.load(ordering: .acquiring) != ServiceLayout.freeTag {
            let content = slotGeneration(slot)
            guard content < ServiceLayout.maximumGenerations, pools.pools[content] != nil else {
                throw storage.corruptError("slot \(slot) holds content in generation \(content), which is not live", operation: operation)
            }
        }
        if generation != recorded {
            storage.word32(ServiceLayout.currentGenerationOffset).pointee.store(UInt32(generation), ordering: .releasing)
        }
        let resumed = next
        if entrySequence(Int(truncatingIfNeeded: next) & mask).pointee.load(ordering: .acquiring) == next {
            next &+= 1
        }
        if finishPublication(of: next, named: named) { next &+= 1 }
        if next != resumed {
            head.pointee.store(next, ordering: .releasing)
            // Subscribers asleep on the entry learn of the sample now, not at their next look.
            let parking = storage.publicationParking
            parking.word.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
            Futex.wake(parking.futexWord)
        }
        var referenced = [Bool](repeating: false, count: geometry.slotCount)
        for entry in 0..<geometry.ringSize { referenced[entrySlot(entry)] = true }
        for slot in 0..<geometry.slotCount {
            let tag = slotTag(slot).pointee.load(ordering: .acquiring)
            if tag != ServiceLayout.freeTag { counts[slotGeneration(slot)] += 1 }
            if !referenced[slot] {
                if tag == ServiceLayout.freeTag { pushFree(slot) } else { pushPinned(slot) }
            }
        }
        for old in 0..<generation where counts[old] == 0 && pools.pools[old] != nil { retire(old) }
        return Resumption(next: next, generation: generation)
    }

    /// Finishes the publication of sample `sequence` if a dead publisher made it (stored the
    /// sequence in the sample header of the slot it prepared for it, whose tag says so) and died
    /// before the ring entry: subscribers that watch the header may have received it, so it
    /// stays published. The slot must be the one the entry names or one no entry names (`named`),
    /// so that no two entries name one slot. Returns whether it did.
    private func finishPublication(of sequence: UInt64, named: [Bool]) -> Bool {
        let entry = Int(truncatingIfNeeded: sequence) & (storage.geometry.ringSize - 1)
        let current = entrySlot(entry)
        for slot in 0..<storage.geometry.slotCount
        where (slot == current || !named[slot]) && slotTag(slot).pointee.load(ordering: .acquiring) == sequence {
            let content = slotGeneration(slot)
            guard content < ServiceLayout.maximumGenerations, let pool = pools.pools[content] else { continue }
            guard pool.view.sequenceWord(slot).pointee.load(ordering: .acquiring) == sequence else { continue }
            entryLocation(entry).pointee.store(ServiceLayout.location(slot: slot, generation: content), ordering: .relaxed)
            entrySequence(entry).pointee.store(sequence, ordering: .sequentiallyConsistent)
            return true
        }
        return false
    }

    /// Generation 0's slot payload size: the value's size, or a small start for bytes.
    private var initialSlotPayloadSize: Int {
        let payload = storage.configuration.payload
        return payload.isFixedSize ? payload.size : Swift.min(payload.size, ServiceLayout.initialSlotPayloadSize)
    }

    /// Creates pool generation `generation` and records it in the table (size, then state,
    /// then the current generation, each a release store after the segment exists).
    func create(generation: Int, slotPayloadSize: Int) throws(InterprocessError) {
        let pool = try SamplePool(creating: generation, of: storage, slotPayloadSize: slotPayloadSize)
        storage.generationSize(generation).pointee.store(UInt64(slotPayloadSize), ordering: .releasing)
        storage.generationState(generation).pointee.store(ServiceLayout.GenerationState.live.rawValue, ordering: .releasing)
        storage.word32(ServiceLayout.currentGenerationOffset).pointee.store(UInt32(generation), ordering: .releasing)
        pools.install(pool)
    }

    /// Records that `slot`'s content now lives in `current` (and no longer in `old`); removes
    /// `old` when no slot's content lives there any more.
    func move(_ slot: Int, from old: Int?, to current: Int) {
        storage.record(slot).storeBytes(of: UInt32(current), toByteOffset: ServiceLayout.slotGenerationOffset, as: UInt32.self)
        counts[current] += 1
        if let old {
            if old != current { markMoved(slot, in: old) }
            dropContent(in: old, current: current)
        }
    }

    /// Tells subscribers that look for their ring entry's next sample in `slot` of
    /// `generation` (where its last one was) to look at the ring entry instead: the next one
    /// goes elsewhere. Stored before that sample is published.
    func markMoved(_ slot: Int, in generation: Int) {
        guard generation >= 0, generation < ServiceLayout.maximumGenerations, let pool = pools.pools[generation] else { return }
        pool.view.sequenceWord(slot).pointee.store(ServiceLayout.movedSequence, ordering: .releasing)
    }

    /// One slot's content in `old` is gone.
    private func dropContent(in old: Int, current: Int) {
        guard old >= 0, old < ServiceLayout.maximumGenerations, counts[old] > 0 else { return }
        counts[old] -= 1
        if counts[old] == 0 && old != current && pools.pools[old] != nil { retire(old) }
    }

    /// Removes generation `generation`: no slot's content lives in it. Subscribers that mapped
    /// it keep their mapping.
    private func retire(_ generation: Int) {
        storage.generationState(generation).pointee.store(ServiceLayout.GenerationState.retired.rawValue, ordering: .releasing)
        try? Segment.remove(SamplePool.name(of: storage, generation: generation), kind: .samplePool, operation: "remove sample pool")
        pools.drop(generation)
    }

    // MARK: Spare slots

    /// A spare slot for sample `sequence`, its tag already set (the reuse handshake passed), or
    /// nil when every spare is pinned even after re-checking them and reclaiming dead
    /// subscribers' pins.
    func takeSpare(for sequence: UInt64, current: Int) -> Int? {
        for round in 0..<3 {
            while freeCount > 0 {
                freeCount -= 1
                let slot = Int(free[freeCount])
                let tag = slotTag(slot)
                tag.pointee.store(sequence, ordering: .sequentiallyConsistent)
                if pinsAreClear(slot) {
                    move(slot, from: nil, to: current)
                    return slot
                }
                tag.pointee.store(ServiceLayout.freeTag, ordering: .releasing)
                pushPinned(slot)
            }
            switch round {
            case 0: recheckAll(current: current)
            case 1:
                SubscriberTable.reclaimDead(storage)
                recheckAll(current: current)
            default: break
            }
        }
        return nil
    }

    /// Re-checks the oldest pinned slot (one per spare taken keeps the list short).
    func recheckOne(current: Int) {
        guard pinnedCount > 0 else { return }
        let slot = Int(pinned[0])
        pinnedCount -= 1
        pinned[0] = pinned[pinnedCount]
        if !release(slot, current: current) { pushPinned(slot) }
    }

    private func recheckAll(current: Int) {
        var kept = 0
        for index in 0..<pinnedCount {
            let slot = Int(pinned[index])
            if !release(slot, current: current) {
                pinned[kept] = Int32(slot)
                kept += 1
            }
        }
        pinnedCount = kept
    }

    /// Frees an unreferenced slot if no subscriber holds it (the reuse handshake with the free
    /// tag); returns whether it did.
    private func release(_ slot: Int, current: Int) -> Bool {
        let tag = slotTag(slot)
        let old = tag.pointee.exchange(ServiceLayout.freeTag, ordering: .sequentiallyConsistent)
        guard pinsAreClear(slot) else {
            tag.pointee.store(old, ordering: .releasing)
            return false
        }
        if old != ServiceLayout.freeTag { dropContent(in: slotGeneration(slot), current: current) }
        pushFree(slot)
        return true
    }

    func pushPinned(_ slot: Int) {
        guard pinnedCount < storage.geometry.slotCount else { return }
        pinned[pinnedCount] = Int32(slot)
        pinnedCount += 1
    }

    private func pushFree(_ slot: Int) {
        guard freeCount < storage.geometry.slotCount else { return }
        free[freeCount] = Int32(slot)
        freeCount += 1
    }

    // MARK: Words

    private func pinsAreClear(_ slot: Int) -> Bool {
        let pins = storage.record(slot) + ServiceLayout.slotPinsOffset
        for word in 0..<storage.geometry.pinWords
        where (pins + word * 8).assumingMemoryBound(to: Atomic<UInt64>.self).pointee.load(ordering: .sequentiallyConsistent) != 0 {
            return false
        }
        return true
    }

    private func slotTag(_ slot: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (storage.record(slot) + ServiceLayout.slotTagOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// The generation `slot`'s content lives in, as its state says.
    func slotGeneration(_ slot: Int) -> Int {
        Int((storage.record(slot) + ServiceLayout.slotGenerationOffset).assumingMemoryBound(to: Atomic<UInt32>.self)
            .pointee.load(ordering: .relaxed))
    }

    private func entrySequence(_ entry: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (storage.record(entry) + ServiceLayout.entrySequenceOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// The entry's location word (`ServiceLayout.location(slot:generation:)`).
    private func entryLocation(_ entry: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (storage.record(entry) + ServiceLayout.entrySlotOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    private func entrySlot(_ entry: Int) -> Int {
        Int(UInt32(truncatingIfNeeded: entryLocation(entry).pointee.load(ordering: .relaxed)))
    }
}
#endif
