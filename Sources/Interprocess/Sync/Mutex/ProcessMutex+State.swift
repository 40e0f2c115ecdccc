extension ProcessMutex {
    /// A snapshot of a mutex, for tools and tests (`interprocess inspect` prints it): who holds
    /// it, whether that process lives, how deep it holds it, whether anyone sleeps on it, and
    /// whether the state it protects is trusted.
    ///
    /// Read without the lock: it may be stale as soon as it is returned.
    public struct State: Sendable, Hashable, Codable {
        /// Whether the state the mutex protects can be trusted.
        public enum Consistency: String, Sendable, Hashable, Codable {
            /// Normal.
            case consistent
            /// Held by a process that took it over from a dead owner and has not yet called
            /// ``ProcessMutex/markConsistent()``.
            case ownerDied
            /// An owner died and nobody repaired the state: every lock throws.
            case notRecoverable
        }

        /// The holding process as its owner record names it; nil when the mutex is free, or held
        /// by a thread that has not recorded itself yet (a few instructions after taking it).
        public var owner: ProcessIdentity?
        /// Whether ``owner`` is alive (``ProcessIdentity/liveness``); nil without an owner.
        public var ownerLiveness: ProcessIdentity.Liveness?
        /// The holding thread's id (in the owner's pid namespace); nil when free.
        public var ownerThread: UInt32?
        /// How many times the owner holds it: 0 when free, more than 1 only for a recursive mutex.
        public var depth: UInt32
        /// Whether a waiter may sleep on it (the lock word's waiters bit; it may linger after
        /// the last waiter left).
        public var hasWaiters: Bool
        /// Whether the protected state is trusted.
        public var consistency: Consistency
        /// Whether the same thread may lock it again.
        public var isRecursive: Bool
    }

    /// A snapshot of the mutex (see ``State``). Reads `/proc` to judge the owner's liveness;
    /// never blocks, never takes the lock.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` for a lock word no mutex writes.
    public var state: State {
        get throws(InterprocessError) {
            let word = self.word.pointee.load(ordering: .acquiring)
            let record = ownerRecord
            var state = State(owner: nil, ownerLiveness: nil, ownerThread: nil, depth: 0,
                              hasWaiters: word & LockWord.waitersBit != 0, consistency: .consistent, isRecursive: isRecursive)
            switch try lockWordState(word, operation: "read mutex state") {
            case .free:
                break
            case .notRecoverable:
                state.consistency = .notRecoverable
            case .held(let thread, let inconsistent):
                state.ownerThread = thread
                state.consistency = inconsistent ? .ownerDied : .consistent
                state.depth = record.depth
                // Only a record that names the lock word's thread describes this holder.
                if record.thread == thread, record.pid > 0 {
                    state.owner = record.identity
                    state.ownerLiveness = record.identity.liveness
                }
            }
            return state
        }
    }
}
