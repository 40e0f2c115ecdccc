// The blackboard's hot paths: one write and one read per scaled iteration, both in this process,
// through the stateless reader and through an entry reader, and an entry reader's read of a value
// that did not change. Registered from the `benchmarks` closure; thresholds in Thresholds/ are 0
// allocations.

import Benchmark
import Interprocess

/// A 64-byte blackboard value.
struct BoardValue64: InterprocessValue {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    init(_ value: UInt64) { words = (value, value, value, value, value, value, value, value) }
}

/// Registers the blackboard benchmarks.
func blackboardBenchmarks() {
    /// A new board of one 64-byte entry, its key and writer, for `body`.
    func withBoard(_ tag: String, _ body: (BlackboardKey<BoardValue64>, inout BlackboardWriter, BlackboardReader) throws -> Void) throws {
        let board = try Blackboard(create: segmentName(tag), entries: [.value("value", of: BoardValue64.self)],
                                   lifetime: .removedWhenCreatorCloses)
        let key = try board.key("value", as: BoardValue64.self)
        var writer = try board.makeWriter()
        writer.write(key, BoardValue64(0))
        try body(key, &writer, board.makeReader())
    }

    Benchmark("Blackboard.write+read.64B") { benchmark in
        try withBoard("board-read") { key, writer, reader in
            benchmark.startMeasurement()
            for index in benchmark.scaledIterations {
                writer.write(key, BoardValue64(UInt64(truncatingIfNeeded: index)))
                guard let value = try reader.read(key) else { fatalError("empty") }
                blackHole(value.words.0)
            }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("Blackboard.write+entryRead.64B") { benchmark in
        try withBoard("board-entry") { key, writer, reader in
            var entry = reader.entry(key)
            benchmark.startMeasurement()
            for index in benchmark.scaledIterations {
                writer.write(key, BoardValue64(UInt64(truncatingIfNeeded: index)))
                guard let value = try entry.read() else { fatalError("empty") }
                blackHole(value.words.0)
            }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("Blackboard.entryRead.unchanged.64B") { benchmark in
        try withBoard("board-unchanged") { key, _, reader in
            var entry = reader.entry(key)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                guard let value = try entry.read() else { fatalError("empty") }
                blackHole(value.words.0)
            }
            benchmark.stopMeasurement()
        }
    }
}
