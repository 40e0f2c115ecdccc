#if os(Linux)
import Synchronization

extension MessageQueue {
    /// A snapshot of a queue's shared words, for tools (`interprocess inspect`) and tests. Read
    /// without taking the lock, so the fields may be from slightly different moments.
    ///
    /// Senders and receivers are not registered (any number may come and go), so the snapshot
    /// names the lock's holder and counts parked processes instead.
    ///
    /// ```swift
    /// let state = try MessageQueue(open: "jobs").state
    /// print(state.count, "of", state.capacity, state.lockOwner?.pid ?? 0)
    /// ```
    public struct State: Sendable, Hashable, Codable {
        /// The most messages the queue holds.
        public var capacity: Int
        /// The largest message accepted, in bytes.
        public var maximumSize: Int
        /// Messages in the queue (the raw word; see ``problem``).
        public var count: UInt32
        /// The sequence number the next message gets (one more than the messages ever sent).
        public var nextSequence: UInt64
        /// Senders parked (or about to park) waiting for room.
        public var sendersWaiting: UInt32
        /// Receivers parked (or about to park) waiting for a message.
        public var receiversWaiting: UInt32
        /// The process holding the lock now, if any.
        public var lockOwner: ProcessIdentity?
        /// Whether ``lockOwner`` is alive.
        public var lockOwnerLiveness: ProcessIdentity.Liveness?
        /// How many times a process rebuilt the queue's order after a holder of the lock died.
        public var repairs: UInt64
        /// Why a field cannot be trusted: a word no correct queue holds. Nil when all is well.
        public var problem: String?
    }

    /// A snapshot of the queue's shared words (see ``State``). Never traps and never fails:
    /// hostile values are reported in ``State/problem``, not trusted.
    public var state: State {
        let count = mapping.count.pointee.load(ordering: .acquiring)
        var problem: String? = count > UInt32(truncatingIfNeeded: capacity) ? "its count \(count) is above its capacity \(capacity)" : nil
        let lock: ProcessMutex.State?
        do throws(InterprocessError) {
            lock = try mapping.lock.state
        } catch {
            lock = nil
            problem = problem ?? "its lock is unreadable: \(error.reason)"
        }
        return State(
            capacity: capacity,
            maximumSize: maximumSize,
            count: count,
            nextSequence: mapping.word64(MessageQueueLayout.nextSequenceOffset).pointee.load(ordering: .relaxed),
            sendersWaiting: mapping.sendersWaiting.pointee.load(ordering: .relaxed),
            receiversWaiting: mapping.receiversWaiting.pointee.load(ordering: .relaxed),
            lockOwner: lock?.owner,
            lockOwnerLiveness: lock?.ownerLiveness,
            repairs: mapping.word64(MessageQueueLayout.repairsOffset).pointee.load(ordering: .relaxed),
            problem: mapping.storage.truncationProblem(operation: "inspect queue")?.reason ?? problem)
    }
}
#endif
