#if os(Linux)
import Synchronization

extension ProcessMutex {
    /// Releases the lock (every level of a recursive one) if the calling thread holds it and this
    /// handle made the outermost acquisition; a lock taken through another handle of the same
    /// mutex is left alone. Cold: called when a named handle goes away.
    func releaseIfTakenThroughThisHandle() {
        let me = ThreadID.current
        guard case .held(me, _)? = LockWord.state(of: word.pointee.load(ordering: .relaxed)) else { return }
        // The whole identity, not the pid alone: a dead owner's pid and thread id may have been
        // reused by this process, whose handle tokens start at 1 too.
        guard ownerRecordNamesCaller(thread: me), ownerRecord.handle == handleToken else { return }
        depth.pointee.store(1, ordering: .relaxed)
        try? contendedUnlock(thread: me)
    }
}
#endif
