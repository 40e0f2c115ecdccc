import CInterprocessBench
import Interprocess

/// One lock case: nanoseconds per uncontended lock + unlock pair, in one process.
struct LockRow: Codable {
    var transport: BenchTransport
    var role: BenchRole
    var pairs: Int
    var nanosecondsPerPair: Double
    var ratioToBaseline: Double?
}

/// The uncontended lock cases: `ProcessMutex` beside a glibc process-shared robust mutex, each
/// the best of three runs of `pairs` lock + unlock pairs.
enum LockBench {
    /// The lock cases, baseline last.
    static let cases: [BenchCase] = [BenchTransport.processMutex, .pthreadRobust].map {
        BenchCase(group: .lock, transport: $0, messageSize: 0)
    }

    /// Measures `benchCase`.
    static func run(_ benchCase: BenchCase, pairs: Int) throws -> LockRow {
        var best = Double.infinity
        for _ in 0..<3 {
            let nanoseconds: Int64 = switch benchCase.transport {
            case .processMutex: try processMutexPairs(pairs)
            default: ipcb_robust_mutex_pairs(Int64(pairs))
            }
            guard nanoseconds >= 0 else { throw BenchFailure("the \(benchCase.transport.rawValue) bench failed") }
            best = min(best, Double(nanoseconds) / Double(pairs))
        }
        return LockRow(transport: benchCase.transport, role: benchCase.transport.role, pairs: pairs, nanosecondsPerPair: best)
    }

    /// Locks and unlocks a placed `ProcessMutex` `pairs` times; returns the nanoseconds taken.
    private static func processMutexPairs(_ pairs: Int) throws -> Int64 {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: ProcessMutex.size, alignment: ProcessMutex.alignment)
        defer { memory.deallocate() }
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: ProcessMutex.size)
        try ProcessMutex.initialize(at: memory)
        let mutex = try ProcessMutex(placedAt: memory)
        let start = ipcb_monotonic_ns()
        for _ in 0..<pairs {
            _ = try mutex.lock()
            try mutex.unlock()
        }
        return Int64(ipcb_monotonic_ns() - start)
    }
}
