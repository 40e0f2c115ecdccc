import Foundation

/// Runs seconds-long blocking test work (waiting for peer processes, sleeping between kills) on
/// a thread of its own, so that it does not hold one of the few threads of Swift's cooperative
/// pool (two on a two-CPU machine) that every other test of the run needs.
enum BlockingWork {
    static func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
