import Testing

/// The tests of ``ProcessEvent``, one suite per concern nested here, so that
/// `swift test --filter ProcessEventTests` runs them all.
@Suite("ProcessEvent")
enum ProcessEventTests {}
