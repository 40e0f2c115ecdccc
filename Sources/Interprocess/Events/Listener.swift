#if os(Linux)
public import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A process that takes the event ids notified in an ``EventService``.
///
/// Each wait returns every id notified since the previous one (an ``EventSet``); ids notified
/// several times in between come once. No id is lost, whatever the timing.
///
/// ```swift
/// var listener = try Listener(service: EventService(open: "jobs", timeout: .seconds(5)))
/// let fired = try listener.wait(timeout: .seconds(1))      // blocks the thread
/// if let more = listener.tryWait() { … }                   // never blocks
/// for try await id in listener.events() { … }              // async, one id at a time
/// ```
///
/// A ``WaitSet`` waits on many listeners (and queues, subscribers, timers) at once.
public struct Listener: ~Copyable {
    /// The service this listener listens to.
    public let service: EventService
    let seat: ListenerSeat
    @usableFromInline let taker: EventTaker
    var entry: ListenerEntry { taker.entry }

    /// Attaches a listener to `service`. It receives the ids notified from now on.
    ///
    /// - Throws: `resourceLimit` when ``EventServiceConfiguration/maximumListeners`` live
    ///   listeners are attached (dead ones' places are taken over first).
    public init(service: EventService) throws(InterprocessError) {
        let storage = service.storage
        let index = try EventEntries.joinListener(storage)
        seat = ListenerSeat(storage, index: index, claim: EndpointClaim.word(for: .current))
        self.service = service
        taker = EventTaker(storage, entry: seat.entry)
    }

    /// Takes the ids notified since the last wait, or nil when there are none. Never blocks;
    /// allocates nothing when every id is below 64.
    @inlinable
    public func tryWait() -> EventSet? {
        taker.tryTake()
    }

    /// Whether ids are pending (a look, nothing taken).
    var hasPending: Bool { entry.summary.pointee.load(ordering: .sequentiallyConsistent) != 0 }

    /// Waits until ids are notified and takes them. Blocks the calling thread.
    @available(*, noasync, message: "blocks the thread; use the async form")
    public func wait() throws(InterprocessError) -> EventSet {
        try wait(until: .never)
    }

    /// Waits up to `timeout` for ids and takes them.
    ///
    /// - Throws: `timedOut` when none came in time.
    @available(*, noasync, message: "blocks the thread; use the async form")
    public func wait(timeout: Duration) throws(InterprocessError) -> EventSet {
        try wait(until: .after(timeout))
    }

    /// Waits until `deadline` for ids and takes them: spins briefly, then sleeps on the entry's
    /// wake sequence (at most 20 ms at a time, so a wake-up lost to a notifier killed mid-way
    /// delays it by at most that).
    ///
    /// - Throws: `timedOut` when none came in time.
    @available(*, noasync, message: "blocks the thread; use the async form")
    public func wait(until deadline: Deadline) throws(InterprocessError) -> EventSet {
        try taker.wait(until: deadline, name: service.name)
    }

    /// A snapshot of this listener, as ``EventServiceState`` lists it.
    public var state: EventListenerState {
        EventListenerState.read(service.storage, index: seat.index)
            ?? EventListenerState(index: seat.index, process: QueueEndpointState(claimWord: seat.claim)!,
                                  pendingEventIDs: [], sleeping: false, inWaitSet: false, waitsTaken: 0)
    }
}

// A `~Copyable` endpoint has one owner at a time, which may hand it to another thread or task;
// its pointers point into the mapping its seat keeps alive.
extension Listener: @unchecked Sendable {}

/// Takes a listener's pending ids: the one place its pending words are read.
@usableFromInline
struct EventTaker: Sendable {
    @usableFromInline let entry: ListenerEntry
    @usableFromInline let eventWords: Int
    /// The bits of the last event word that name ids up to the maximum.
    @usableFromInline let lastWordMask: UInt64
    /// The service's mapping's truncation count: a wait on a segment a peer shrank (its words
    /// read as zeros that never change) ends in `truncated` instead of lasting for ever.
    let truncation: TruncationProbe

    init(_ storage: EventServiceStorage, entry: ListenerEntry) {
        self.entry = entry
        truncation = storage.segment.memory.truncationProbe
        eventWords = storage.geometry.eventWords
        let used = (storage.configuration.maximumEventID & 63) + 1
        lastWordMask = used == 64 ? .max : (UInt64(1) << UInt64(used)) &- 1
    }

    /// The ids pending, taken; nil when none.
    @inlinable
    func tryTake() -> EventSet? {
        // Summary first, then the words it names: a notifier sets a word's bit before the
        // summary's, so a bit set after the word was taken brings its summary bit back.
        // A load first: an empty look leaves the line notifiers write to alone.
        guard entry.summary.pointee.load(ordering: .sequentiallyConsistent) != 0 else { return nil }
        let summary = entry.summary.pointee.exchange(0, ordering: .sequentiallyConsistent)
        guard summary != 0 else { return nil }
        return take(summary)
    }

    /// Takes the words named in `summary`, ignoring bits no notifier sets (words past the
    /// count, ids past the maximum).
    @usableFromInline
    func take(_ summary: UInt64) -> EventSet? {
        var set = EventSet()
        var found = false
        var remaining = eventWords >= 64 ? summary : summary & ((UInt64(1) << UInt64(eventWords)) &- 1)
        while remaining != 0 {
            let word = remaining.trailingZeroBitCount
            remaining &= remaining &- 1
            var bits = entry.events(word).pointee.exchange(0, ordering: .acquiringAndReleasing)
            if word == eventWords &- 1 { bits &= lastWordMask }
            if bits != 0 {
                set.insert(word: word, bits: bits)
                found = true
            }
        }
        guard found else { return nil }
        entry.taken.pointee.wrappingAdd(1, ordering: .relaxed)
        return set
    }

    /// Blocks until ids come (see ``Listener/wait(until:)``).
    func wait(until deadline: Deadline, name: String) throws(InterprocessError) -> EventSet {
        for _ in 0..<FutexParking.spinLimit {
            if let set = tryTake() { return set }
            CPU.relax()
        }
        let parking = entry.parking
        let summary = entry.summary
        while true {
            if let set = tryTake() { return set }
            if deadline.hasPassed || truncation.pages != 0 { throw waitEnded(name) }
            parking.sleepOnce(until: deadline, whileBlocked: { summary.pointee.load(ordering: .sequentiallyConsistent) == 0 })
        }
    }

    /// Suspends until ids come, through the process's waiter thread.
    func wait(until deadline: Deadline, name: String) async throws(InterprocessError) -> EventSet {
        let operation = "wait for event service"
        try ProcessWaiter.checkCancellation(operation: operation, name: name)
        let parking = entry.parking
        let summary = UnsafeSendable(entry.summary)
        while true {
            if let set = tryTake() { return set }
            if truncation.pages != 0 { throw waitEnded(name) }
            let outcome = try await ProcessWaiter.shared.wait(
                on: parking, until: deadline, operation: operation, name: name,
                check: parking.blockedCheck(truncation: truncation.slot) { summary.value.pointee.load(ordering: .sequentiallyConsistent) == 0 })
            switch outcome {
            // Truncated: the loop's own check reports it, with the pages lost.
            case .acquired, .truncated: continue
            case .timedOut:
                if let set = tryTake() { return set }
                throw waitEnded(name)
            case .cancelled: try ProcessWaiter.requireAcquired(outcome, operation: operation, name: name)
            }
        }
    }

    /// The error of a wait that ended without ids: `truncated` when the segment was shrunk
    /// under this mapping, else `timedOut`.
    func waitEnded(_ name: String) -> InterprocessError {
        truncation.problem(operation: "wait for event service")
            ?? InterprocessError(.timedOut, operation: "wait for event service", name: name,
                                 reason: "no event was notified before the deadline")
    }
}

/// A listener's entry: owned by the ``Listener`` and by the ``WaitSet`` it is attached to, so
/// the entry goes only when the last of them does.
final class ListenerSeat: @unchecked Sendable {
    // @unchecked: `waitSet` changes under `lock`; everything else is immutable.
    let storage: EventServiceStorage
    let index: Int
    let claim: UInt64
    let entry: ListenerEntry
    /// The wait set the listener is attached to, if any.
    private let lock = ThreadLock<ObjectIdentifier?>(nil)

    init(_ storage: EventServiceStorage, index: Int, claim: UInt64) {
        self.storage = storage
        self.index = index
        self.claim = claim
        entry = ListenerEntry(storage.listener(index))
    }

    deinit {
        EventEntries.leaveListener(storage, index, claim: claim)
    }

    /// Directs notifiers' datagrams to `waitSet`'s socket (`nonce`), carrying `tag`: the tag is
    /// stored before the nonce, so a notifier that finds the nonce finds the tag.
    ///
    /// - Throws: `invalidArgument` when the listener is attached to another wait set.
    func attach(to waitSet: ObjectIdentifier, nonce: UInt64, tag: UInt64) throws(InterprocessError) {
        let attached: Bool = lock.withLock { current in
            guard current == nil || current == waitSet else { return false }
            current = waitSet
            entry.tag.pointee.store(tag, ordering: .releasing)
            entry.nonce.pointee.store(nonce, ordering: .sequentiallyConsistent)
            return true
        }
        guard attached else {
            throw InterprocessError(.invalidArgument, operation: "attach listener to wait set", name: storage.name,
                                    reason: "the listener is attached to another wait set; detach it there first")
        }
    }

    /// Stops notifiers' datagrams to `waitSet` (if the listener is still attached to it).
    func detach(from waitSet: ObjectIdentifier) {
        lock.withLock { current in
            guard current == waitSet else { return }
            current = nil
            entry.nonce.pointee.store(0, ordering: .sequentiallyConsistent)
        }
    }

    /// Asks notifiers for a datagram on the next notification, then looks for pending ids
    /// (store, then load, both sequentially consistent, against the notifier's set-then-
    /// exchange): either this sees the ids or a notifier sees the flag.
    func armAndCheck() -> Bool {
        entry.armed.pointee.store(1, ordering: .sequentiallyConsistent)
        return entry.summary.pointee.load(ordering: .sequentiallyConsistent) != 0
    }
}
#endif
