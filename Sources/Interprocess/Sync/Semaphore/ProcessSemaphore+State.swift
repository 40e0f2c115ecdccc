#if os(Linux)
extension ProcessSemaphore {
    /// A snapshot of a semaphore, for tools and tests.
    ///
    /// ```swift
    /// let state = try jobs.state
    /// print("\(state.count) of at most \(state.maximumCount) units, \(state.waiters) waiting")
    /// ```
    public struct State: Sendable, Hashable, Codable {
        /// The units available.
        public var count: Int
        /// The largest the count may become.
        public var maximumCount: Int
        /// How many waiters may be asleep: too high by one for each waiter killed asleep.
        public var waiters: Int

        /// Makes a snapshot (for tests of tools that print one).
        public init(count: Int, maximumCount: Int, waiters: Int) {
            self.count = count
            self.maximumCount = maximumCount
            self.waiters = waiters
        }
    }

    /// The semaphore's state right now: two atomic loads, no system call. Other processes may
    /// change it as soon as it is read.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` when the count exceeds the maximum (another
    ///   process wrote it).
    public var state: State {
        get throws(InterprocessError) {
            let current = count.pointee.load(ordering: .relaxed)
            guard current <= maximum else {
                throw InterprocessError(.corrupt, operation: "read the state of semaphore", name: name,
                                        reason: "its count \(current) exceeds its maximum \(maximum)")
            }
            return State(count: Int(current), maximumCount: Int(maximum), waiters: Int(waiters.pointee.load(ordering: .relaxed)))
        }
    }
}
#endif
