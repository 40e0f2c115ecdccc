#if os(Linux)
import Synchronization
internal import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ProcessMutex {
    /// If the lock word names another thread that is dead, takes the lock over with a
    /// compare-and-swap from exactly the word judged, and reports who died. nil while the owner is
    /// alive, cannot be judged, or the word changed meanwhile.
    ///
    /// - Parameter unrecorded: the first sighting of the lock word held by a thread that had not
    ///   written the owner record; the caller keeps it across checks. The thread id alone is
    ///   judged only when the same word has stayed unrecorded for at least
    ///   ``ownerCheckInterval``: a live owner writes its record nanoseconds after its
    ///   compare-and-swap, while the thread id alone cannot tell an owner in another pid
    ///   namespace from a dead one.
    func takeOverIfOwnerDied(thread me: UInt32, operation: String, unrecorded: inout UnrecordedSighting?) throws(InterprocessError) -> LockAcquisition? {
        let seen = word.pointee.load(ordering: .acquiring)
        guard case .held(let owner, _) = try lockWordState(seen, operation: operation),
              owner != me || !ownerRecordNamesCaller(thread: me)
        else { return nil }
        let dead: ProcessIdentity
        switch judgeOwner(owner) {
        case .alive:
            return nil
        case .dead(let identity):
            dead = identity
        case .unrecorded:
            let now = Deadline.now
            guard let first = unrecorded, first.word == seen else {
                unrecorded = UnrecordedSighting(word: seen, at: now)
                return nil
            }
            guard now.nanoseconds &- first.at.nanoseconds >= ProcessMutex.ownerCheckIntervalNanoseconds else { return nil }
            // The caller's own thread id, unrecorded: the thread that took the lock is gone and
            // the kernel gave its id to the caller (our own acquisitions are always recorded).
            if owner != me {
                guard PIDNamespace.current.procShowsIt, OwnerThread.hasExited(owner, inProcess: nil) else { return nil }
            }
            dead = ProcessIdentity(pid: 0, startTime: 0)
        }
        // Held after a death until markConsistent; waiters may sleep, so our unlock must wake one.
        let desired = me | LockWord.inconsistentBit | LockWord.waitersBit
        guard word.pointee.compareExchange(expected: seen, desired: desired, successOrdering: .acquiring, failureOrdering: .relaxed).exchanged else {
            return nil
        }
        recordOwner(thread: me)
        return .previousOwnerDied(dead)
    }

    /// When a waiter first saw a lock word whose owner had not written the owner record.
    struct UnrecordedSighting {
        /// The lock word seen.
        var word: UInt32
        /// When it was first seen.
        var at: Deadline
    }

    /// Whether the owner record names the calling thread of this process (pid, start time and
    /// pid namespace): a lock word with the caller's thread id is the caller's only then. Without
    /// the record it may be a dead owner's, whose thread id the kernel gave to the caller.
    func ownerRecordNamesCaller(thread me: UInt32) -> Bool {
        let record = ownerRecord
        let caller = CachedProcessIdentity.current
        return record.thread == me && record.pid == caller.pid && record.startTime == caller.startTime
            && record.pidNamespace == caller.pidNamespace
    }

    /// What the owner record says of the lock's owner `thread`.
    enum OwnerJudgment {
        /// Alive, or it cannot be told (another pid namespace, a hidden `/proc`, a changing record).
        case alive
        /// Certainly dead: the recorded process, or the thread within it.
        case dead(ProcessIdentity)
        /// The record does not name `thread` (yet): only the thread id is known.
        case unrecorded
    }

    /// Judges the owner `thread` by the owner record: when it names `thread` (and a pid), the
    /// process is judged by pid, start time and pid namespace (the one identity rule), then — if
    /// it lives — the thread by `/proc/PID/task/TID`; the record is read again afterwards and must
    /// not have changed.
    func judgeOwner(_ thread: UInt32) -> OwnerJudgment {
        let record = ownerRecord
        guard record.thread == thread, record.pid > 0 else { return .unrecorded }
        let identity = record.identity
        switch identity.liveness {
        case .unknown:
            return .alive
        case .alive:
            guard OwnerThread.hasExited(thread, inProcess: record.pid) else { return .alive }
        case .dead:
            break
        }
        return ownerRecord == record ? .dead(identity) : .alive
    }
}

/// Whether a thread named by a lock word still runs, from `/proc`.
enum OwnerThread {
    /// True only when `/proc` shows that the thread is gone or a zombie: its `/proc/PID/task/TID`
    /// (or, without a pid, `/proc/TID`) does not exist while `/proc` shows other processes, or
    /// its state is `Z` or `X`.
    static func hasExited(_ thread: UInt32, inProcess pid: Int32?) -> Bool {
        let path = pid.map { "/proc/\($0)/task/\(thread)/stat" } ?? "/proc/\(thread)/stat"
        switch ProcStat.read(path) {
        case .found(let stat): return stat.stateIsExited  // the thread's own state
        case .absent: return processTableIsVisible
        case .unreadable: return false
        }
    }

    /// Whether a missing `/proc` entry means a missing process: `/proc` is mounted and does not
    /// hide other users' processes (`hidepid`), which hides `/proc/1` from non-root users.
    private static var processTableIsVisible: Bool {
        var info = stat()
        return stat("/proc/self/stat", &info) == 0 && (geteuid() == 0 || stat("/proc/1/stat", &info) == 0)
    }
}
#endif
