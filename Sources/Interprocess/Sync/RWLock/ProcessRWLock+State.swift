#if os(Linux)
extension ProcessRWLock {
    /// A snapshot of a reader-writer lock, for tools and tests: the writer, every reader process
    /// with its hold count, whether an owner's death left it to be repaired, and the sleepers.
    ///
    /// ```swift
    /// let state = try lock.state
    /// print("writer: \(state.writer.map(String.init(describing:)) ?? "none"), \(state.readers.count) reader processes")
    /// ```
    public struct State: Sendable, Hashable, Codable {
        /// Whether the lock is usable, and whether its state awaits repair.
        public typealias Consistency = LockConsistency

        /// A process holding the shared side (one reader slot).
        public struct Reader: Sendable, Hashable, Codable {
            /// The reader process. The slot keeps only the low bits of its start time, and its
            /// pid namespace only when it is this process's.
            public var identity: ProcessIdentity
            /// Whether it is alive, judged from `/proc`.
            public var liveness: ProcessIdentity.Liveness
            /// How many shared holds it has.
            public var holds: Int
            /// Its slot's index.
            public var slot: Int

            /// Makes a reader entry (for tests of tools that print one).
            public init(identity: ProcessIdentity, liveness: ProcessIdentity.Liveness, holds: Int, slot: Int) {
                self.identity = identity
                self.liveness = liveness
                self.holds = holds
                self.slot = slot
            }
        }

        /// The process holding the exclusive side, or nil.
        public var writer: ProcessIdentity?
        /// Whether ``writer`` is alive (nil without a writer).
        public var writerLiveness: ProcessIdentity.Liveness?
        /// The processes holding the shared side, by slot.
        public var readers: [Reader]
        /// Whether the lock is usable.
        public var consistency: Consistency
        /// How many processes may sleep waiting for the lock to be released (too high by one
        /// for each killed asleep).
        public var releaseWaiters: Int
        /// How many writers may sleep waiting for readers to leave.
        public var drainWaiters: Int

        /// Makes a snapshot (for tests of tools that print one).
        public init(writer: ProcessIdentity?, writerLiveness: ProcessIdentity.Liveness?, readers: [Reader],
                    consistency: Consistency, releaseWaiters: Int, drainWaiters: Int) {
            self.writer = writer
            self.writerLiveness = writerLiveness
            self.readers = readers
            self.consistency = consistency
            self.releaseWaiters = releaseWaiters
            self.drainWaiters = drainWaiters
        }
    }

    /// The lock's state right now: atomic loads of its words (and `/proc` reads to judge
    /// liveness); never blocks, never locks.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` for a consistency word no lock writes, or a
    ///   reader slot naming a process with no holds (another process wrote them).
    public var state: State {
        get throws(InterprocessError) {
            let operation = "read the state of reader-writer lock"
            let consistency: State.Consistency
            switch words.consistency.pointee.load(ordering: .acquiring) {
            case RWLockLayout.Consistency.consistent: consistency = .consistent
            case RWLockLayout.Consistency.ownerDied: consistency = .ownerDied
            case RWLockLayout.Consistency.notRecoverable: consistency = .notRecoverable
            case let value:
                throw InterprocessError(.corrupt, operation: operation, name: name,
                                        reason: "its consistency word holds \(value); a lock writes 0, 1 or 2")
            }
            let ownerWord = words.owner.pointee.load(ordering: .acquiring)
            let writer = ownerWord == 0 ? nil : RWLockOwnerTag.identity(
                of: ownerWord, recordedStartTime: words.ownerStartTime.pointee.load(ordering: .relaxed))
            var readers: [State.Reader] = []
            for index in 0..<RWLockLayout.slotCount {
                let word = words.slot(index).pointee.load(ordering: .relaxed)
                guard word != 0 else { continue }
                let holds = Int(word & RWLockOwnerTag.countMask)
                guard holds > 0 else {
                    throw InterprocessError(.corrupt, operation: operation, name: name,
                                            reason: "reader slot \(index) holds 0x\(String(word, radix: 16)): a process with no holds")
                }
                readers.append(State.Reader(identity: PackedProcessIdentity.readerSlot.identity(of: word),
                                            liveness: PackedProcessIdentity.readerSlot.liveness(of: word),
                                            holds: holds, slot: index))
            }
            return State(writer: writer, writerLiveness: ownerWord == 0 ? nil : PackedProcessIdentity.claimWord.liveness(of: ownerWord),
                         readers: readers, consistency: consistency,
                         releaseWaiters: Int(words.releaseSleepers.pointee.load(ordering: .relaxed)),
                         drainWaiters: Int(words.drainSleepers.pointee.load(ordering: .relaxed)))
        }
    }
}
#endif
