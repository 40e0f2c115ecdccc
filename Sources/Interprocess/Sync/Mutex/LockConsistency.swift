#if os(Linux)
/// Whether a lock that survives its owner's death is usable, as its `state` snapshot reports it
/// (``ProcessMutex/State``, ``ProcessRWLock/State``).
///
/// ```swift
/// if try mutex.state.consistency == .notRecoverable { try ProcessMutex.remove(name) }
/// ```
public enum LockConsistency: String, Sendable, Hashable, Codable {
    /// Free, or held normally.
    case consistent
    /// Held by a process that took it over from a dead owner and has not yet marked it
    /// consistent.
    case ownerDied
    /// An owner died and nobody repaired what it protects: every lock throws `notRecoverable`.
    case notRecoverable
}
#endif
