import Foundation
@testable import Interprocess
import Testing

/// Online growth while other processes use the segment, and shrinking when alone.
@Suite("ManagedSegment growth", .timeLimit(.minutes(1)))
struct ManagedGrowthTests {
    @Test("grow while 3 processes allocate, write and check through offsets: all see the same blocks; verify passes")
    func growWhileOthersWork() throws {
        let seed = ChaosSeed.make()
        let name = TestSupport.uniqueName("heap-grow")
        defer { try? ManagedSegment.remove(name) }
        let heap = try ManagedSegment(create: name, size: 1 << 20, maximumSize: 64 << 20)
        // Published before the growth: must read the same after it, in every process.
        let early = try heap.allocate(byteCount: 4000)
        _ = try heap.withUnsafeMutableBytes(at: early, byteCount: 4000) { $0.initializeMemory(as: UInt8.self, repeating: 0xab) }
        let peers = try (0..<3).map { index in
            try TestSupport.BackgroundPeer(["heap-random", name, String(seed &+ UInt64(index)), "30000", String(index * 60 + 7)])
        }
        for step in 2...8 {
            usleep(20_000)
            try heap.grow(to: step << 20)
        }
        var live: [(offset: UInt64, count: Int)] = []
        for peer in peers {
            let outcome = try peer.wait()
            #expect(outcome.status == 0, "seed \(seed): \(outcome)")
            for line in outcome.standardOutput.split(separator: "\n") where line.hasPrefix("live ") {
                let fields = line.split(separator: " ")
                live.append((UInt64(fields[1])!, Int(fields[2])!))
            }
        }
        #expect(heap.size == 8 << 20)
        // Offsets past the first megabyte were handed out: the peers used the grown part.
        #expect(live.contains { $0.offset > 1 << 20 }, "seed \(seed)")
        let other = try ManagedSegment(open: name)
        let intact = try other.withUnsafeMutableBytes(at: early, byteCount: 4000) { $0.allSatisfy { $0 == 0xab } }
        #expect(intact)
        _ = try heap.verify()
        let tooLarge = #expect(throws: InterprocessError.self) { try heap.grow(to: 65 << 20) }
        #expect(tooLarge?.code == .invalidArgument)
    }

    @Test("a handle that did not grow maps the new part on first use; shrinkToFit waits for it to close")
    func remapAndShrink() throws {
        let name = TestSupport.uniqueName("heap-shrink")
        defer { try? ManagedSegment.remove(name) }
        let heap = try ManagedSegment(create: name, size: 1 << 20)
        var other: ManagedSegment? = try ManagedSegment(open: name)
        try heap.grow(to: 4 << 20)
        let big = try heap.allocate(byteCount: 2 << 20)
        try other!.withUnsafeMutableBytes(at: big, byteCount: 2 << 20) { $0[(2 << 20) - 1] = 7 }
        #expect(other!.size == 4 << 20)
        try other!.deallocate(big)
        let busy = #expect(throws: InterprocessError.self) { try heap.shrinkToFit() }
        #expect(busy?.code == .resourceLimit)
        other = nil
        try heap.shrinkToFit()
        #expect(heap.size == 1 << 20)
        _ = try heap.verify()
        _ = try heap.allocate(byteCount: 100_000)
    }
}
