extension ProcessEvent {
    /// A snapshot of an event, for tools and tests.
    ///
    /// ```swift
    /// let state = ready.currentState
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
    /// and waiter words means something, so it cannot fail. (Named `currentState` because the
    /// stored `state` is the event's futex word.)
    public var currentState: State {
        let word = state.pointee.load(ordering: .relaxed)
        return State(isSet: word & ProcessEvent.setBit != 0, mode: mode,
                     setCount: word >> 1, waiters: Int(waiters.pointee.load(ordering: .relaxed)))
    }
}

extension ProcessEvent.Mode: Codable {
    /// Decodes "auto-reset" or "manual-reset" (the ``description``).
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        switch text {
        case ProcessEvent.Mode.autoReset.description: self = .autoReset
        case ProcessEvent.Mode.manualReset.description: self = .manualReset
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "unknown event mode '\(text)'"))
        }
    }

    /// Encodes the ``description``: "auto-reset" or "manual-reset".
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
