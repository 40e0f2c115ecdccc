import Foundation

/// Progress on standard error, whatever the output format (standard output carries only the
/// report): "bench [3/42, 1.2 s] latency spsc-spin 8 B…", and the total at the end.
struct BenchProgress {
    let total: Int
    private var done = 0
    private let started = ContinuousClock.now

    init(total: Int) { self.total = total }

    /// Announces the next case.
    mutating func starting(_ benchCase: some CustomStringConvertible) {
        done += 1
        write("bench [\(done)/\(total), \(elapsed)] \(benchCase)…")
    }

    /// Announces the end of the run.
    func finished() {
        write("bench: \(done) cases in \(elapsed)")
    }

    private var elapsed: String {
        let duration = ContinuousClock.now - started
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.1f s", seconds)
    }

    private func write(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
