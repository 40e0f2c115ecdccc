import Foundation
@testable import Interprocess
import Testing

/// Four processes allocating and freeing in one managed segment at once.
@Suite("ManagedSegment across processes", .timeLimit(.minutes(2)))
struct ManagedCrossProcessTests {
    @Test("4 processes allocate and free at random: every block keeps its owner's pattern, live blocks never overlap, verify passes")
    func fourProcessesAtRandom() throws {
        let seed = ChaosSeed.make()
        let name = TestSupport.uniqueName("heap4")
        defer { try? ManagedSegment.remove(name) }
        let heap = try ManagedSegment(create: name, size: 16 << 20)
        let peers = try (0..<4).map { index in
            try TestSupport.BackgroundPeer(["heap-random", name, String(seed &+ UInt64(index)), "20000", String(index * 50 + 1)])
        }
        var live: [(offset: UInt64, count: Int, byte: UInt8)] = []
        for peer in peers {
            let outcome = try peer.wait()
            #expect(outcome.status == 0, "seed \(seed): \(outcome)")
            for line in outcome.standardOutput.split(separator: "\n") where line.hasPrefix("live ") {
                let fields = line.split(separator: " ")
                live.append((UInt64(fields[1])!, Int(fields[2])!, UInt8(fields[3])!))
            }
        }
        let sorted = live.sorted { $0.offset < $1.offset }
        for (left, right) in zip(sorted, sorted.dropFirst()) {
            #expect(left.offset + UInt64(left.count) <= right.offset, "seed \(seed): blocks at \(left.offset) and \(right.offset) overlap")
        }
        for block in live {
            let intact = try heap.withUnsafeMutableBytes(at: SegmentOffset(rawValue: block.offset), byteCount: block.count) {
                $0.allSatisfy { $0 == block.byte }
            }
            #expect(intact, "seed \(seed): block \(block.offset) lost its pattern")
        }
        let report = try heap.verify()
        let smallLive = live.filter { $0.count <= 1024 }.count
        #expect(report.statistics.smallBlocks == smallLive, "seed \(seed)")
        #expect(report.statistics.largeBlocks == live.count - smallLive, "seed \(seed)")
        // The peers exited without releasing their cache records' claims by hand: their records
        // are reclaimed by the next thread that needs one, and their slabs adopted.
        for block in live { try heap.deallocate(SegmentOffset(rawValue: block.offset)) }
        let after = try heap.verify()
        #expect(after.statistics.used == 0, "seed \(seed)")
    }
}
