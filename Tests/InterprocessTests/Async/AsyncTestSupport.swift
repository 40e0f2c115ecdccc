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
