import Foundation
import Synchronization

extension TestSupport {
    /// The test peer running on another thread while this one serves it (or runs a second
    /// peer); ``wait()`` for its outcome.
    final class BackgroundPeer: Sendable {
        private let finished = DispatchSemaphore(value: 0)
        private let result = Mutex<Result<TestSupport.Outcome, any Error>?>(nil)

        init(_ arguments: [String], timeout: TimeInterval = 60) throws {
            let executable = try TestSupport.executable("interprocess-test-peer")
            // A thread of its own: Dispatch's global queues run only about as many blocks at once
            // as there are CPUs, which would start concurrent peers one after another.
            let thread = Thread { [self] in
                let outcome = Result { try TestSupport.run(executable, arguments, timeout: timeout) }
                result.withLock { $0 = outcome }
                finished.signal()
            }
            thread.start()
        }

        /// Whether the peer has exited (or was killed), without waiting.
        var hasExited: Bool { result.withLock { $0 != nil } }

        /// Waits for the peer to exit (it is killed after `timeout`).
        func wait() throws -> TestSupport.Outcome {
            finished.wait()
            return try result.withLock { $0! }.get()
        }
    }
}
