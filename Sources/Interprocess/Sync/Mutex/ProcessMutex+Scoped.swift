extension ProcessMutex {
    /// Runs `body` holding the lock; if the previous owner died holding it, first runs `repair`
    /// with the dead owner's identity and marks the mutex consistent.
    ///
    /// Blocks the calling thread until the lock is free. If `repair` throws, the mutex is released
    /// *without* being marked consistent, so it becomes ``InterprocessError/Code/notRecoverable``,
    /// and the error is rethrown; `body` does not run. If `body` throws, the lock is released and
    /// the error rethrown. When the state needs no repair, pass ``OwnerDeathPolicy/stateNeedsNoRepair``
    /// instead (see ``withLock(onOwnerDeath:_:)-(OwnerDeathPolicy,_)``).
    ///
    /// - Throws: what `repair` or `body` throws, or ``InterprocessError`` as ``lock()`` does.
    public func withLock<Result: ~Copyable>(
        onOwnerDeath repair: (ProcessIdentity) throws(InterprocessError) -> Void,
        _ body: () throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        if case .previousOwnerDied(let dead) = try lock() {
            do throws(InterprocessError) {
                try repair(dead)
                try markConsistent()
            } catch {
                try? unlock()
                throw error
            }
        }
        return try runHoldingLock(body)
    }

    /// Runs `body` holding the lock, deciding by `policy` what happens if the previous owner died
    /// holding it: ``OwnerDeathPolicy/stateNeedsNoRepair`` marks it consistent and runs `body`;
    /// ``OwnerDeathPolicy/giveUp`` releases it unrepaired (it becomes
    /// ``InterprocessError/Code/notRecoverable`` for everyone) and throws
    /// ``InterprocessError/Code/ownerDied`` without running `body`.
    ///
    /// Blocks the calling thread until the lock is free. If `body` throws, the lock is released
    /// and the error rethrown.
    ///
    /// - Throws: what `body` throws, `ownerDied` as above, or ``InterprocessError`` as ``lock()`` does.
    public func withLock<Result: ~Copyable>(
        onOwnerDeath policy: OwnerDeathPolicy, _ body: () throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        if case .previousOwnerDied(let dead) = try lock() {
            switch policy {
            case .stateNeedsNoRepair:
                do throws(InterprocessError) {
                    try markConsistent()
                } catch {
                    try? unlock()
                    throw error
                }
            case .giveUp:
                try? unlock()
                throw InterprocessError(.ownerDied, operation: "lock mutex", name: name,
                                        reason: "its previous owner (\(dead)) died holding it; with the giveUp policy it was released unrepaired and is now not recoverable")
            }
        }
        return try runHoldingLock(body)
    }

    private func runHoldingLock<Result: ~Copyable>(_ body: () throws(InterprocessError) -> Result) throws(InterprocessError) -> Result {
        let result: Result
        do throws(InterprocessError) {
            result = try body()
        } catch {
            try? unlock()
            throw error
        }
        try unlock()
        return result
    }
}
