#if os(Linux)
public import Synchronization

/// The words of one listener entry, as pointers into the mapping.
@usableFromInline
struct ListenerEntry: @unchecked Sendable {
    // @unchecked: addresses of atomic words in shared memory; every access is atomic.
    @usableFromInline let base: UnsafeMutableRawPointer

    @inlinable init(_ base: UnsafeMutableRawPointer) { self.base = base }

    @inlinable var claim: UnsafeMutablePointer<Atomic<UInt64>> { word64(EventServiceLayout.listenerClaimOffset) }
    @inlinable var nonce: UnsafeMutablePointer<Atomic<UInt64>> { word64(EventServiceLayout.listenerNonceOffset) }
    @inlinable var futex: UnsafeMutablePointer<Atomic<UInt32>> { word32(EventServiceLayout.listenerFutexOffset) }
    @inlinable var waiters: UnsafeMutablePointer<Atomic<UInt32>> { word32(EventServiceLayout.listenerWaitersOffset) }
    @inlinable var armed: UnsafeMutablePointer<Atomic<UInt32>> { word32(EventServiceLayout.listenerArmedOffset) }
    @inlinable var summary: UnsafeMutablePointer<Atomic<UInt64>> { word64(EventServiceLayout.listenerSummaryOffset) }
    @inlinable var taken: UnsafeMutablePointer<Atomic<UInt64>> { word64(EventServiceLayout.listenerTakenOffset) }
    @inlinable var tag: UnsafeMutablePointer<Atomic<UInt64>> { word64(EventServiceLayout.listenerTagOffset) }
    /// Pending-event word `index` (below the service's event word count).
    @inlinable func events(_ index: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        word64(EventServiceLayout.listenerEventsOffset &+ index &* 8)
    }

    /// Parking for the listener's blocked and async waits.
    var parking: FutexParking { FutexParking(word: futex, waiters: waiters) }

    @inlinable func word64(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (base + offset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    @inlinable func word32(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (base + offset).assumingMemoryBound(to: Atomic<UInt32>.self)
    }
}

/// Claiming and giving up the entries of an event service, with pid + start-time claim words
/// (``EndpointClaim``): a free entry first, else a dead process's.
///
/// The listener occupancy bitmap is a superset of the claimed entries, so that a notifier scans
/// only those: a joiner sets its bit after claiming and preparing the entry; a listener leaving
/// clears its bit *before* it frees its claim (so no joiner is in between); a dead listener's
/// entry freed by someone else keeps its bit (a notifier skips an entry whose claim is 0).
enum EventEntries {
    /// Claims a listener entry and readies it; returns its index.
    ///
    /// - Throws: `resourceLimit` when every entry is held by a live (or unjudgeable) process.
    static func joinListener(_ storage: EventServiceStorage) throws(InterprocessError) -> Int {
        let count = storage.configuration.maximumListeners
        let index = try claim(count: count, role: "listener", storage: storage) { ListenerEntry(storage.listener($0)).claim }
        let entry = ListenerEntry(storage.listener(index))
        // Undo what a dead holder left: its pending ids, its sleepers, its wait set. A notifier
        // racing this may still set a bit: the new listener then sees an id notified as it joined.
        entry.nonce.pointee.store(0, ordering: .relaxed)
        entry.tag.pointee.store(0, ordering: .relaxed)
        entry.armed.pointee.store(0, ordering: .relaxed)
        entry.waiters.pointee.store(0, ordering: .relaxed)
        entry.taken.pointee.store(0, ordering: .relaxed)
        for word in 0..<storage.geometry.eventWords { entry.events(word).pointee.store(0, ordering: .relaxed) }
        entry.summary.pointee.store(0, ordering: .sequentiallyConsistent)
        storage.occupancy(index / 64).pointee.bitwiseOr(UInt64(1) << UInt64(index % 64), ordering: .sequentiallyConsistent)
        return index
    }

    /// Gives listener entry `index` up (if `claim` still holds it).
    static func leaveListener(_ storage: EventServiceStorage, _ index: Int, claim: UInt64) {
        let entry = ListenerEntry(storage.listener(index))
        guard entry.claim.pointee.load(ordering: .acquiring) == claim else { return }
        entry.nonce.pointee.store(0, ordering: .relaxed)
        entry.armed.pointee.store(0, ordering: .relaxed)
        storage.occupancy(index / 64).pointee.bitwiseAnd(~(UInt64(1) << UInt64(index % 64)), ordering: .sequentiallyConsistent)
        _ = entry.claim.pointee.compareExchange(expected: claim, desired: 0, ordering: .releasing)
    }

    /// Frees listener entry `index` if its claim is still `dead` (a process known to be dead).
    static func reclaimListener(_ storage: EventServiceStorage, _ index: Int, dead: UInt64) {
        let entry = ListenerEntry(storage.listener(index))
        _ = entry.claim.pointee.compareExchange(expected: dead, desired: 0, ordering: .acquiringAndReleasing)
    }

    /// Claims a notifier entry; returns its index.
    static func joinNotifier(_ storage: EventServiceStorage) throws(InterprocessError) -> Int {
        let index = try claim(count: storage.configuration.maximumNotifiers, role: "notifier", storage: storage) {
            notifierClaim(storage, $0)
        }
        notifierCount(storage, index).pointee.store(0, ordering: .relaxed)
        return index
    }

    static func leaveNotifier(_ storage: EventServiceStorage, _ index: Int, claim: UInt64) {
        _ = notifierClaim(storage, index).pointee.compareExchange(expected: claim, desired: 0, ordering: .releasing)
    }

    static func notifierClaim(_ storage: EventServiceStorage, _ index: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (storage.notifier(index) + EventServiceLayout.notifierClaimOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    static func notifierCount(_ storage: EventServiceStorage, _ index: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (storage.notifier(index) + EventServiceLayout.notifierCountOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// Claims one of `count` claim words: a free one, else a dead process's.
    private static func claim(
        count: Int, role: String, storage: EventServiceStorage,
        word: (Int) -> UnsafeMutablePointer<Atomic<UInt64>>
    ) throws(InterprocessError) -> Int {
        if let claimed = EndpointClaim.claimFree(count: count, word) { return claimed.index }
        throw InterprocessError(.resourceLimit, operation: "make \(role) of event service", name: storage.name,
                                reason: "all \(count) \(role) places are held by live processes (maximum\(role == "listener" ? "Listeners" : "Notifiers"))")
    }
}
#endif
