import CInterprocessBench
import Foundation
import Interprocess

/// One `legacy` row: write + read pairs of a 16-byte string in one thread.
struct LegacyRow: Codable {
    var transport: BenchTransport
    var role: BenchRole
    var pairs: UInt64
    var nanosecondsPerPair: Double
    var pairsPerSecond: Double
    /// The row's time per pair over the C baseline's, same run (lower is better).
    var ratioToBaseline: Double?
}

/// The libsharedmemory stream bench: a 16-byte string written and read back in one thread,
/// `iterations` times — `legacy-v2` with the value forms (`write(LegacyValue)`, `tryReceive()`,
/// which copies it out into a `String`), the `-bytes` rows with the zero-copy forms
/// (`write(_:bytes:)`, `tryReceive { kind, bytes in }`); beside it the same 2.x protocol in C (lock, flags, size, data,
/// revision; lock, copy, ack), which is what the C++ library does. libsharedmemory publishes
/// 9 M writes/s single-threaded on an Apple M4; the C row is this machine's equivalent.
enum LegacyBench {
    static let cases = [BenchTransport.cLegacyV2, .legacyV2, .legacyV2Bytes, .legacyV1Bytes].map { BenchCase(group: .legacy, transport: $0, messageSize: 16) }
    static let text = "0123456789abcdef"

    static func run(_ benchCase: BenchCase, iterations: UInt64) throws -> LegacyRow {
        let name = "ipc-bench-\(getpid())-legacy"
        let layout: LegacyStreamLayout = benchCase.transport == .legacyV1Bytes ? .version1 : .version2
        let stream = try LegacyStream(create: name, layout: layout, size: 4096)
        defer { try? LegacyStream.remove(name) }
        var best = Double.infinity
        for _ in 0..<3 {
            let nanoseconds: UInt64
            if benchCase.transport == .cLegacyV2 {
                nanoseconds = try withMapping(name) { base in
                    ipcb_legacy_v2_write_read(base, text, UInt32(text.utf8.count), iterations)
                }
            } else {
                let writer = stream.makeWriter()
                var reader = stream.makeReader()
                let value = LegacyValue.string(text)
                var received = 0
                let start = ipcb_monotonic_ns()
                if benchCase.transport == .legacyV2 {
                    for _ in 0..<iterations {
                        try writer.write(value)
                        if let read = try reader.tryReceive(), case .string(let string) = read { received &+= string.utf8.count }
                    }
                } else {
                    // A buffer of its own, outside the loop (a typed-throws closure around the
                    // loop crashes Swift 6.3.1's optimizer).
                    let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: text.utf8.count, alignment: 8)
                    defer { bytes.deallocate() }
                    bytes.copyBytes(from: text.utf8)
                    for _ in 0..<iterations {
                        try writer.write(.string, bytes: UnsafeRawBufferPointer(bytes))
                        _ = try reader.tryReceive { _, read in received &+= read.count }
                    }
                }
                nanoseconds = ipcb_monotonic_ns() - start
                guard received == Int(iterations) * text.utf8.count else {
                    throw BenchFailure("legacy: read \(received) bytes back, expected \(Int(iterations) * text.utf8.count)")
                }
            }
            best = min(best, Double(nanoseconds) / Double(iterations))
        }
        return LegacyRow(transport: benchCase.transport, role: benchCase.transport.role, pairs: iterations,
                         nanosecondsPerPair: best, pairsPerSecond: 1e9 / best)
    }

    /// Runs `body` on a plain mapping of the stream's segment (for the C baseline).
    static func withMapping(_ name: String, _ body: (UnsafeMutableRawPointer) -> UInt64) throws -> UInt64 {
        let memory = try SharedMemory(open: name)
        return body(memory.region.baseAddress)
    }

    static func table(_ rows: [LegacyRow]) -> String {
        var rows = rows
        if let baseline = rows.first(where: { $0.role == .floor }) {
            for index in rows.indices { rows[index].ratioToBaseline = rows[index].nanosecondsPerPair / baseline.nanosecondsPerPair }
        }
        var table = [["transport", "ns/pair", "pairs/s", "×C", "pairs"]]
        for row in rows {
            table.append([BenchTable.label(row.transport, row.role), String(format: "%.1f", row.nanosecondsPerPair),
                          BenchTable.rate(row.pairsPerSecond), BenchTable.ratio(row.ratioToBaseline), String(row.pairs)])
        }
        return "\nlibsharedmemory streams: a 16-byte string written and read back in one thread (best of 3). ×C: over the same 2.x protocol in C (what the C++ library does; it publishes 9 M writes/s on an Apple M4).\n\n"
            + Formatting.table(table) + "\n"
    }
}
