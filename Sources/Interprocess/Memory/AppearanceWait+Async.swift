#if os(Linux)
extension AppearanceWait {
    /// ``open(until:operation:name:_:)`` for async callers: the same tries and pauses, with the
    /// pauses suspending the task (`Task.sleep`) instead of blocking the thread.
    ///
    /// - Throws: as the blocking form; ``InterprocessError/Code/cancelled`` when the task is cancelled.
    static func openAsync<Opened>(
        until deadline: Deadline,
        operation: String,
        name: String,
        _ open: () throws(InterprocessError) -> Opened
    ) async throws(InterprocessError) -> Opened {
        let waitedFrom = Deadline.now
        var pause = Duration.milliseconds(1)
        while true {
            try ProcessWaiter.checkCancellation(operation: operation, name: name)
            do {
                return try open()
            } catch where error.code == .notFound {
                guard !deadline.hasPassed else {
                    guard deadline > waitedFrom else { throw error }
                    let waited = Duration.nanoseconds(Int64(clamping: deadline.nanoseconds &- waitedFrom.nanoseconds))
                    throw InterprocessError(.timedOut, operation: operation, name: name,
                                            reason: "it did not appear within \(waited.formattedForError)")
                }
                do {
                    try await Task.sleep(for: min(pause, deadline.remaining ?? pause))
                } catch {
                    try ProcessWaiter.requireAcquired(.cancelled, operation: operation, name: name)
                }
                pause = min(pause * 2, longestPause)
            }
        }
    }
}
#endif
