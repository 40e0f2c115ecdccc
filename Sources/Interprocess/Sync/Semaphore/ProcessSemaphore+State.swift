extension ProcessSemaphore {
    /// A snapshot of a semaphore, for tools and tests.
    public struct State: Sendable, Hashable, Codable {
        /// The units available.
        public var count: Int
        /// The largest the count may become.
        public var maximumCount: Int
        /// How many waiters may be asleep: an upper bound, which counts waiters killed asleep.
        public var waiters: Int
    }

    /// A snapshot of the semaphore (see ``State``). Never blocks.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` when the count exceeds the maximum (no
    ///   semaphore writes that).
    public var state: State {
        get throws(InterprocessError) {
            let current = count.pointee.load(ordering: .relaxed)
            guard current <= maximum else {
                throw InterprocessError(.corrupt, operation: "read semaphore state", name: name,
                                        reason: "its count \(current) exceeds its maximum \(maximum)")
            }
            return State(count: Int(current), maximumCount: Int(maximum), waiters: Int(waiterCount))
        }
    }
}
