#if os(Linux)
import CInterprocessShim
internal import SystemPackage

/// Futex operations on 32-bit words inside shared mappings. Always the shared (not `_PRIVATE`)
/// variants, so that waiters and wakers may live in different processes.
enum Futex {
    /// The outcome of a wait.
    enum WaitResult {
        /// Woken, or the word no longer held the expected value, or interrupted: re-check the word.
        case recheck
        /// The deadline passed.
        case timedOut
    }

    /// Sleeps while `*word == expected`, until woken or until `deadline` (absolute, monotonic).
    static func wait(
        on word: UnsafeMutablePointer<UInt32>, expecting expected: UInt32, until deadline: Deadline
    ) -> WaitResult {
        let result: Int32
        if deadline == .never {
            result = ipc_futex_wait(word, expected, nil)
        } else {
            var time = deadline.timespecValue
            result = ipc_futex_wait(word, expected, &time)
        }
        if result == 0 { return .recheck }
        return currentErrno == .timedOut ? .timedOut : .recheck
    }

    /// Wakes up to `count` waiters (`Int32.max`: all). Returns how many were woken.
    @discardableResult
    static func wake(_ word: UnsafeMutablePointer<UInt32>, count: Int32 = .max) -> Int32 {
        max(0, ipc_futex_wake(word, count))
    }

    /// The most words one ``waitAny(_:until:)`` sleeps on (the kernel's `FUTEX_WAITV_MAX`).
    static let waitAnyLimit = Int(ipc_futex_waitv_max())

    /// The outcome of ``waitAny(_:until:)``.
    enum WaitAnyResult {
        /// Woken, a word differed already, interrupted, or a word is no longer mapped: re-check.
        case recheck
        /// The deadline passed.
        case timedOut
        /// The kernel has no `futex_waitv` (before Linux 5.16), or a seccomp filter forbids it
        /// (`EPERM`, as some container runtimes' default profiles do).
        case unsupported
        /// Another error (`EINVAL`, `ENOMEM`): the call did not sleep.
        case failed
    }

    /// Sleeps until any of `list`'s words no longer holds its expected value or is woken, or
    /// until `deadline` (absolute, monotonic): `futex_waitv(2)`, shared words.
    static func waitAny(_ list: borrowing WaitList, until deadline: Deadline) -> WaitAnyResult {
        let result: Int32
        if deadline == .never {
            result = ipc_futex_waitv(list.entries, UInt32(list.count), nil)
        } else {
            var time = deadline.timespecValue
            result = ipc_futex_waitv(list.entries, UInt32(list.count), &time)
        }
        if result >= 0 { return .recheck }
        return waitAnyResult(failingWith: currentErrno)
    }

    /// What a failed `futex_waitv` with `error` means for the caller.
    static func waitAnyResult(failingWith error: Errno) -> WaitAnyResult {
        switch error {
        case .timedOut: return .timedOut
        case .noFunction, .notPermitted: return .unsupported
        case .resourceTemporarilyUnavailable, .interrupted, .badAddress: return .recheck
        default: return .failed
        }
    }

    /// The words one ``waitAny(_:until:)`` sleeps on, each with the value it is expected to
    /// hold; at most ``waitAnyLimit``. Allocated once and reused.
    struct WaitList: ~Copyable {
        fileprivate let entries: UnsafeMutablePointer<ipc_futex_waitv>
        /// How many words are in the list.
        private(set) var count = 0

        init() {
            entries = .allocate(capacity: Futex.waitAnyLimit)
        }

        deinit { entries.deallocate() }

        /// Whether another word fits.
        var isFull: Bool { count == Futex.waitAnyLimit }

        /// Empties the list.
        mutating func removeAll() { count = 0 }

        /// Adds `word`, expected to hold `expected`. The caller checks ``isFull`` first.
        mutating func append(_ word: UnsafeMutablePointer<UInt32>, expecting expected: UInt32) {
            ipc_futex_waitv_set(entries + count, word, expected)
            count += 1
        }
    }
}
#endif
