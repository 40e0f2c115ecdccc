#if os(Linux)
extension ProcessCondition {
    /// A snapshot of a condition, for tools and tests.
    ///
    /// ```swift
    /// let state = condition.state
    /// print("\(state.waiters) waiting, \(state.wakeSequence) wake-ups so far")
    /// ```
    public struct State: Sendable, Hashable, Codable {
        /// How many waiters may be asleep: too high by one for each waiter killed asleep.
        public var waiters: Int
        /// The wake-up sequence: bumped by every signal and broadcast, wrapping.
        public var wakeSequence: UInt32

        /// Makes a snapshot (for tests of tools that print one).
        public init(waiters: Int, wakeSequence: UInt32) {
            self.waiters = waiters
            self.wakeSequence = wakeSequence
        }
    }

    /// The condition's state right now: two atomic loads, no system call. Every value of its
    /// words means something, so it cannot fail.
    public var state: State {
        State(waiters: Int(waiters.pointee.load(ordering: .relaxed)),
              wakeSequence: sequence.pointee.load(ordering: .relaxed))
    }
}
#endif
