import Interprocess

/// What `body` returns, or nil when it threw `timedOut`: the peers' chaos loops treat a wait
/// that ran out as one more outcome.
func timingOut<Result>(_ body: () throws(InterprocessError) -> Result) throws(InterprocessError) -> Result? {
    do {
        return try body()
    } catch where error.code == .timedOut {
        return nil
    }
}
