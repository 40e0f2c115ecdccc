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
    func takeOverIfOwnerDied(thread me: UInt32, operation: String) throws(InterprocessError) -> LockAcquisition? {
        let seen = word.pointee.load(ordering: .acquiring)
        guard case .held(let owner, _) = try lockWordState(seen, operation: operation), owner != me,
              let dead = deadOwner(of: owner)
        else { return nil }
        // Held after a death until markConsistent; waiters may sleep, so our unlock must wake one.
        let desired = me | LockWord.inconsistentBit | LockWord.waitersBit
        guard word.pointee.compareExchange(expected: seen, desired: desired, successOrdering: .acquiring, failureOrdering: .relaxed).exchanged else {
            return nil
        }
        recordOwner(thread: me)
        return .previousOwnerDied(dead)
    }

    /// The identity of the lock's owner `thread` if it is dead, else nil.
    ///
    /// When the owner record names `thread` (and a pid), the process is judged by pid and start
    /// time, then — if it lives — the thread by `/proc/PID/task/TID`; the record is read again
    /// afterwards and must not have changed. Otherwise the owner died (or has yet to record
    /// itself) between its compare-and-swap and its record: the thread id alone is judged, and the
    /// dead owner is reported as pid 0. Whatever cannot be told counts as alive.
    func deadOwner(of thread: UInt32) -> ProcessIdentity? {
        let record = ownerRecord
        guard record.thread == thread, record.pid > 0 else {
            return OwnerThread.hasExited(thread, inProcess: nil) ? ProcessIdentity(pid: 0, startTime: 0) : nil
        }
        let identity = ProcessIdentity(pid: record.pid, startTime: record.startTime)
        switch identity.liveness {
        case .unknown:
            return nil
        case .alive:
            guard OwnerThread.hasExited(thread, inProcess: record.pid) else { return nil }
        case .dead:
            break
        }
        return ownerRecord == record ? identity : nil
    }
}

/// Whether a thread named by a lock word still runs, from `/proc`.
enum OwnerThread {
    /// True only when `/proc` shows that the thread is gone or a zombie: its `/proc/PID/task/TID`
    /// (or, without a pid, `/proc/TID`) does not exist while `/proc` shows other processes, or
    /// its state is `Z` or `X`.
    static func hasExited(_ thread: UInt32, inProcess pid: Int32?) -> Bool {
        let path = pid.map { "/proc/\($0)/task/\(thread)/stat" } ?? "/proc/\(thread)/stat"
        switch ProcFiles.read(path, limit: 4096) {
        case .failure(let errno):
            return (errno == .noSuchFileOrDirectory || errno == .noSuchProcess) && processTableIsVisible
        case .success(let bytes):
            // "tid (comm) S …": comm may hold spaces and parentheses; the state follows the last ')'.
            guard let close = bytes.lastIndex(of: UInt8(ascii: ")")), close + 2 < bytes.count else { return false }
            let state = bytes[close + 2]
            return state == UInt8(ascii: "Z") || state == UInt8(ascii: "X")
        }
    }

    /// Whether a missing `/proc` entry means a missing process: `/proc` is mounted and does not
    /// hide other users' processes (`hidepid`), which hides `/proc/1` from non-root users.
    private static var processTableIsVisible: Bool {
        var info = stat()
        return stat("/proc/self/stat", &info) == 0 && (geteuid() == 0 || stat("/proc/1/stat", &info) == 0)
    }
}
