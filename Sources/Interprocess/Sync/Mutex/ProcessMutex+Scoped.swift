extension ProcessMutex {
    /// Runs `body` holding the lock; if the previous owner died holding it, first runs `repair`
    /// with the dead owner's identity and marks the mutex consistent.
    ///
    /// Blocks the calling thread until the lock is free. If `repair` throws, the mutex is released
    /// *without* being marked consistent, so it becomes ``InterprocessError/Code/notRecoverable``,
    /// and the error is rethrown; `body` does not run. If `body` throws, the lock is released and
    /// the error rethrown. Pass `{ _ in }` as `repair` when the protected state needs no repair.
    ///
    /// - Throws: what `repair` or `body` throws, or ``InterprocessError`` as ``lock()`` does.
    public func withLock<Result>(
        onOwnerDeath repair: (ProcessIdentity) throws -> Void, _ body: () throws -> Result
    ) throws -> Result {
        if case .previousOwnerDied(let dead) = try lock() {
            do {
                try repair(dead)
                try markConsistent()
            } catch {
                try? unlock()
                throw error
            }
        }
        return try runHoldingLock(body)
    }

    /// Runs `body` holding the lock.
    ///
    /// Blocks the calling thread until the lock is free. If the previous owner died holding it,
    /// there is nothing here to repair its state with, so `body` does not run: the mutex is
    /// released unrepaired, which makes it ``InterprocessError/Code/notRecoverable`` for everyone
    /// (never handing out state that may be half-updated), and this call throws
    /// ``InterprocessError/Code/ownerDied``. Use ``withLock(onOwnerDeath:_:)`` to repair instead.
    ///
    /// - Throws: what `body` throws, ``InterprocessError/Code/ownerDied`` as above, or
    ///   ``InterprocessError`` as ``lock()`` does.
    public func withLock<Result>(_ body: () throws -> Result) throws -> Result {
        if case .previousOwnerDied(let dead) = try lock() {
            try? unlock()
            throw InterprocessError(.ownerDied, operation: "lock mutex", name: name,
                                    reason: "its previous owner (\(dead)) died holding it; withLock(_:) cannot repair, so it was released unrepaired and is now not recoverable (use withLock(onOwnerDeath:_:) to repair)")
        }
        return try runHoldingLock(body)
    }

    private func runHoldingLock<Result>(_ body: () throws -> Result) throws -> Result {
        let result: Result
        do {
            result = try body()
        } catch {
            try? unlock()
            throw error
        }
        try unlock()
        return result
    }
}
