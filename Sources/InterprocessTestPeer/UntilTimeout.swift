import Interprocess

/// What `body` returns, or nil if it threw ``InterprocessError/Code/timedOut``: the commands
/// report a deadline that passed as an outcome ("timed-out", "empty"), not as a failure.
func untilTimeout<Value>(_ body: () throws(InterprocessError) -> Value) throws(InterprocessError) -> Value? {
    do {
        return try body()
    } catch where error.code == .timedOut {
        return nil
    }
}
