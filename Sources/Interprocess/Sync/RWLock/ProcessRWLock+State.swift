extension ProcessRWLock {
    /// A snapshot of a reader-writer lock, for tools and tests: its writer, its readers, its
    /// sleepers and whether the state it protects is trusted.
    public struct State: Sendable, Hashable, Codable {
        /// Whether the state the lock protects can be trusted.
        public enum Consistency: String, Sendable, Hashable, Codable {
            /// Normal.
            case consistent
            /// A writer took the exclusive side over from a dead one and has not yet called
            /// ``ProcessRWLock/markConsistent()``.
            case ownerDied
            /// A writer died and nobody repaired the state: every lock throws.
            case notRecoverable
        }

        /// One process holding the shared side.
        public struct Reader: Sendable, Hashable, Codable {
            /// The process, as its reader slot records it: the pid whole, the start time only in
            /// the low bits the slot keeps, the namespace only when it is the caller's.
            public var identity: ProcessIdentity
            /// How many shared holds it has.
            public var holds: Int
            /// Whether it is alive.
            public var liveness: ProcessIdentity.Liveness
        }

        /// The process holding (or taking) the exclusive side; nil when nobody does.
        public var writer: ProcessIdentity?
        /// Whether ``writer`` is alive; nil without a writer.
        public var writerLiveness: ProcessIdentity.Liveness?
        /// The processes holding the shared side.
        public var readers: [Reader]
        /// How many threads may sleep waiting for a release or for readers to leave: an upper
        /// bound, which counts waiters killed asleep.
        public var waiters: Int
        /// Whether the protected state is trusted.
        public var consistency: Consistency
    }

    /// A snapshot of the lock (see ``State``). Reads `/proc` to judge liveness; never blocks.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` for a consistency word no lock writes.
    public var state: State {
        get throws(InterprocessError) {
            let consistency: State.Consistency
            switch words.consistency.pointee.load(ordering: .acquiring) {
            case RWLockLayout.Consistency.consistent: consistency = .consistent
            case RWLockLayout.Consistency.ownerDied: consistency = .ownerDied
            case RWLockLayout.Consistency.notRecoverable: consistency = .notRecoverable
            case let other:
                throw InterprocessError(.corrupt, operation: "read reader-writer lock state", name: name,
                                        reason: "its consistency word is \(other); expected 0, 1 or 2")
            }
            let owner = words.owner.pointee.load(ordering: .acquiring)
            var readers: [State.Reader] = []
            for index in 0..<RWLockLayout.slotCount {
                let slot = words.slot(index).pointee.load(ordering: .relaxed)
                guard slot != 0 else { continue }
                readers.append(State.Reader(identity: PackedProcessIdentity.readerSlot.identity(of: slot),
                                            holds: Int(slot & RWLockOwnerTag.countMask),
                                            liveness: PackedProcessIdentity.readerSlot.liveness(of: slot)))
            }
            let sleepers = Int(words.releaseSleepers.pointee.load(ordering: .relaxed))
                &+ Int(words.drainSleepers.pointee.load(ordering: .relaxed))
            return State(writer: owner == 0 ? nil : exclusiveOwner,
                         writerLiveness: owner == 0 ? nil : PackedProcessIdentity.claimWord.liveness(of: owner),
                         readers: readers, waiters: sleepers, consistency: consistency)
        }
    }
}
