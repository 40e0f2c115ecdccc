#if os(Linux)
import Synchronization

extension ByteStream {
    /// A snapshot of a stream's shared words, for tools (`interprocess inspect`) and tests.
    /// Read without stopping the endpoints, so the fields may be from slightly different moments.
    ///
    /// ```swift
    /// let state = try ByteStream(open: "frames").state
    /// print(state.depth ?? -1, state.writer?.liveness ?? "none")
    /// ```
    public struct State: Sendable, Hashable, Codable {
        /// The ring's size in bytes.
        public var capacity: Int
        /// Bytes ever committed by writers (the ring offset is `written % capacity`).
        public var written: UInt64
        /// Bytes ever consumed by readers.
        public var read: UInt64
        /// Bytes written and not yet read, or nil when the indices cannot be right.
        public var depth: Int?
        /// The process holding the writer's place, if any.
        public var writer: QueueEndpointState?
        /// The process holding the reader's place, if any.
        public var reader: QueueEndpointState?
        /// Whether the writer is parked waiting for room (a dead writer may leave it set).
        public var writerSleeping: Bool
        /// Whether the reader is parked waiting for data.
        public var readerSleeping: Bool
        /// Whether a writer finished the stream (end of stream) and none was made since.
        public var finished: Bool
        /// Why a derived field is missing: a word no correct stream holds. Nil when all is well.
        public var problem: String?
    }

    /// A snapshot of the stream's shared words (see ``State``). Never traps and never fails:
    /// hostile values are reported, not trusted.
    public var state: State {
        let written = storage.word64(ByteStreamLayout.writtenOffset).pointee.load(ordering: .acquiring)
        let read = storage.word64(ByteStreamLayout.readOffset).pointee.load(ordering: .acquiring)
        let valid = storage.indicesAreValid(written: written, read: read)
        return State(
            capacity: capacity,
            written: written,
            read: read,
            depth: valid ? Int(truncatingIfNeeded: written &- read) : nil,
            writer: QueueEndpointState(claimWord: storage.word64(ByteStreamLayout.writerOwnerOffset).pointee.load(ordering: .relaxed)),
            reader: QueueEndpointState(claimWord: storage.word64(ByteStreamLayout.readerOwnerOffset).pointee.load(ordering: .relaxed)),
            writerSleeping: storage.word32(ByteStreamLayout.writerSleepingOffset).pointee.load(ordering: .relaxed) != 0,
            readerSleeping: storage.word32(ByteStreamLayout.readerSleepingOffset).pointee.load(ordering: .relaxed) != 0,
            finished: storage.word32(ByteStreamLayout.finishedOffset).pointee.load(ordering: .relaxed) != 0,
            problem: storage.truncationProblem(operation: "inspect byte stream")?.reason
                ?? (valid ? nil : storage.indexError(written: written, read: read, operation: "inspect byte stream").reason))
    }
}
#endif
