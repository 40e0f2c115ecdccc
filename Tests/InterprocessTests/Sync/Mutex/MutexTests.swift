import Testing

/// The tests of ``ProcessMutex`` and ``ProcessCondition``, one suite per concern nested here, so
/// that `swift test --filter MutexTests` runs them all.
@Suite("ProcessMutex and ProcessCondition")
enum MutexTests {}
