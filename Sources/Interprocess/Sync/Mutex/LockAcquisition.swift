#if os(Linux)
/// How a lock was acquired: normally, or from an owner that died holding it.
///
/// After ``previousOwnerDied(_:)`` the caller holds the lock, but the state it protects may be
/// half-updated. Repair it, then call the lock's `markConsistent()` before unlocking; a lock
/// unlocked without that becomes permanently unusable
/// (``InterprocessError/Code/notRecoverable``) rather than hand out broken state.
public enum LockAcquisition: Sendable, Hashable {
    /// The lock was free or released normally.
    case acquired
    /// The previous owner died while holding the lock; the caller holds it now.
    case previousOwnerDied(ProcessIdentity)

    /// Whether the previous owner died holding the lock.
    public var previousOwnerDied: Bool {
        if case .previousOwnerDied = self { return true }
        return false
    }
}
#endif
