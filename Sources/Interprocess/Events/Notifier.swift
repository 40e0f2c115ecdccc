#if os(Linux)
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A process that signals event ids to every ``Listener`` of an ``EventService``.
///
/// ```swift
/// let notifier = try Notifier(service: EventService(open: "jobs"))
/// try notifier.notify(EventID(3))
/// ```
///
/// ``notify(_:)-(EventID)`` never blocks and allocates nothing (but when it judges a listener that left
/// ids pending, at most every 100 ms per listener): for each attached listener it sets the
/// id's bit in the listener's pending words, and makes a system call only for a listener that
/// sleeps (a `FUTEX_WAKE` for a blocked or async wait, one datagram to the ``WaitSet`` of a
/// listener in one). A listener whose process died is skipped and its place reclaimed.
public struct Notifier: ~Copyable {
    /// The service this notifier signals.
    public let service: EventService
    let index: Int
    let claim: UInt64
    /// The process's shared unbound datagram socket that wake datagrams are sent from (-1 when
    /// none could be made): one hot socket for every notifier, where a socket per notifier made
    /// each send to one of many services touch a cold socket and a cold descriptor.
    let sharedSender: Int32
    /// This notifier's own sender: used when the shared one fails (its buffer full, or
    /// none could be made), and while it was last found full.
    let sender: Int32
    /// Per listener entry: when this notifier last judged its process (monotonic ns), so that
    /// a listener that does not keep up costs a look at `/proc` at most every 100 ms.
    let judgedAt: UnsafeMutablePointer<UInt64>
    let count: UnsafeMutablePointer<Atomic<UInt64>>

    /// How often a notifier judges the process of a listener that leaves ids pending.
    static let judgeInterval: UInt64 = 100_000_000

    /// Attaches a notifier to `service`.
    ///
    /// - Throws: `resourceLimit` when ``EventServiceConfiguration/maximumNotifiers`` live
    ///   notifiers are attached (dead ones' places are taken over), or no socket could be made.
    public init(service: EventService) throws(InterprocessError) {
        let storage = service.storage
        let index = try EventEntries.joinNotifier(storage)
        let claim = EndpointClaim.word(for: .current)
        do throws(InterprocessError) {
            sender = try WakeSocket.make(nonce: 0, operation: "make notifier of event service", name: storage.name)
        } catch {
            EventEntries.leaveNotifier(storage, index, claim: claim)
            throw error
        }
        sharedSender = WakeSocket.sharedSender
        self.service = service
        self.index = index
        self.claim = claim
        judgedAt = .allocate(capacity: storage.configuration.maximumListeners)
        judgedAt.initialize(repeating: 0, count: storage.configuration.maximumListeners)
        count = EventEntries.notifierCount(storage, index)
    }

    deinit {
        close(sender)
        judgedAt.deallocate()
        EventEntries.leaveNotifier(service.storage, index, claim: claim)
    }

    /// Signals `id` to every listener attached now. Never blocks.
    ///
    /// The id's bit is set with a sequentially consistent read-modify-write, then each sleeper
    /// flag is loaded (the waker's half of the parking handshake in `docs/FORMAT.md`): a
    /// listener either sees the id before it sleeps, or is woken.
    ///
    /// - Throws: `invalidArgument` for an id outside 0...``EventServiceConfiguration/maximumEventID``.
    public func notify(_ id: EventID) throws(InterprocessError) {
        let storage = service.storage
        let maximum = storage.configuration.maximumEventID
        guard id.rawValue >= 0, id.rawValue <= maximum else {
            throw InterprocessError(.invalidArgument, operation: "notify event service", name: storage.name,
                                    reason: "event id \(id.rawValue) is outside 0...\(maximum) (maximumEventID)")
        }
        let word = id.rawValue >> 6
        let bit = UInt64(1) << UInt64(id.rawValue & 63)
        let summaryBit = UInt64(1) << UInt64(word)
        let listeners = storage.configuration.maximumListeners
        for occupancyIndex in 0..<storage.geometry.occupancyWords {
            var bits = storage.occupancy(occupancyIndex).pointee.load(ordering: .sequentiallyConsistent)
            while bits != 0 {
                let index = occupancyIndex &* 64 &+ bits.trailingZeroBitCount
                bits &= bits &- 1
                // A bit past the limit was written by a peer: there is no such entry.
                guard index < listeners else { break }
                let entry = ListenerEntry(storage.listener(index))
                let holder = entry.claim.pointee.load(ordering: .acquiring)
                guard holder != 0 else { continue }
                let before = entry.events(word).pointee.bitwiseOr(bit, ordering: .sequentiallyConsistent).oldValue
                entry.summary.pointee.bitwiseOr(summaryBit, ordering: .sequentiallyConsistent)
                if FutexParking.mayHaveSleepers(entry.waiters) {
                    entry.futex.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
                    Futex.wake(UnsafeMutablePointer(OpaquePointer(entry.futex)))
                }
                var refused = false
                if entry.armed.pointee.load(ordering: .sequentiallyConsistent) != 0,
                   entry.armed.pointee.exchange(0, ordering: .sequentiallyConsistent) != 0 {
                    // The tag is stored before the nonce: the nonce found, its tag is found.
                    let nonce = entry.nonce.pointee.load(ordering: .acquiring)
                    if nonce != 0, case .refused = wake(nonce, tag: entry.tag.pointee.load(ordering: .acquiring)) {
                        refused = true
                    }
                }
                // Pending already, or a socket gone: the listener may be dead.
                if before & bit != 0 || refused { judge(index, holder: holder) }
            }
        }
        count.pointee.wrappingAdd(1, ordering: .relaxed)
    }

    /// Sends a wake datagram from the shared socket, or from this notifier's own when the shared
    /// one fails: its send buffer is charged with the datagrams that every wait set this
    /// process woke has not read yet, so a few stalled wait sets could fill it and a healthy one
    /// would lose its wake-up. When the own socket then sends, the shared buffer was full (not
    /// the wait set's queue), and every notifier of the process skips the shared socket for
    /// ``WakeSocket/sharedSenderBackoff`` instead of paying a failing call per datagram.
    @inline(__always)
    func wake(_ nonce: UInt64, tag: UInt64) -> WakeSocket.Delivery {
        guard sharedSender >= 0 else { return WakeSocket.send(from: sender, to: nonce, tag: tag) }
        let fullUntil = WakeSocket.sharedSenderFullUntil.load(ordering: .relaxed)
        // The clock is read only while the shared socket was last found full.
        if fullUntil != 0, Deadline.now.nanoseconds < fullUntil { return WakeSocket.send(from: sender, to: nonce, tag: tag) }
        let delivery = WakeSocket.send(from: sharedSender, to: nonce, tag: tag)
        switch delivery {
        case .sent, .refused:
            if fullUntil != 0 { WakeSocket.sharedSenderFullUntil.store(0, ordering: .relaxed) }
            return delivery
        case .full, .failed:
            let own = WakeSocket.send(from: sender, to: nonce, tag: tag)
            if case .sent = own {
                WakeSocket.sharedSenderFullUntil.store(Deadline.now.nanoseconds &+ WakeSocket.sharedSenderBackoff, ordering: .relaxed)
            }
            return own
        }
    }

    /// Frees listener entry `index` if its holder is dead; at most every ``judgeInterval`` per entry.
    func judge(_ index: Int, holder: UInt64) {
        let now = Deadline.now.nanoseconds
        guard now &- judgedAt[index] >= Notifier.judgeInterval else { return }
        judgedAt[index] = now
        if EndpointClaim.isDead(holder) { EventEntries.reclaimListener(service.storage, index, dead: holder) }
    }

    /// Signals each of `ids` (see ``notify(_:)-(EventID)``).
    public func notify(_ ids: some Sequence<EventID>) throws(InterprocessError) {
        for id in ids { try notify(id) }
    }

    /// How many notifications this notifier sent.
    public var notificationCount: UInt64 { count.pointee.load(ordering: .relaxed) }
}

// A `~Copyable` endpoint has one owner at a time, which may hand it to another thread or task;
// its pointers point into the mapping its service value keeps alive.
extension Notifier: @unchecked Sendable {}
#endif
