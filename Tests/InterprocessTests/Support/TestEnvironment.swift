import CTestEnvironment
import Foundation
import Testing

/// The test bundle limits how many tests run at once (CTestEnvironment sets it before the test
/// library reads its configuration): this checks that the setting is in place, so a link that
/// drops the C object is noticed.
@Suite("Test environment", .timeLimit(.minutes(5)))
struct TestEnvironmentTests {
    @Test("the parallel test width is limited, so suspended tests get a thread")
    func parallelWidthIsLimited() {
        #expect(ipc_test_environment_linked() == 1)
        let width = ProcessInfo.processInfo.environment["SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH"]
        #expect(width.flatMap(Int.init).map { $0 > 0 } == true, "width: \(width ?? "unset")")
    }
}
