#if os(Linux)
import Synchronization

extension Blackboard {
    /// A snapshot of a board, for tools (`interprocess inspect`, `interprocess services`) and
    /// tests: its entries with their versions, its writer and its sleeping readers. Read without
    /// stopping the writer, so the fields may be from slightly different moments. Readers write
    /// nothing to the board, so they are not listed.
    ///
    /// ```swift
    /// let state = try Blackboard(open: "robot").state
    /// print(state.writer?.liveness ?? "no writer", state.entries.map(\.version))
    /// ```
    public struct State: Sendable, Hashable, Codable {
        /// One entry: its configuration and how many times it was written.
        public struct EntryState: Sendable, Hashable, Codable {
            /// The entry as configured.
            public var entry: Entry
            /// Its version: how many times it was written (0: never).
            public var version: UInt64
        }

        /// The entries, in the board's order.
        public var entries: [EntryState]
        /// Copies kept per entry.
        public var copies: Int
        /// Writes ever, all entries together.
        public var changeCount: UInt64
        /// The process holding the writer's place, if any.
        public var writer: QueueEndpointState?
        /// How many readers are (about to be) asleep waiting for a change.
        public var sleepingReaders: UInt32
        /// Why a word cannot be right, or nil when all is well.
        public var problem: String?
    }

    /// A snapshot of the board (see ``State``). Never traps and never fails: an entry whose
    /// version names a copy whose stamp no write leaves is reported in ``State/problem``.
    public var state: State {
        var problems: [String] = mapping.storage.truncationProblem(operation: "inspect blackboard").map { [$0.reason] } ?? []
        var entries: [State.EntryState] = []
        for (index, entry) in mapping.entries.enumerated() {
            let line = mapping.dataOffsets[index]
            let version = mapping.word64(line).pointee.load(ordering: .acquiring)
            if version != 0 {
                let slot = line + BlackboardLayout.versionLineSize + (Int(truncatingIfNeeded: version) & (copies - 1)) * BlackboardLayout.copyStride(entry.size)
                let stamp = mapping.word64(slot).pointee.load(ordering: .acquiring)
                let write = stamp >> 1
                if write < version || (write &- version) & UInt64(copies - 1) != 0 {
                    problems.append("entry \(entry.key)'s version \(version) names a copy stamped \(stamp)")
                }
            }
            entries.append(State.EntryState(entry: entry, version: version))
        }
        return State(
            entries: entries, copies: copies,
            changeCount: mapping.word64(BlackboardLayout.changeCountOffset).pointee.load(ordering: .acquiring),
            writer: QueueEndpointState(claimWord: mapping.word64(BlackboardLayout.writerOwnerOffset).pointee.load(ordering: .acquiring)),
            sleepingReaders: mapping.word32(BlackboardLayout.sleepersOffset).pointee.load(ordering: .relaxed),
            problem: problems.isEmpty ? nil : problems.joined(separator: "; "))
    }
}
#endif
