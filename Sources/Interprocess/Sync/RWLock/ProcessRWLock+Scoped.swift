#if os(Linux)
extension ProcessRWLock {
    /// Runs `body` holding the shared side; if the writer holding the exclusive side died, this
    /// reader repairs first: it takes the exclusive side over (as ``lockExclusive()`` does), runs
    /// `repair` with the dead writer's identity, marks the lock consistent, releases the
    /// exclusive side, and then takes the shared side.
    ///
    /// This is the way forward for readers when no writer comes to repair: ``lockShared()``
    /// alone keeps throwing ``InterprocessError/Code/ownerDied`` until someone does. If another
    /// process repairs first, `repair` does not run. If `repair` throws, the exclusive side is
    /// released *without* being marked consistent, so the lock becomes
    /// ``InterprocessError/Code/notRecoverable``, and the error is rethrown; `body` does not run.
    /// Blocks the calling thread; a thread of this process that holds the shared side meanwhile
    /// delays the repair until it unlocks.
    ///
    /// - Throws: what `repair` or `body` throws, or ``InterprocessError`` as ``lockShared()`` and
    ///   ``lockExclusive()`` do (except `ownerDied`, which this handles).
    public func withSharedLock<Result: ~Copyable>(
        onOwnerDeath repair: (ProcessIdentity) throws(InterprocessError) -> Void,
        _ body: () throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        try withSharedLock(repairing: repair, body)
    }

    /// Runs `body` holding the shared side, deciding by `policy` what happens if the writer
    /// holding the exclusive side died: ``OwnerDeathPolicy/stateNeedsNoRepair`` marks the lock
    /// consistent (taking the exclusive side a moment to do so) and runs `body`;
    /// ``OwnerDeathPolicy/giveUp`` releases it unrepaired (it becomes
    /// ``InterprocessError/Code/notRecoverable`` for everyone) and throws
    /// ``InterprocessError/Code/ownerDied`` without running `body`.
    ///
    /// - Throws: what `body` throws, `ownerDied` as above, or ``InterprocessError`` as
    ///   ``lockShared()`` and ``lockExclusive()`` do.
    public func withSharedLock<Result: ~Copyable>(
        onOwnerDeath policy: OwnerDeathPolicy, _ body: () throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        switch policy {
        case .stateNeedsNoRepair:
            return try withSharedLock(repairing: { _ in }, body)
        case .giveUp:
            return try withSharedLock(repairing: { (dead) throws(InterprocessError) in
                throw giveUpError(dead, side: "shared")
            }, body)
        }
    }

    /// Runs `body` holding the exclusive side; if the previous owner died holding it, first runs
    /// `repair` with the dead owner's identity and marks the lock consistent.
    ///
    /// Blocks the calling thread until the lock is free. If `repair` throws, the lock is released
    /// *without* being marked consistent, so it becomes ``InterprocessError/Code/notRecoverable``,
    /// and the error is rethrown; `body` does not run. If `body` throws, the lock is released and
    /// the error rethrown.
    ///
    /// - Throws: what `repair` or `body` throws, or ``InterprocessError`` as ``lockExclusive()`` does.
    public func withExclusiveLock<Result: ~Copyable>(
        onOwnerDeath repair: (ProcessIdentity) throws(InterprocessError) -> Void,
        _ body: () throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        if case .previousOwnerDied(let dead) = try lockExclusive() {
            do throws(InterprocessError) {
                try repair(dead)
                try markConsistent()
            } catch {
                try? unlockExclusive()
                throw error
            }
        }
        return try runHoldingExclusive(body) { () throws(InterprocessError) in
            try repair(ProcessIdentity(pid: 0, startTime: 0))
            try markConsistent()
        }
    }

    /// Runs `body` holding the exclusive side, deciding by `policy` what happens if the previous
    /// owner died holding it (see ``OwnerDeathPolicy``).
    ///
    /// - Throws: what `body` throws, ``InterprocessError/Code/ownerDied`` under
    ///   ``OwnerDeathPolicy/giveUp``, or ``InterprocessError`` as ``lockExclusive()`` does.
    public func withExclusiveLock<Result: ~Copyable>(
        onOwnerDeath policy: OwnerDeathPolicy, _ body: () throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        switch policy {
        case .stateNeedsNoRepair:
            return try withExclusiveLock(onOwnerDeath: { _ in }, body)
        case .giveUp:
            return try withExclusiveLock(onOwnerDeath: { (dead) throws(InterprocessError) in
                throw giveUpError(dead, side: "exclusive")
            }, body)
        }
    }

    /// The shared side, repairing through the exclusive side while a dead writer's state waits.
    private func withSharedLock<Result: ~Copyable>(
        repairing repair: (ProcessIdentity) throws(InterprocessError) -> Void,
        _ body: () throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        while true {
            do throws(InterprocessError) {
                try lockShared()
                break
            } catch where error.code == .ownerDied {
                if case .previousOwnerDied(let dead) = try lockExclusive() {
                    do throws(InterprocessError) {
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
        let result: Result
        do throws(InterprocessError) {
            result = try body()
        } catch {
            try? unlockShared()
            throw error
        }
        try unlockShared()
        return result
    }

    private func giveUpError(_ dead: ProcessIdentity, side: String) -> InterprocessError {
        InterprocessError(.ownerDied, operation: "lock the \(side) side of a reader-writer lock", name: name,
                          reason: "the writer holding it (\(dead)) died; with the giveUp policy it was released unrepaired and is now not recoverable")
    }

    /// Runs `body`, then releases the exclusive side. If the lock is waiting for a repair when
    /// `body` ends (`body` released and re-took it from a dead owner without marking it),
    /// `settle` applies the caller's decision before the unlock, which would otherwise make it
    /// not recoverable whatever the caller chose; `body`'s error wins over `settle`'s.
    private func runHoldingExclusive<Result: ~Copyable>(
        _ body: () throws(InterprocessError) -> Result, settle: () throws(InterprocessError) -> Void
    ) throws(InterprocessError) -> Result {
        let result: Result
        do throws(InterprocessError) {
            result = try body()
        } catch {
            if heldInconsistentByCaller { try? settle() }
            try? unlockExclusive()
            throw error
        }
        if heldInconsistentByCaller {
            do throws(InterprocessError) {
                try settle()
            } catch {
                try? unlockExclusive()
                throw error
            }
        }
        try unlockExclusive()
        return result
    }

    /// Whether this process holds the exclusive side after an owner's death, not yet marked consistent.
    private var heldInconsistentByCaller: Bool {
        words.owner.pointee.load(ordering: .relaxed) == RWLockOwnerTag.owner(CachedProcessIdentity.current)
            && words.consistency.pointee.load(ordering: .relaxed) == RWLockLayout.Consistency.ownerDied
    }
}
#endif
