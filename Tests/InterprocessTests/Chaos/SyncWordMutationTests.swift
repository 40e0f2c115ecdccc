import Foundation
@testable import Interprocess
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Random words of a placed semaphore, event, condition and mutex rewritten while victim
/// processes keep long-lived handles on them and call them with short deadlines: every call
/// returns (typed errors are fine) within its deadline plus a second; no crash, trap or hang.
/// Seeded: `CHAOS_SEED` replays a run.
@Suite("Sync primitives' words mutated under long-lived handles", .serialized, .timeLimit(.minutes(5)))
struct SyncWordMutationTests {
    @Test("random words rewritten under semaphore, event, condition and mutex handles in use: every call returns by its deadline")
    func randomMutations() throws {
        let seed = ChaosSeed.make()
        var random = SeededRandom(seed: seed)
        let name = TestSupport.uniqueName("sync-words")
        defer { try? SharedMemory.remove(name) }
        let memory = try SharedMemory(create: name, size: 4096)
        let base = memory.region.baseAddress
        try ProcessSemaphore.initialize(at: base, initialCount: 1)
        try ProcessEvent.initialize(at: base + 64, mode: random.next() % 2 == 0 ? .autoReset : .manualReset)
        try ProcessCondition.initialize(at: base + 128)
        try ProcessMutex.initialize(at: base + 256)
        let ready = (base + 1024).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        ready.initialize(to: Atomic(0))
        let original = [UInt8](UnsafeRawBufferPointer(start: base, count: 384))
        let milliseconds = ChaosSeed.scaled(1_500)
        let victims = try (0..<3).map { _ in
            try SpawnedPeer("sync-word-victim", name, String(milliseconds), String(random.next() >> 1))
        }
        #expect(TestSupport.eventually(timeout: 10) { ready.pointee.load(ordering: .relaxed) == 3 }, "seed \(seed): victims did not start")
        let end = Date().addingTimeInterval(Double(milliseconds) / 1000 - 0.1)
        let specials: [UInt64] = [0, 1, 2, 3, UInt64(UInt32.max), UInt64.max, 1 << 31, 1 << 30, 0x7FFF_FFFF,
                                  UInt64(victims[0].pid), UInt64(victims[1].pid) | 1 << 31, UInt64(getpid())]
        var mutations = 0
        while Date() < end {
            // Anywhere in the four primitives, tags included: the handles were validated at open,
            // and every call must cope with whatever it reads now.
            let offset = Int(random.next() % UInt64(original.count))
            HeaderMutationTests.mutate(base, at: offset, original: original, specials: specials, &random)
            mutations += 1
            usleep(UInt32(random.next() % 1_000))
        }
        // Words as they were, so the victims' last calls find a sane state.
        original.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        HeaderMutationTests.expectCleanExits(victims, seed: seed, mutations: mutations)
    }
}
