import Synchronization
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs a blocking ``FutexParking/park(until:isCancelled:attempt:)`` on a thread of its own,
/// so that an `async` wait never blocks a thread of Swift's cooperative pool (a pool of one
/// thread per CPU: a few blocked waits would stall every task in the process).
///
/// Each slow-path async wait gets a new detached thread that parks and then resumes the
/// continuation. Cancelling the task sets a flag and wakes the futex word; the thread never
/// sleeps longer than ``FutexParking/recheckInterval``, so it notices the flag even if that
/// wake-up raced past it.
/// The continuation is resumed only after the thread stopped touching the shared memory.
enum AsyncParking {
    /// Set when the waiting task is cancelled.
    final class Cancellation: Sendable {
        let flag = Atomic<Bool>(false)
        var isCancelled: Bool { flag.load(ordering: .relaxed) }
    }

    /// Runs `body` on a new thread and returns its outcome.
    ///
    /// - Throws: `CancellationError` when the task was cancelled before `body` acquired;
    ///   ``InterprocessError/Code/resourceLimit`` when no thread could be started.
    static func wait(
        _ parking: FutexParking,
        operation: String,
        name: String?,
        _ body: @escaping @Sendable (Cancellation) -> ParkingOutcome
    ) async throws -> Bool {
        let cancellation = Cancellation()
        let outcome: ParkingOutcome = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ParkingOutcome, any Error>) in
                let start = ThreadStart {
                    continuation.resume(returning: body(cancellation))
                }
                if let error = start.launch(operation: operation, name: name) {
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            cancellation.flag.store(true, ordering: .relaxed)
            // Wake every sleeper on the word: ours sees the flag, the others try again and sleep on.
            Futex.wake(parking.futexWord)
        }
        switch outcome {
        case .acquired: return true
        case .timedOut: return false
        case .cancelled: throw CancellationError()
        }
    }

    /// The closure a new thread runs, passed to `pthread_create` as its argument.
    private final class ThreadStart: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }

        /// Starts a detached thread running ``run``; returns the error if none could be started.
        func launch(operation: String, name: String?) -> InterprocessError? {
            let argument = Unmanaged.passRetained(self).toOpaque()
            var thread = pthread_t()
            let result = pthread_create(&thread, nil, { argument in
                let start = Unmanaged<ThreadStart>.fromOpaque(argument!).takeRetainedValue()
                start.run()
                return nil
            }, argument)
            guard result == 0 else {
                Unmanaged<ThreadStart>.fromOpaque(argument).release()
                return InterprocessError(.resourceLimit, operation: operation, name: name,
                                         errno: .init(rawValue: result),
                                         reason: "could not start a thread to wait on (pthread_create failed)")
            }
            pthread_detach(thread)
            return nil
        }
    }
}
