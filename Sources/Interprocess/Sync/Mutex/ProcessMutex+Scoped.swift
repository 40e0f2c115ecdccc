#if os(Linux)
extension ProcessMutex {
    /// Runs `body` holding the lock; if the previous owner died holding it, first runs `repair`
    /// with the dead owner's identity and marks the mutex consistent.
    ///
    /// Blocks the calling thread until the lock is free. If `repair` throws, the mutex is released
    /// *without* being marked consistent, so it becomes ``InterprocessError/Code/notRecoverable``,
    /// and the error is rethrown; `body` does not run. If `body` throws, the lock is released and
    /// the error rethrown. If the mutex becomes inconsistent inside `body` (a
    /// ``ProcessCondition`` wait re-acquired it from an owner that died, and `body` did not call
    /// ``markConsistent()``), `repair` runs before the unlock, with pid 0 as the dead owner's
    /// identity (the wait returned the real one to `body`). When the state needs no repair, pass ``OwnerDeathPolicy/stateNeedsNoRepair``
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
        return try runHoldingLock(body) { () throws(InterprocessError) in
            try repair(ProcessIdentity(pid: 0, startTime: 0))
            try markConsistent()
        }
    }

    /// Runs `body` holding the lock, deciding by `policy` what happens if the previous owner died
    /// holding it: ``OwnerDeathPolicy/stateNeedsNoRepair`` marks it consistent and runs `body`;
    /// ``OwnerDeathPolicy/giveUp`` releases it unrepaired (it becomes
    /// ``InterprocessError/Code/notRecoverable`` for everyone) and throws
    /// ``InterprocessError/Code/ownerDied`` without running `body`.
    ///
    /// Blocks the calling thread until the lock is free. If `body` throws, the lock is released
    /// and the error rethrown. The policy also applies when the mutex becomes inconsistent inside
    /// `body` (a ``ProcessCondition`` wait re-acquired it from an owner that died, and `body` did
    /// not call ``markConsistent()``): `stateNeedsNoRepair` marks it consistent before the
    /// unlock; `giveUp` releases it unrepaired and throws `ownerDied` instead of returning.
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
        return try runHoldingLock(body) { () throws(InterprocessError) in
            switch policy {
            case .stateNeedsNoRepair:
                try markConsistent()
            case .giveUp:
                throw InterprocessError(.ownerDied, operation: "lock mutex", name: name,
                                        reason: "an owner died holding it while the body waited (a condition wait re-acquired it); with the giveUp policy it was released unrepaired and is now not recoverable")
            }
        }
    }

    /// Runs `body`, then unlocks. If the lock became inconsistent inside `body` (a condition wait
    /// re-acquired it from an owner that died, and `body` did not repair), `settle` applies the
    /// caller's decision before the unlock — otherwise the unlock would make the mutex not
    /// recoverable whatever the caller chose. When `settle` throws, the unlock leaves it
    /// unrepaired and its error is thrown; when `body` threw, its error wins.
    private func runHoldingLock<Result: ~Copyable>(
        _ body: () throws(InterprocessError) -> Result, settle: () throws(InterprocessError) -> Void
    ) throws(InterprocessError) -> Result {
        let result: Result
        do throws(InterprocessError) {
            result = try body()
        } catch {
            if heldInconsistentByCaller { try? settle() }
            try? unlock()
            throw error
        }
        if heldInconsistentByCaller {
            do throws(InterprocessError) {
                try settle()
            } catch {
                try? unlock()
                throw error
            }
        }
        try unlock()
        return result
    }

    /// Whether the calling thread holds the lock after an owner's death, not yet marked consistent.
    private var heldInconsistentByCaller: Bool {
        let me = ThreadID.current
        guard case .held(me, true)? = LockWord.state(of: word.pointee.load(ordering: .relaxed)) else { return false }
        return ownerRecordNamesCaller(thread: me)
    }
}
#endif
