#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// "Open it, and if it does not exist yet, wait for it to appear, up to the deadline": the one
/// place every named open (segments, queues, named locks) waits for a creator that has not run
/// yet, so that processes can start in any order.
///
/// It polls, sleeping 1 ms and doubling to 20 ms between tries: a name is published atomically
/// (see ``SharedMemory``), so each try either finds the whole object or nothing, and an opener
/// that started first gets it at most 20 ms after it appears, at a cost of a few system calls
/// a second while it waits.
enum AppearanceWait {
    /// The longest pause between tries.
    static let longestPause: Duration = .milliseconds(20)

    /// Runs `open` until it does not fail with ``InterprocessError/Code/notFound`` or `deadline`
    /// passes.
    ///
    /// - Returns: what `open` returns.
    /// - Throws: what `open` throws, except that `notFound` after at least one wait becomes
    ///   ``InterprocessError/Code/timedOut`` ("it did not appear before the deadline"); a
    ///   deadline already past on entry reports `notFound` as it is.
    static func open<Opened: ~Copyable>(
        until deadline: Deadline,
        operation: String,
        name: String,
        _ open: () throws(InterprocessError) -> Opened
    ) throws(InterprocessError) -> Opened {
        let waitedFrom = Deadline.now
        var pause = Duration.milliseconds(1)
        while true {
            do {
                return try open()
            } catch where error.code == .notFound {
                sleep(for: try nextPause(&pause, after: error, until: deadline, waitedFrom: waitedFrom, operation: operation, name: name))
            }
        }
    }

    /// After a try that found nothing: the error to report if `deadline` passed (`notFound` as
    /// it is when the deadline was already past on entry, else `timedOut`), otherwise how long
    /// to pause before the next try (`pause` doubles, up to ``longestPause``).
    static func nextPause(
        _ pause: inout Duration, after error: InterprocessError, until deadline: Deadline, waitedFrom: Deadline,
        operation: String, name: String
    ) throws(InterprocessError) -> Duration {
        guard !deadline.hasPassed else {
            guard deadline > waitedFrom else { throw error }
            let waited = Duration.nanoseconds(Int64(clamping: deadline.nanoseconds &- waitedFrom.nanoseconds))
            throw InterprocessError(.timedOut, operation: operation, name: name,
                                    reason: "it did not appear within \(waited.formattedForError)")
        }
        let now = min(pause, deadline.remaining ?? pause)
        pause = min(pause * 2, longestPause)
        return now
    }

    private static func sleep(for duration: Duration) {
        let nanoseconds = max(Int64(0), duration.components.seconds &* 1_000_000_000 &+ duration.components.attoseconds / 1_000_000_000)
        var pause = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        nanosleep(&pause, nil)
    }
}

extension Duration {
    /// "250 ms", "2 s", "1.5 s": a duration as a person reads it in an error message.
    var formattedForError: String {
        let milliseconds = Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
        if milliseconds < 1000 { return "\(Int(milliseconds.rounded())) ms" }
        let seconds = milliseconds / 1000
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\((seconds * 10).rounded() / 10) s"
    }
}
#endif
