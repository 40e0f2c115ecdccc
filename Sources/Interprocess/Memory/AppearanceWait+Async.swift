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
                let wait = try nextPause(&pause, after: error, until: deadline, waitedFrom: waitedFrom, operation: operation, name: name)
                do {
                    try await Task.sleep(for: wait)
                } catch {
                    try ProcessWaiter.requireAcquired(.cancelled, operation: operation, name: name)
                }
            }
        }
    }
}
#endif
