import Testing

/// The tests of ``ProcessSemaphore``, one suite per concern nested here, so that
/// `swift test --filter ProcessSemaphoreTests` runs them all.
@Suite("ProcessSemaphore")
enum ProcessSemaphoreTests {}
