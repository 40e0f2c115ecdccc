extension ProcessEvent {
    /// A snapshot of an event, for tools and tests.
    public struct State: Sendable, Hashable, Codable {
        /// Whether it is set.
        public var isSet: Bool
        /// How it behaves once set.
        public var mode: Mode
        /// How many waiters may be asleep: an upper bound, which counts waiters killed asleep.
        public var waiters: UInt32
    }

    /// A snapshot of the event (see ``State``). Never blocks; every state word is a valid
    /// state, so it never throws.
    public var state: State {
        State(isSet: isSet, mode: mode, waiters: waiterCount)
    }
}
