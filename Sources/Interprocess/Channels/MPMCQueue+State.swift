#if os(Linux)
import Synchronization

extension MPMCQueue {
    /// A snapshot of a queue's shared words, for tools (`interprocess inspect`) and tests. Read
    /// without stopping the endpoints, so the fields may be from slightly different moments.
    ///
    /// MPMC endpoints are not registered in the queue (any number may exist), so the snapshot
    /// names no processes; it counts parked ones instead. Only what follows from words that
    /// hold together is derived: for positions no queue can have, ``depth`` is nil and
    /// ``problem`` says why.
    ///
    /// ```swift
    /// let state = try MPMCQueue(open: "jobs").state
    /// print(state.depth ?? -1, state.skippedRecords, state.redeliveredRecords)
    /// ```
    public struct State: Sendable, Hashable, Codable {
        /// How many records the queue holds.
        public var slotCount: Int
        /// The largest record accepted, in bytes.
        public var slotSize: Int
        /// The next position producers claim.
        public var tail: UInt64
        /// The next position consumers receive.
        public var head: UInt64
        /// Positions claimed by producers and not yet claimed by consumers (published, or being
        /// written), or nil when `tail` and `head` cannot be right. Either index may lag by a
        /// claim in progress, so this is a count as of a moment, not exact under traffic.
        public var depth: Int?
        /// Producers parked (or about to park) waiting for room.
        public var producersWaiting: UInt32
        /// Consumers parked (or about to park) waiting for a record.
        public var consumersWaiting: UInt32
        /// Slots whose producer died before publishing them, skipped by consumers so far.
        public var skippedRecords: UInt64
        /// Records that a consumer was reading when it died, delivered again so far.
        public var redeliveredRecords: UInt64
        /// Why a derived field is missing: a word no correct queue holds. Nil when all is well.
        public var problem: String?
    }

    /// A snapshot of the queue's shared words (see ``State``). Never traps and never fails:
    /// hostile values are reported, not trusted.
    public var state: State {
        let tail = mapping.word64(MPMCLayout.tailOffset).pointee.load(ordering: .acquiring)
        let head = mapping.word64(MPMCLayout.headOffset).pointee.load(ordering: .acquiring)
        let distance = tail &- head
        // A lagging index may put head a few positions past tail for a moment; more than a lap
        // either way is no queue's state.
        let slots = UInt64(truncatingIfNeeded: slotCount)
        let problem: String? = if tail > MPMCLayout.positionMask || head > MPMCLayout.positionMask {
            "its tail \(tail) or head \(head) is past the largest position (2^62 - 1)"
        } else if distance > slots && (0 &- distance) > slots {
            "its tail \(tail) and head \(head) are more than \(slotCount) positions apart"
        } else {
            nil
        }
        return State(
            slotCount: slotCount,
            slotSize: slotSize,
            tail: tail,
            head: head,
            depth: problem == nil ? (distance <= slots ? Int(truncatingIfNeeded: distance) : 0) : nil,
            producersWaiting: mapping.word32(MPMCLayout.producersWaitingOffset).pointee.load(ordering: .relaxed),
            consumersWaiting: mapping.word32(MPMCLayout.consumersWaitingOffset).pointee.load(ordering: .relaxed),
            skippedRecords: mapping.skippedRecords,
            redeliveredRecords: mapping.redeliveredRecords,
            problem: mapping.storage.truncationProblem(operation: "inspect queue")?.reason ?? problem)
    }
}
#endif
