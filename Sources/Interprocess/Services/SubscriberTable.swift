#if os(Linux)
import Synchronization

/// The subscriber table of a service's control segment: one 128-byte entry per subscriber,
/// claimed with a packed process identity (as ``EndpointClaim`` does for queue endpoints).
///
/// A dead subscriber's entry is reclaimed by clearing its pin bit in every slot *first* and
/// only then freeing or reusing the entry: clearing a bit twice is harmless, so a reclaimer
/// killed half-way leaves nothing a later one cannot finish.
enum SubscriberTable {
    static func claimWord(_ storage: ServiceStorage, _ index: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (storage.subscriberEntry(index) + ServiceLayout.subscriberClaimOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    static func word64(_ storage: ServiceStorage, _ index: Int, _ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (storage.subscriberEntry(index) + offset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    static func word32(_ storage: ServiceStorage, _ index: Int, _ offset: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (storage.subscriberEntry(index) + offset).assumingMemoryBound(to: Atomic<UInt32>.self)
    }

    /// Claims an entry for the calling process: a free one first, else a dead subscriber's
    /// (whose pins are cleared before it is used). Returns the entry's index.
    ///
    /// - Throws: `resourceLimit` when every entry is held by a live (or unjudgeable) process.
    static func join(_ storage: ServiceStorage) throws(InterprocessError) -> Int {
        let count = storage.configuration.maximumSubscribers
        if let claimed = EndpointClaim.claimFree(count: count, { claimWord(storage, $0) }) {
            prepare(storage, claimed.index)
            return claimed.index
        }
        throw InterprocessError(.resourceLimit, operation: "make subscriber of service", name: storage.name,
                                reason: "all \(count) subscriber places are held by live processes (maximumSubscribers)")
    }

    /// Readies a just-claimed entry: marks it as joining (snapshots and gating skip it until the
    /// subscriber has written its cursor and policy), and undoes what a dead previous holder left:
    /// its pins and its count among the sleepers.
    static func prepare(_ storage: ServiceStorage, _ index: Int) {
        word32(storage, index, ServiceLayout.subscriberPolicyOffset).pointee.store(ServiceLayout.joiningPolicy, ordering: .relaxed)
        forgetSleeper(storage, index)
        clearPins(storage, index)
    }

    /// If entry `index`'s holder died while counted in `publicationWaiters`, takes it out of the
    /// count (never below 0), so that publishes do not pay a `FUTEX_WAKE` for it for ever. A
    /// holder killed between setting `parked` and announcing itself makes the count one too
    /// low, which delays one wake-up by at most the 20 ms re-check.
    static func forgetSleeper(_ storage: ServiceStorage, _ index: Int) {
        guard word32(storage, index, ServiceLayout.subscriberParkedOffset).pointee.exchange(0, ordering: .acquiringAndReleasing) != 0
        else { return }
        let waiters = storage.word32(ServiceLayout.publicationWaitersOffset)
        var current = waiters.pointee.load(ordering: .relaxed)
        while current > 0 {
            let (exchanged, original) = waiters.pointee.compareExchange(expected: current, desired: current - 1, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// Gives entry `index` up: clears its pins, then its claim, and tells the publisher.
    static func leave(_ storage: ServiceStorage, _ index: Int, claim: UInt64) {
        word32(storage, index, ServiceLayout.subscriberPolicyOffset).pointee.store(ServiceLayout.joiningPolicy, ordering: .relaxed)
        forgetSleeper(storage, index)
        clearPins(storage, index)
        word32(storage, index, ServiceLayout.subscriberHeldOffset).pointee.store(0, ordering: .relaxed)
        _ = claimWord(storage, index).pointee.compareExchange(expected: claim, desired: 0, ordering: .releasing)
        storage.word64(ServiceLayout.membershipOffset).pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
    }

    /// Frees every entry whose process is dead, after clearing its pins.
    static func reclaimDead(_ storage: ServiceStorage) {
        for index in 0..<storage.configuration.maximumSubscribers {
            let word = claimWord(storage, index).pointee.load(ordering: .acquiring)
            if word != 0, EndpointClaim.isDead(word) { reclaim(storage, index, dead: word) }
        }
    }

    /// Frees every entry whose process died while counted among the sleepers.
    static func reclaimDeadSleepers(_ storage: ServiceStorage) {
        for index in 0..<storage.configuration.maximumSubscribers
        where word32(storage, index, ServiceLayout.subscriberParkedOffset).pointee.load(ordering: .relaxed) != 0 {
            let word = claimWord(storage, index).pointee.load(ordering: .acquiring)
            if word != 0, EndpointClaim.isDead(word) { reclaim(storage, index, dead: word) }
        }
    }

    /// Frees entry `index`, held by the dead process `dead`: takes it (so that no joiner uses it
    /// while its pins are cleared), clears its pins, and frees it.
    static func reclaim(_ storage: ServiceStorage, _ index: Int, dead: UInt64) {
        let mine = EndpointClaim.word(for: .current)
        guard claimWord(storage, index).pointee.compareExchange(expected: dead, desired: mine, ordering: .acquiringAndReleasing).exchanged
        else { return }
        leave(storage, index, claim: mine)
    }

    /// Clears entry `index`'s pin bit in every slot.
    static func clearPins(_ storage: ServiceStorage, _ index: Int) {
        let offset = ServiceLayout.slotPinsOffset + (index / 64) * 8
        let bit = UInt64(1) << UInt64(index % 64)
        for slot in 0..<storage.geometry.slotCount {
            (storage.record(slot) + offset).assumingMemoryBound(to: Atomic<UInt64>.self).pointee
                .bitwiseAnd(~bit, ordering: .releasing)
        }
    }

    /// The lowest cursor of the live `.block` subscribers, each taken as at most `next` (a
    /// cursor ahead of the publisher holds nothing back), or nil when there is none. A `.block`
    /// subscriber that holds the publisher back and is dead is reclaimed instead.
    static func minimumBlockingCursor(_ storage: ServiceStorage, next: UInt64) -> UInt64? {
        let capacity = UInt64(storage.configuration.bufferCapacity)
        var minimum: UInt64?
        for index in 0..<storage.configuration.maximumSubscribers {
            let claim = claimWord(storage, index).pointee.load(ordering: .acquiring)
            guard claim != 0, word32(storage, index, ServiceLayout.subscriberPolicyOffset).pointee.load(ordering: .relaxed) == 1 else { continue }
            let cursor = Swift.min(word64(storage, index, ServiceLayout.subscriberCursorOffset).pointee.load(ordering: .sequentiallyConsistent), next)
            if cursor &+ capacity <= next, EndpointClaim.isDead(claim) {
                reclaim(storage, index, dead: claim)
                continue
            }
            minimum = Swift.min(minimum ?? cursor, cursor)
        }
        return minimum
    }
}
#endif
