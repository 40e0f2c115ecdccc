import Foundation
@testable import Interprocess

/// The code of the `InterprocessError` `body` throws, or nil if it returns.
func thrownCode(_ body: () async throws(InterprocessError) -> Void) async -> InterprocessError.Code? {
    do {
        try await body()
        return nil
    } catch {
        return error.code
    }
}

/// The code of the `InterprocessError` a task's result holds, or nil if it succeeded.
func thrownCode<Success>(_ result: Result<Success, any Error>) -> InterprocessError.Code? {
    switch result {
    case .success: return nil
    case .failure(let error): return (error as? InterprocessError)?.code
    }
}

/// The number of threads of this process (`Threads:` in /proc/self/status).
func currentThreadCount() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    for line in status.split(separator: "\n") where line.hasPrefix("Threads:") {
        return Int(line.dropFirst("Threads:".count).trimmingCharacters(in: .whitespaces)) ?? 0
    }
    return 0
}

/// What `body` returns, or nil if it has not returned after `limit` (it is then cancelled).
/// For waits with no deadline whose wake-up may never come: the limit is a bound on behaviour
/// (a wake-up that never comes), far beyond the waiter's 20 ms recheck, not a speed assertion.
func completing<Value: Sendable>(
    within limit: Duration, _ body: @escaping @Sendable () async throws -> Value
) async throws -> Value? {
    try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try? await Task.sleep(for: limit)
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

/// Waits until the process's waiter thread has gone to sleep twice after now: a registration
/// made (and its waiter count seen) before this call is then in the thread's sleep.
func waiterThreadSleptTwice() async -> Bool {
    let seen = ProcessWaiter.shared.sleepCount.load(ordering: .relaxed)
    return await eventuallyAsync { ProcessWaiter.shared.sleepCount.load(ordering: .relaxed) >= seen &+ 2 }
}
