import Foundation
@testable import Interprocess
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Processes SIGKILLed inside allocate and deallocate, hundreds of times, while two survivors
/// keep using the heap: the survivors see no damage, published blocks stay intact, verify()
/// passes, and what leaks is bounded by what the dead processes held.
@Suite("ManagedSegment under SIGKILL", .serialized, .timeLimit(.minutes(3)))
struct ManagedKillTests {
    /// The most a victim holds: 8 blocks of up to 4 KiB (with their headers), one in flight,
    /// and up to 64 small blocks it freed whose bits it had not yet published.
    static let heldPerVictim = 9 * (4096 + 16) + 64 * 1024

    @Test("≥ 300 SIGKILLs inside allocate or deallocate: survivors continue, verify passes, published data intact, leak bounded",
          arguments: ["allocate", "deallocate"])
    func randomKills(mode: String) throws {
        let seed = ChaosSeed.make()
        var random = SeededRandom(seed: seed)
        let context = "seed \(seed), \(mode)"
        let name = TestSupport.uniqueName("heap-kill"), ledgerName = TestSupport.uniqueName("heap-kill-ledger")
        defer {
            try? ManagedSegment.remove(name)
            try? SharedMemory.remove(ledgerName)
        }
        let heap = try ManagedSegment(create: name, size: 32 << 20)
        let ledger = try SharedMemory(create: ledgerName, size: 4096)
        let steps = ledger.region.baseAddress.bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        // Published before the kills: must come through them intact.
        var published: [(SegmentOffset, Int)] = []
        for index in 0..<64 {
            let count = index % 2 == 0 ? 40 : 3000
            let offset = try heap.allocate(byteCount: count)
            _ = try heap.withUnsafeMutableBytes(at: offset, byteCount: count) { $0.initializeMemory(as: UInt8.self, repeating: UInt8(index)) }
            published.append((offset, count))
        }
        let survivors = try (0..<2).map { index in
            try TestSupport.BackgroundPeer(["heap-survivor", name, String(seed &+ UInt64(index)), "60000", String(100 + index), ledgerName])
        }
        let kills = ChaosSeed.scaled(300)
        for _ in 0..<kills {
            let before = steps.pointee.load(ordering: .relaxed)
            let victim = try SpawnedPeer("heap-victim", name, ledgerName, String(random.next() >> 1), mode)
            // Attached and running: it has taken a step since it started.
            let started = Date()
            while steps.pointee.load(ordering: .relaxed) == before && Date().timeIntervalSince(started) < 10 { usleep(200) }
            usleep(UInt32(random.next() % 3000))
            victim.killAndReap()
        }
        (ledger.region.baseAddress + 8).bindMemory(to: Atomic<UInt64>.self, capacity: 1).pointee.store(1, ordering: .relaxed)
        for survivor in survivors {
            let outcome = try survivor.wait()
            #expect(outcome.status == 0 && outcome.standardOutput.hasPrefix("ok "), "\(context): \(outcome)")
        }
        for (index, (offset, count)) in published.enumerated() {
            let intact = try heap.withUnsafeMutableBytes(at: offset, byteCount: count) { $0.allSatisfy { $0 == UInt8(index) } }
            #expect(intact, "\(context): published block \(index) at \(offset) was damaged")
        }
        let report = try heap.verify()
        let publishedBytes = published.reduce(0) { $0 + ($1.1 <= 1024 ? 48 : $1.1 + 16) }
        #expect(report.statistics.used <= publishedBytes + kills * Self.heldPerVictim, "\(context): \(report.statistics)")
        #expect(steps.pointee.load(ordering: .relaxed) > UInt64(kills), "\(context): the victims hardly ran")
    }
}
