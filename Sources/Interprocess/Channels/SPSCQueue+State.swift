#if os(Linux)
import Synchronization

extension SPSCQueue {
    /// A snapshot of a queue's shared words, for tools (`interprocess inspect`) and tests. Read
    /// without stopping the endpoints, so the fields may be from slightly different moments.
    ///
    /// Every word is read as it is, and only what follows from words that hold together is
    /// derived: for indices no queue can have, ``depth`` is nil and ``problem`` says why.
    ///
    /// ```swift
    /// let state = try SPSCQueue(open: "ticks").state
    /// print(state.depth ?? -1, state.producer?.liveness ?? "none")
    /// ```
    public struct State: Sendable, Hashable, Codable {
        /// The ring's size in bytes.
        public var capacity: Int
        /// The largest record accepted, in bytes.
        public var maximumRecordSize: Int
        /// Bytes ever published by producers (the producer's index; the ring offset is
        /// `tail % capacity`).
        public var tail: UInt64
        /// Bytes ever released by consumers (the consumer's index).
        public var head: UInt64
        /// Bytes published and not yet released (records, their headers and padding), or nil
        /// when `tail` and `head` cannot be right. SPSC records vary in size, so the number of
        /// records is not known without reading them.
        public var depth: Int?
        /// The process holding the producer's place, if any (a dead one's place is free).
        public var producer: QueueEndpointState?
        /// The process holding the consumer's place, if any.
        public var consumer: QueueEndpointState?
        /// Whether the producer is parked waiting for room (its flag; a dead producer may
        /// leave it set).
        public var producerSleeping: Bool
        /// Whether the consumer is parked waiting for a record.
        public var consumerSleeping: Bool
        /// Why a derived field is missing: a word no correct queue holds. Nil when all is well.
        public var problem: String?
    }

    /// A snapshot of the queue's shared words (see ``State``). Never traps and never fails:
    /// hostile values are reported, not trusted.
    public var state: State {
        let tail = mapping.word64(SPSCLayout.tailOffset).pointee.load(ordering: .acquiring)
        let head = mapping.word64(SPSCLayout.headOffset).pointee.load(ordering: .acquiring)
        let valid = mapping.indicesAreValid(tail: tail, head: head)
        return State(
            capacity: capacity,
            maximumRecordSize: maximumRecordSize,
            tail: tail,
            head: head,
            depth: valid ? Int(truncatingIfNeeded: tail &- head) : nil,
            producer: QueueEndpointState(claimWord: mapping.word64(SPSCLayout.producerOwnerOffset).pointee.load(ordering: .relaxed)),
            consumer: QueueEndpointState(claimWord: mapping.word64(SPSCLayout.consumerOwnerOffset).pointee.load(ordering: .relaxed)),
            producerSleeping: mapping.word32(SPSCLayout.producerSleepingOffset).pointee.load(ordering: .relaxed) != 0,
            consumerSleeping: mapping.word32(SPSCLayout.consumerSleepingOffset).pointee.load(ordering: .relaxed) != 0,
            problem: mapping.storage.truncationProblem(operation: "inspect queue")?.reason
                ?? (valid ? nil : mapping.indexError(tail: tail, head: head, headName: "head", operation: "inspect queue").reason))
    }
}
#endif
