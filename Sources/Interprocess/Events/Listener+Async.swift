#if os(Linux)
extension Listener {
    /// Suspends the task until ids are notified and takes them (never blocks a thread of the
    /// cooperative pool: the process's waiter thread sleeps for it).
    ///
    /// - Throws: `cancelled` when the task is cancelled.
    public func wait() async throws(InterprocessError) -> EventSet {
        try await taker.wait(until: .never, name: service.name)
    }

    /// Suspends the task until ids are notified or `deadline` passes.
    ///
    /// - Throws: `timedOut`, `cancelled`.
    public func wait(until deadline: Deadline) async throws(InterprocessError) -> EventSet {
        try await taker.wait(until: deadline, name: service.name)
    }

    /// Suspends the task until ids are notified or `timeout` passes.
    ///
    /// - Throws: `timedOut`, `cancelled`.
    public func wait(timeout: Duration) async throws(InterprocessError) -> EventSet {
        try await taker.wait(until: .after(timeout), name: service.name)
    }

    /// The notified ids, one at a time, in increasing order within each wait, for as long as
    /// the iterating task runs (it ends when the task is cancelled). The sequence shares this
    /// listener's entry: take ids either through it or through the listener's waits.
    ///
    /// ```swift
    /// for try await id in listener.events() { handle(id) }
    /// ```
    public func events() -> ListenerEvents {
        ListenerEvents(seat: seat, taker: taker, name: service.name)
    }
}

/// The ids a ``Listener`` takes, as an `AsyncSequence` (see ``Listener/events()``).
public struct ListenerEvents: AsyncSequence, Sendable {
    /// Each notified id.
    public typealias Element = EventID
    /// Thrown when waiting fails (a task cancelled ends the sequence instead).
    public typealias Failure = InterprocessError

    let seat: ListenerSeat
    let taker: EventTaker
    let name: String

    /// An iterator over the ids.
    public func makeAsyncIterator() -> Iterator { Iterator(sequence: self) }

    /// Walks the ids: takes a set, hands its ids out one by one, then waits for the next.
    public struct Iterator: AsyncIteratorProtocol {
        let sequence: ListenerEvents
        var pending: EventSet.Iterator?

        /// The next id; nil once the task is cancelled.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(InterprocessError) -> EventID? {
            while true {
                if let id = pending?.next() { return id }
                pending = nil
                do throws(InterprocessError) {
                    pending = try await sequence.taker.wait(until: .never, name: sequence.name).makeIterator()
                } catch where error.code == .cancelled {
                    return nil
                }
            }
        }

        /// The next id; nil once the task is cancelled.
        public mutating func next() async throws(InterprocessError) -> EventID? {
            try await next(isolation: nil)
        }
    }
}
#endif
