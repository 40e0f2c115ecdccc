extension ProcessCondition {
    /// A snapshot of a condition, for tools and tests.
    public struct State: Sendable, Hashable, Codable {
        /// How many waiters may be asleep: an upper bound, which counts waiters killed asleep.
        public var waiters: UInt32
        /// The signal sequence: it changes with every signal and broadcast (and wraps).
        public var sequence: UInt32
    }

    /// A snapshot of the condition (see ``State``). Never blocks.
    public var state: State {
        State(waiters: waiters.pointee.load(ordering: .relaxed), sequence: sequence.pointee.load(ordering: .relaxed))
    }
}
