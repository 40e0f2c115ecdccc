#if os(Linux)
extension ProcessMutex {
    /// A snapshot of a mutex, for tools and tests: who holds it, whether that process is alive,
    /// how deep, and whether an owner's death left it to be repaired.
    ///
    /// ```swift
    /// let state = try mutex.state
    /// if let owner = state.owner, state.ownerLiveness == .dead { print("\(owner) died holding it") }
    /// ```
    ///
    /// Read without the lock: another process may change the mutex as soon as it is taken.
    public struct State: Sendable, Hashable, Codable {
        /// Whether the lock is usable, and whether its state awaits repair.
        public typealias Consistency = LockConsistency

        /// Whether some thread holds the lock.
        public var isLocked: Bool
        /// The holding process as it recorded itself; nil when free, or in the few instructions
        /// between an acquisition and its record.
        public var owner: ProcessIdentity?
        /// Whether ``owner`` is alive, judged from `/proc` (nil without an owner).
        public var ownerLiveness: ProcessIdentity.Liveness?
        /// The holding thread's id (in the owner's pid namespace), from the lock word; nil when free.
        public var ownerThread: UInt32?
        /// How many times the owner holds it (0 when free; more than 1 only for a recursive mutex).
        public var depth: Int
        /// Whether the lock is usable.
        public var consistency: Consistency
        /// Whether a waiter may be asleep on the lock word.
        public var hasWaiters: Bool
        /// Whether the owning thread may lock it again.
        public var isRecursive: Bool

        /// Makes a snapshot (for tests of tools that print one).
        public init(isLocked: Bool, owner: ProcessIdentity?, ownerLiveness: ProcessIdentity.Liveness?, ownerThread: UInt32?,
                    depth: Int, consistency: Consistency, hasWaiters: Bool, isRecursive: Bool) {
            self.isLocked = isLocked
            self.owner = owner
            self.ownerLiveness = ownerLiveness
            self.ownerThread = ownerThread
            self.depth = depth
            self.consistency = consistency
            self.hasWaiters = hasWaiters
            self.isRecursive = isRecursive
        }
    }

    /// The mutex's state right now. Reads the lock word and the owner record (and `/proc`, to
    /// judge the owner's liveness): never blocks, never locks, but is not a hot-path call.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` when the lock word holds a value no mutex
    ///   writes (another process wrote it).
    public var state: State {
        get throws(InterprocessError) {
            let value = word.pointee.load(ordering: .acquiring)
            let lockState = try lockWordState(value, operation: "read the state of mutex")
            let record = ownerRecord
            let owner = record.pid == 0 ? nil : record.identity
            let hasWaiters = value & LockWord.waitersBit != 0
            switch lockState {
            case .free:
                return State(isLocked: false, owner: nil, ownerLiveness: nil, ownerThread: nil, depth: 0,
                             consistency: .consistent, hasWaiters: hasWaiters, isRecursive: isRecursive)
            case .held(let thread, let inconsistent):
                return State(isLocked: true, owner: owner, ownerLiveness: owner?.liveness, ownerThread: thread,
                             depth: Int(record.depth), consistency: inconsistent ? .ownerDied : .consistent,
                             hasWaiters: hasWaiters, isRecursive: isRecursive)
            case .notRecoverable:
                return State(isLocked: false, owner: nil, ownerLiveness: nil, ownerThread: nil, depth: 0,
                             consistency: .notRecoverable, hasWaiters: hasWaiters, isRecursive: isRecursive)
            }
        }
    }
}
#endif
