#if os(Linux)
import Synchronization

extension BroadcastStream {
    /// A snapshot of a stream's shared words, for tools (`interprocess inspect`) and tests. Read
    /// without stopping the writer, so the fields may be from slightly different moments.
    /// Readers are not recorded anywhere (they write nothing), so they are not listed.
    ///
    /// ```swift
    /// let state = BroadcastStream(open: "quotes").state
    /// print(state.nextSequence, state.writer?.liveness ?? "none")
    /// ```
    public struct State: Sendable, Hashable, Codable {
        /// The ring's size in bytes.
        public var capacity: Int
        /// The largest record accepted, in bytes.
        public var maximumRecordSize: Int
        /// Bytes ever published (the ring offset is `tail % capacity`).
        public var tail: UInt64
        /// The end of the bytes the writer may be writing (equal to `tail` between records).
        public var tailIntent: UInt64
        /// The position of the latest whole record, or nil before the first.
        public var latest: UInt64?
        /// The position of the oldest record not yet overwritten (a hint readers check).
        public var oldest: UInt64
        /// The sequence number the next record gets (the number of records ever published).
        public var nextSequence: UInt64
        /// The process holding the writer's place, if any.
        public var writer: QueueEndpointState?
        /// How many readers are (about to be) parked waiting for a record.
        public var parkedReaders: UInt32
        /// Why the positions cannot be right, or nil when all is well.
        public var problem: String?
    }

    /// A snapshot of the stream's shared words (see ``State``). Never traps and never fails:
    /// hostile values are reported in ``State/problem``, not trusted.
    public var state: State {
        let word = { (offset: Int) in mapping.word64(offset).pointee.load(ordering: .acquiring) }
        let tail = word(BroadcastLayout.tailOffset), intent = word(BroadcastLayout.intentOffset)
        let latest = word(BroadcastLayout.latestOffset), oldest = word(BroadcastLayout.oldestOffset)
        let capacity = UInt64(truncatingIfNeeded: mapping.capacity)
        var problem: String?
        if (tail | intent | oldest) & 7 != 0 {
            problem = "a position is not a multiple of 8 (tail \(tail), tail intent \(intent), oldest \(oldest))"
        } else if intent &- tail > capacity {
            problem = "its tail intent \(intent) is not within a ring (\(capacity) bytes) ahead of its tail \(tail)"
        } else if tail &- oldest > capacity {
            problem = "its oldest record \(oldest) is not within a ring behind its tail \(tail)"
        }
        return State(
            capacity: mapping.capacity, maximumRecordSize: mapping.maximumRecordSize,
            tail: tail, tailIntent: intent,
            latest: latest == BroadcastLayout.none ? nil : latest, oldest: oldest,
            nextSequence: word(BroadcastLayout.sequenceOffset),
            writer: QueueEndpointState(claimWord: mapping.word64(BroadcastLayout.writerOwnerOffset).pointee.load(ordering: .relaxed)),
            parkedReaders: mapping.word32(BroadcastLayout.parkedReadersOffset).pointee.load(ordering: .relaxed),
            problem: mapping.storage.truncationProblem(operation: "inspect broadcast stream")?.reason ?? problem)
    }
}
#endif
