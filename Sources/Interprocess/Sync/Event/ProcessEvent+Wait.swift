#if os(Linux)
public import Synchronization

extension ProcessEvent {
    /// Whether the event is set, consuming the signal of an auto-reset event. Never blocks.
    ///
    /// - Returns: true if the event was set (an auto-reset event is now unset again).
    @inlinable
    public func tryWait() -> Bool {
        tryTake(stateWord.pointee.load(ordering: .acquiring))
    }

    /// Waits until the event is set, as long as it takes. Blocks the calling thread meanwhile.
    @inlinable
    @available(*, noasync, message: "blocks the thread; use the async form of wait")
    public func wait() {
        let seen = stateWord.pointee.load(ordering: .acquiring)
        if tryTake(seen) { return }
        // It cannot throw: it waits even on a truncated file (use wait(until: .never) to learn of one).
        _ = parkedWait(until: .never, entry: seen, endsOnTruncation: false)
    }

    /// Waits until the event is set, at most until `deadline`. Blocks the calling thread meanwhile.
    ///
    /// - Parameter deadline: absolute, on `CLOCK_MONOTONIC`; a signal does not move it.
    /// - Throws: ``InterprocessError/Code/timedOut`` if the deadline passed first (an auto-reset
    ///   event's signal was not taken); `truncated` as soon as another process shrank the file
    ///   holding the event.
    @inlinable
    @available(*, noasync, message: "blocks the thread; use the async form of wait(until:)")
    public func wait(until deadline: Deadline) throws(InterprocessError) {
        let seen = stateWord.pointee.load(ordering: .acquiring)
        if tryTake(seen) { return }
        if !parkedWait(until: deadline, entry: seen) { throw timedOut() }
    }

    /// Waits until the event is set, at most `timeout`. Blocks the calling thread meanwhile.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` if the time ran out first; `truncated` as
    ///   soon as another process shrank the file holding the event.
    @inlinable
    @available(*, noasync, message: "blocks the thread; use the async form of wait(timeout:)")
    public func wait(timeout: Duration) throws(InterprocessError) {
        let seen = stateWord.pointee.load(ordering: .acquiring)
        if tryTake(seen) { return }
        if !parkedWait(until: .after(timeout), entry: seen) { throw timedOut() }
    }

    /// The error of a wait whose deadline passed first.
    @usableFromInline
    func timedOut() -> InterprocessError {
        TruncationGuard.problem(truncation, operation: "wait on event", name: name)
            ?? InterprocessError(.timedOut, operation: "wait on event", name: name,
                                 reason: "it was not set before the deadline")
    }

    /// Takes the signal if the state word `seen` says the event is set: a manual-reset event is
    /// left set, an auto-reset one unset with a compare-and-exchange (retried while it stays set).
    @inlinable
    func tryTake(_ seen: UInt32) -> Bool {
        var seen = seen
        while seen & ProcessEvent.setBit != 0 {
            if mode == .manualReset { return true }
            let (exchanged, original) = stateWord.pointee.compareExchange(
                expected: seen, desired: seen & ~ProcessEvent.setBit, successOrdering: .acquiring, failureOrdering: .acquiring)
            if exchanged { return true }
            seen = original
        }
        return false
    }

    /// The slow path of the blocking waits: spin, then sleep on the state word.
    ///
    /// - Parameter entry: the state word when the wait began; a manual-reset waiter is released
    ///   by any set after it, even one already undone by a reset.
    @usableFromInline
    func parkedWait(until deadline: Deadline, entry: UInt32, endsOnTruncation: Bool = true) -> Bool {
        let state = self.stateWord, mode = self.mode, truncation = self.truncation
        let outcome = parking.park(until: deadline, isTruncated: { endsOnTruncation && TruncationGuard.faults(truncation) != 0 }) {
            ProcessEvent.attemptToTake(from: state, mode: mode, entry: entry, seen: $0)
        }
        // A manual-reset waiter is released by a generation other than its entry's, and a
        // shrunk file's zeros are one: not a set.
        return outcome == .acquired && !(endsOnTruncation && TruncationGuard.faults(truncation) != 0)
    }

    /// One attempt to take the signal, given the state word just read.
    static func attemptToTake(
        from state: UnsafeMutablePointer<Atomic<UInt32>>, mode: Mode, entry: UInt32, seen: UInt32
    ) -> ParkingAttempt {
        switch mode {
        case .manualReset:
            let setSinceEntry = (seen >> 1) != (entry >> 1)
            return seen & setBit != 0 || setSinceEntry ? .acquired : .wait
        case .autoReset:
            guard seen & setBit != 0 else { return .wait }
            let (exchanged, _) = state.pointee.compareExchange(
                expected: seen, desired: seen & ~setBit, successOrdering: .acquiring, failureOrdering: .relaxed)
            return exchanged ? .acquired : .retry
        }
    }
}
#endif
