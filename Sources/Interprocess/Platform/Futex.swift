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
}
