import Foundation
@testable import Interprocess
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Producers and consumers of a shared count of items, guarded by a placed ``ProcessMutex`` and
/// signalled through a placed ``ProcessCondition``, SIGKILLed at random points (holding the
/// mutex, asleep on the condition, just after a signal) and replaced. Survivors are told of every
/// holder's death and of no other, repair the count and go on; at the end every live consumer
/// finishes (no lost wake-up keeps one asleep). Seeded: `CHAOS_SEED` replays a run.
@Suite("ProcessCondition and ProcessMutex under random kills", .serialized, .timeLimit(.minutes(5)))
struct ConditionKillTests {
    @Test("random SIGKILLs of producers and consumers: every holder's death is reported, the count is repaired, no consumer stays asleep")
    func randomKills() throws {
        let seed = ChaosSeed.make()
        var random = SeededRandom(seed: seed)
        let name = TestSupport.uniqueName("cond-kill")
        defer { try? SharedMemory.remove(name) }
        let memory = try SharedMemory(create: name, size: 4096)
        let base = memory.region.baseAddress
        try ProcessMutex.initialize(at: base)
        try ProcessCondition.initialize(at: base + 128)
        let mutex = try ProcessMutex(placedAt: base)
        let condition = try ProcessCondition(placedAt: base + 128)
        func word(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
            (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        }
        // The words of the test peer's ConditionChaosLayout.
        let items = word(512), produced = word(520), consumed = word(528), dirty = word(536)
        let holder = word(544), violations = word(552), reports = word(560), stop = word(568)
        for offset in stride(from: 512, through: 568, by: 8) { word(offset).initialize(to: Atomic(0)) }
        let lockWord = (base + ProcessMutex.Field.lockWord.offset).assumingMemoryBound(to: UInt32.self)

        func start(_ role: String, count: Int = 0) throws -> SpawnedPeer {
            try SpawnedPeer("cond-chaos", name, role, String(random.next() >> 1), String(count))
        }
        var producers = try (0..<2).map { _ in try start("producer") }
        var consumers = try (0..<3).map { _ in try start("consumer") }
        var holderKills: UInt64 = 0, kills = 0
        func killCounting(_ victim: SpawnedPeer) {
            // Stopped, it cannot change the lock: whether it holds it now is whether it dies holding it.
            if kill(victim.pid, SIGSTOP) == 0 {
                _ = TestSupport.eventually(timeout: 5) { ChaosSeed.isStopped(victim.pid) }
                if UInt32(bitPattern: victim.pid) == lockWord.pointee & ProcessMutex.LockWord.threadMask { holderKills += 1 }
            }
            victim.killAndReap()
            kills += 1
        }
        for _ in 0..<ChaosSeed.scaled(40) {
            usleep(UInt32(5_000 + random.next() % 40_000))
            let killProducer = random.next() % 2 == 0
            let index = Int(random.next() % UInt64(killProducer ? producers.count : consumers.count))
            killCounting(killProducer ? producers[index] : consumers[index])
            if killProducer { producers[index] = try start("producer") } else { consumers[index] = try start("consumer") }
        }
        for producer in producers { killCounting(producer) }
        let context = "seed \(seed)"

        // A last producer adds 40 items and exits; the live consumers must take them all.
        let last = try start("producer", count: 40)
        #expect(ChaosSeed.exitedCleanly(last.waitForExit(timeout: 10)), "\(context): the last producer failed or hung")
        #expect(TestSupport.eventually(timeout: 5) { items.pointee.load(ordering: .relaxed) == 0 },
                "\(context): \(items.pointee.load(ordering: .relaxed)) items left beside live consumers")

        // Stop the consumers: each must wake, see the stop word and exit.
        let acquisition = try #require(try timingOut { () throws(InterprocessError) in try mutex.lock(timeout: .seconds(10)) }, "\(context): the mutex stayed locked")
        if acquisition.previousOwnerDied {
            reports.pointee.wrappingAdd(1, ordering: .relaxed)
            items.pointee.store(produced.pointee.load(ordering: .relaxed) &- consumed.pointee.load(ordering: .relaxed), ordering: .relaxed)
            dirty.pointee.store(0, ordering: .relaxed)
            holder.pointee.store(0, ordering: .relaxed)
            try mutex.markConsistent()
        }
        stop.pointee.store(1, ordering: .relaxed)
        condition.broadcast()
        try mutex.unlock()
        for consumer in consumers {
            #expect(ChaosSeed.exitedCleanly(consumer.waitForExit(timeout: 5)), "\(context): a live consumer stayed asleep or failed")
        }

        #expect(violations.pointee.load(ordering: .relaxed) == 0,
                "\(context): \(violations.pointee.load(ordering: .relaxed)) acquisitions found a dead holder's state without being told")
        #expect(dirty.pointee.load(ordering: .relaxed) == 0 && holder.pointee.load(ordering: .relaxed) == 0)
        #expect(items.pointee.load(ordering: .relaxed) == 0
                && produced.pointee.load(ordering: .relaxed) == consumed.pointee.load(ordering: .relaxed),
                "\(context): produced \(produced.pointee.load(ordering: .relaxed)), consumed \(consumed.pointee.load(ordering: .relaxed)), items \(items.pointee.load(ordering: .relaxed))")
        let reportCount = reports.pointee.load(ordering: .relaxed)
        // A kill just after a takeover, before its report, loses one report; none may be invented.
        #expect(reportCount <= holderKills, "\(context): \(reportCount) owner-died reports, \(holderKills) holders killed (of \(kills) kills)")
        #expect(holderKills == 0 || reportCount > 0, "\(context): holders died and nobody was told")
    }
}
