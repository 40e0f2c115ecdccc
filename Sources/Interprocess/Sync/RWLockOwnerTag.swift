#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How a ``ProcessRWLock`` names processes in single atomic words, so that taking a slot or the
/// lock, and taking it over from a dead process, is one compare-and-exchange.
///
/// - The exclusive owner word: pid in bits 0..<32, the low 32 bits of the start time above.
/// - A reader slot word: hold count in bits 0..<16, pid (24 bits: Linux pids are below 2²²) in
///   bits 16..<40, the low 24 bits of the start time in bits 40..<64. Zero means free.
///
/// A truncated start time still tells a reused pid from the original unless the two processes
/// started a multiple of 2²⁴ clock ticks (46 hours at 100 Hz) apart; in that case the dead
/// process is taken for alive, which can only delay (never break) the lock: a waiter's
/// deadline still bounds its wait.
enum RWLockOwnerTag {
    /// The exclusive-owner word for a process.
    @inline(__always)
    static func owner(_ identity: ProcessIdentity) -> UInt64 {
        UInt64(UInt32(bitPattern: identity.pid)) | UInt64(truncatingIfNeeded: identity.startTime) << 32
    }

    /// The identity in an owner word; `recordedStartTime` (the full start time the owner wrote
    /// after taking the lock) is used when it agrees with the word's 32 bits.
    static func identity(of owner: UInt64, recordedStartTime: UInt64) -> ProcessIdentity {
        let fragment = owner >> 32
        let start = recordedStartTime & 0xFFFF_FFFF == fragment ? recordedStartTime : fragment
        return ProcessIdentity(pid: Int32(bitPattern: UInt32(truncatingIfNeeded: owner)), startTime: start)
    }

    /// Whether the process in an owner word is known to be dead.
    static func ownerIsDead(_ owner: UInt64) -> Bool {
        isDead(pid: Int32(bitPattern: UInt32(truncatingIfNeeded: owner)), startFragment: owner >> 32, bits: 32)
    }

    /// The slot tag (bits 16..<64 of a slot word, count bits clear) for a process.
    @inline(__always)
    static func slot(_ identity: ProcessIdentity) -> UInt64 {
        (UInt64(UInt32(bitPattern: identity.pid)) & 0xFF_FFFF) << 16 | (identity.startTime & 0xFF_FFFF) << 40
    }

    /// The count bits of a slot word.
    static let countMask: UInt64 = 0xFFFF

    /// Whether the process in a slot word is known to be dead.
    static func slotIsDead(_ word: UInt64) -> Bool {
        isDead(pid: Int32(truncatingIfNeeded: (word >> 16) & 0xFF_FFFF), startFragment: word >> 40, bits: 24)
    }

    /// Dead only when certain: no process has the pid, or it has another start time, or it is a
    /// zombie. Unknown (an unreadable `/proc`) counts as alive. A recorded start time of 0 (its
    /// owner could not read its own) is checked by pid alone.
    static func isDead(pid: Int32, startFragment: UInt64, bits: Int) -> Bool {
        guard pid > 0 else { return true }
        if startFragment == 0 {
            return kill(pid, 0) == -1 && errno == ESRCH
        }
        guard let running = ProcessIdentity(runningProcess: pid) else {
            // Not readable, or gone: ask the kernel whether the pid exists at all.
            return kill(pid, 0) == -1 && errno == ESRCH
        }
        let mask: UInt64 = bits >= 64 ? .max : (1 << UInt64(bits)) - 1
        if running.startTime & mask != startFragment { return true }
        return running.liveness == .dead  // a zombie
    }
}
