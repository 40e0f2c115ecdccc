#if os(Linux)
/// What a scoped lock (``ProcessMutex/withLock(onOwnerDeath:_:)-(OwnerDeathPolicy,_)``,
/// ``ProcessRWLock/withExclusiveLock(onOwnerDeath:_:)-(OwnerDeathPolicy,_)``) does when the
/// previous owner died holding the lock, for locks whose state needs no repair code.
///
/// A process that dies holding a lock (killed, crashed, or `exit()` called inside the critical
/// section) may leave the state it protects half-updated. Every scoped lock makes the caller
/// decide up front what happens then: pass a repair closure (`onOwnerDeath: { dead in … }`),
/// which runs holding the lock before `body`, or one of these policies.
///
/// ```swift
/// try mutex.withLock(onOwnerDeath: .stateNeedsNoRepair) { counter.pointee += 1 }
/// try mutex.withLock(onOwnerDeath: .giveUp) { try appendRecord(record) }
/// try mutex.withLock(onOwnerDeath: { dead in try rebuildIndex() }) { try appendRecord(record) }
/// ```
public enum OwnerDeathPolicy: Sendable, Hashable {
    /// The protected state is valid whatever point the owner died at (the lock only serializes
    /// access to something else, or every update is one atomic store): the lock is marked
    /// consistent and `body` runs.
    case stateNeedsNoRepair
    /// Nothing here can repair the state: the lock is released unrepaired, which makes it
    /// ``InterprocessError/Code/notRecoverable`` for every process (nobody is handed state that
    /// may be half-updated), and the call throws ``InterprocessError/Code/ownerDied``; `body`
    /// does not run. Re-create the lock and its state to go on.
    case giveUp
}
#endif
