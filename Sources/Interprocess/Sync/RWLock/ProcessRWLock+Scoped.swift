extension ProcessRWLock {
    /// Runs `body` holding the shared side, and releases it however `body` ends.
    /// Blocks the calling thread until the shared side is granted.
    ///
    /// - Throws: what `body` throws, or ``InterprocessError`` as ``lockShared()`` does.
    public func withSharedLock<Result>(_ body: () throws -> Result) throws -> Result {
        try lockShared()
        defer { try? unlockShared() }
        return try body()
    }

    /// Runs `body` holding the shared side; if the writer holding the exclusive side died, this
    /// reader repairs first: it takes the exclusive side over (as ``lockExclusive()`` does), runs
    /// `repair` with the dead writer's identity, marks the lock consistent, releases the
    /// exclusive side, and then takes the shared side.
    ///
    /// This is the way forward for readers when no writer comes to repair: ``lockShared()``
    /// alone keeps throwing ``InterprocessError/Code/ownerDied`` until someone does. If another
    /// process repairs first, `repair` does not run. Pass `{ _ in }` when the protected state
    /// needs no repair. If `repair` throws, the exclusive side is released *without* being marked
    /// consistent, so the lock becomes ``InterprocessError/Code/notRecoverable``, and the error
    /// is rethrown; `body` does not run. Blocks the calling thread; a thread of this process that
    /// holds the shared side meanwhile delays the repair until it unlocks.
    ///
    /// - Throws: what `repair` or `body` throws, or ``InterprocessError`` as ``lockShared()`` and
    ///   ``lockExclusive()`` do (except `ownerDied`, which this handles).
    public func withSharedLock<Result>(
        onOwnerDeath repair: (ProcessIdentity) throws -> Void, _ body: () throws -> Result
    ) throws -> Result {
        while true {
            do {
                try lockShared()
                break
            } catch let error where error.code == .ownerDied {
                if case .previousOwnerDied(let dead) = try lockExclusive() {
                    do {
                        try repair(dead)
                        try markConsistent()
                    } catch {
                        try? unlockExclusive()
                        throw error
                    }
                }
                try unlockExclusive()
            }
        }
        defer { try? unlockShared() }
        return try body()
    }

    /// Runs `body` holding the exclusive side; if the previous owner died holding it, first runs
    /// `repair` with the dead owner's identity and marks the lock consistent.
    ///
    /// Blocks the calling thread until the lock is free. If `repair` throws, the lock is released
    /// *without* being marked consistent, so it becomes ``InterprocessError/Code/notRecoverable``,
    /// and the error is rethrown; `body` does not run. If `body` throws, the lock is released and
    /// the error rethrown. Pass `{ _ in }` as `repair` when the protected state needs no repair.
    ///
    /// - Throws: what `repair` or `body` throws, or ``InterprocessError`` as ``lockExclusive()`` does.
    public func withExclusiveLock<Result>(
        onOwnerDeath repair: (ProcessIdentity) throws -> Void, _ body: () throws -> Result
    ) throws -> Result {
        if case .previousOwnerDied(let dead) = try lockExclusive() {
            do {
                try repair(dead)
                try markConsistent()
            } catch {
                try? unlockExclusive()
                throw error
            }
        }
        return try runHoldingExclusive(body)
    }

    /// Runs `body` holding the exclusive side.
    ///
    /// Blocks the calling thread until the lock is free. If the previous owner died holding it,
    /// there is nothing here to repair its state with, so `body` does not run: the lock is
    /// released unrepaired, which makes it ``InterprocessError/Code/notRecoverable`` for everyone,
    /// and this call throws ``InterprocessError/Code/ownerDied``. Use
    /// ``withExclusiveLock(onOwnerDeath:_:)`` to repair instead.
    ///
    /// - Throws: what `body` throws, ``InterprocessError/Code/ownerDied`` as above, or
    ///   ``InterprocessError`` as ``lockExclusive()`` does.
    public func withExclusiveLock<Result>(_ body: () throws -> Result) throws -> Result {
        if case .previousOwnerDied(let dead) = try lockExclusive() {
            try? unlockExclusive()
            throw InterprocessError(.ownerDied, operation: "lock the exclusive side of a reader-writer lock", name: name,
                                    reason: "its previous owner (\(dead)) died holding it; withExclusiveLock(_:) cannot repair, so it was released unrepaired and is now not recoverable (use withExclusiveLock(onOwnerDeath:_:) to repair)")
        }
        return try runHoldingExclusive(body)
    }

    private func runHoldingExclusive<Result>(_ body: () throws -> Result) throws -> Result {
        let result: Result
        do {
            result = try body()
        } catch {
            try? unlockExclusive()
            throw error
        }
        try unlockExclusive()
        return result
    }
}
