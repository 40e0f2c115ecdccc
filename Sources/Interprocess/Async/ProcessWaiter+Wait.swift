#if os(Linux)
extension ProcessWaiter {
    /// Suspends the task until `check` (run on the waiter thread) says it may proceed, the
    /// deadline passes, or the task is cancelled. The caller has already tried the fast path.
    ///
    /// - Parameters:
    ///   - parking: the word slept on and the waiter count this wait is counted in.
    ///   - deadline: when to give up with ``ParkingOutcome/timedOut`` (a slice of the caller's
    ///     deadline, for callers that look for dead peers now and then).
    ///   - check: reads the futex word, then the state; see ``FutexParking/attemptCheck(_:)`` and
    ///     ``FutexParking/blockedCheck(_:)``. Must not block.
    /// - Returns: ``ParkingOutcome/acquired`` when `check` said proceed, ``ParkingOutcome/truncated``
    ///   when it said the memory it reads was truncated, ``ParkingOutcome/timedOut`` or
    ///   ``ParkingOutcome/cancelled``.
    /// - Throws: ``InterprocessError/Code/resourceLimit`` if the waiter thread could not be started.
    func wait(
        on parking: FutexParking,
        until deadline: Deadline,
        operation: String,
        name: String?,
        check: @escaping @Sendable () -> WaiterPoll
    ) async throws(InterprocessError) -> ParkingOutcome {
        try startIfNeeded(operation: operation, name: name)
        let identifier = state.withLock { state in
            defer { state.nextIdentifier &+= 1 }
            return state.nextIdentifier
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ParkingOutcome, Never>) in
                // Step (1) of the handshake before the thread's first check.
                parking.announce()
                let registered = state.withLock { state in
                    // Cancellation sets the flag before it runs the handler: a handler that ran
                    // before this found nothing to remove, and this sees the flag.
                    if Task.isCancelled { return false }
                    state.register(identifier, Registration(
                        parking: parking, deadline: deadline, kind: .once(check: check, continuation: continuation)))
                    return true
                }
                guard registered else {
                    state.withLock { $0.withdraw(parking, registered: false) }
                    continuation.resume(returning: .cancelled)
                    return
                }
                wakeThread()
            }
        } onCancel: {
            let removed = state.withLock { $0.unregister(identifier) }
            if let removed, case .once(_, let continuation) = removed.kind {
                abandoned(removed.parking)
                continuation.resume(returning: .cancelled)
            }
        }
    }

    /// Registers a standing watch that signals `descriptor` (an eventfd) whenever `observe` sees
    /// the side ready with a progress value it has not signalled; returns its identifier for
    /// ``removeWatch(_:)``.
    func addWatch(
        on parking: FutexParking, descriptor: Int32, operation: String, name: String?,
        observe: @escaping @Sendable () -> WatchObservation
    ) throws(InterprocessError) -> UInt64 {
        try startIfNeeded(operation: operation, name: name)
        parking.announce()
        let identifier = state.withLock { state in
            let identifier = state.nextIdentifier
            state.nextIdentifier &+= 1
            // Look once now (after the announce, as the thread would), so that a side ready
            // already makes the descriptor readable before this returns.
            let observation = observe()
            var signalled: WatchProgress?
            if observation.ready {
                EventDescriptor.signal(descriptor)
                signalled = observation.progress
            }
            state.register(identifier, Registration(
                parking: parking, deadline: .never, kind: .watch(observe: observe, descriptor: descriptor, signalled: signalled)))
            return identifier
        }
        wakeThread()
        return identifier
    }

    /// Removes a watch: once this returns, the waiter thread no longer touches its words or
    /// its descriptor.
    func removeWatch(_ identifier: UInt64) {
        let removed = state.withLock { $0.unregister(identifier) }
        if let removed { abandoned(removed.parking) }
    }

    /// After a registration that did not proceed (cancelled, removed) was unregistered (and so
    /// withdrawn from the waiter count): makes the thread drop its word from the sleep (else a stale entry
    /// in `futex_waitv` would keep taking `FUTEX_WAKE`s meant for others), and passes on one
    /// wake-up, which the registration's entry may have taken already: a waiter woken for
    /// nothing looks and sleeps again, a waiter left asleep beside a unit would not wake.
    func abandoned(_ parking: FutexParking) {
        // The thread first, so that it is less likely to be the one the wake-up below finds.
        wakeThread()
        Futex.wake(parking.futexWord, count: 1)
    }

    /// Throws ``InterprocessError/Code/cancelled`` if the current task is cancelled: an async
    /// wait checks first, so a cancelled task takes nothing even when it need not wait.
    static func checkCancellation(operation: String, name: String?) throws(InterprocessError) {
        if Task.isCancelled { try requireAcquired(.cancelled, operation: operation, name: name) }
    }

    /// Maps the outcome of a wait to the vocabulary's errors.
    static func requireAcquired(_ outcome: ParkingOutcome, operation: String, name: String?) throws(InterprocessError) {
        switch outcome {
        case .acquired: return
        case .timedOut:
            throw InterprocessError(.timedOut, operation: operation, name: name,
                                    reason: "the deadline passed before it could complete")
        case .cancelled:
            throw InterprocessError(.cancelled, operation: operation, name: name,
                                    reason: "the waiting task was cancelled")
        case .truncated:
            throw InterprocessError(.truncated, operation: operation, name: name,
                                    reason: "the file holding what it waited on was truncated by another process; its words read as zeros here")
        }
    }
}
#endif
