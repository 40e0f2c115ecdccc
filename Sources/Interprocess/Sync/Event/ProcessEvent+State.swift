#if os(Linux)
extension ProcessEvent {
    /// A snapshot of an event, for tools and tests.
    ///
    /// ```swift
    /// let state = ready.state
    /// print(state.isSet ? "set" : "not set", state.mode, "\(state.waiters) waiting")
    /// ```
    public struct State: Sendable, Hashable, Codable {
        /// Whether the event is set.
        public var isSet: Bool
        /// How the event behaves once set.
        public var mode: Mode
        /// How many times it was set, modulo 2³¹ (a set of an event already set counts too).
        public var setCount: UInt32
        /// How many waiters may be asleep: too high by one for each waiter killed asleep.
        public var waiters: Int

        /// Makes a snapshot (for tests of tools that print one).
        public init(isSet: Bool, mode: Mode, setCount: UInt32, waiters: Int) {
            self.isSet = isSet
            self.mode = mode
            self.setCount = setCount
            self.waiters = waiters
        }
    }

    /// The event's state right now: two atomic loads, no system call. Every value of the state
    /// and waiter words means something, so it cannot fail.
    public var state: State {
        let word = stateWord.pointee.load(ordering: .relaxed)
        return State(isSet: word & ProcessEvent.setBit != 0, mode: mode,
                     setCount: word >> 1, waiters: Int(waiters.pointee.load(ordering: .relaxed)))
    }
}
#endif
