import Foundation
@testable import Interprocess
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Beyond ParkingKillTests: semaphore waiters that mix untimed, timed (deadlines 0–3 ms) and
/// polling takes, and posters of 1–3 units at a time, SIGKILLed at random points and replaced.
/// Units are counted before they are posted and after they are taken, so a unit taken twice,
/// or a timed wait that consumed a unit and reported a timeout, shows. Seeded: `CHAOS_SEED`.
@Suite("ProcessSemaphore under random kills, mixed waits", .serialized, .timeLimit(.minutes(5)))
struct SemaphoreKillTests {
    @Test("random SIGKILLs of mixed waiters and posters: no unit taken twice or lost, none left beside live waiters")
    func randomKills() throws {
        let seed = ChaosSeed.make()
        var random = SeededRandom(seed: seed)
        let context = "seed \(seed)"
        let name = TestSupport.uniqueName("sem-kill")
        defer { try? SharedMemory.remove(name) }
        let memory = try SharedMemory(create: name, size: 4096)
        let base = memory.region.baseAddress
        let semaphore = try ProcessSemaphore.initialize(at: base, initialCount: 0, maximumCount: 1 << 30)
        // The test peer's ParkingKillLayout.
        let posted = (base + 128).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        let taken = (base + 256).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        posted.initialize(to: Atomic(0))
        taken.initialize(to: Atomic(0))

        func startWaiter() throws -> SpawnedPeer { try SpawnedPeer("sem-chaos-take", name, String(random.next() >> 1)) }
        func startPoster() throws -> SpawnedPeer { try SpawnedPeer("sem-chaos-post", name, String(random.next() >> 1)) }
        var waiters = try (0..<3).map { _ in try startWaiter() }
        var posters = try (0..<2).map { _ in try startPoster() }
        var killedWaiters: UInt64 = 0, killedPosters: UInt64 = 0
        for _ in 0..<ChaosSeed.scaled(40) {
            usleep(UInt32(3_000 + random.next() % 40_000))
            if random.next() % 3 == 0 {
                let index = Int(random.next() % UInt64(posters.count))
                posters[index].killAndReap()
                killedPosters += 1
                posters[index] = try startPoster()
            } else {
                // Now and then aim at a waiter just woken: right after units appear.
                if random.next() % 2 == 0 { _ = TestSupport.eventually(timeout: 0.01) { semaphore.currentCount > 0 } }
                let index = Int(random.next() % UInt64(waiters.count))
                waiters[index].killAndReap()
                killedWaiters += 1
                waiters[index] = try startWaiter()
            }
        }
        for poster in posters { poster.killAndReap() }
        killedPosters += UInt64(posters.count)

        #expect(TestSupport.eventually(timeout: 5) { semaphore.currentCount == 0 },
                "\(context): \(semaphore.currentCount) units left beside live waiters")
        usleep(20_000)  // the waiter that took the last unit counts it just after
        let postedCount = posted.pointee.load(ordering: .relaxed), takenCount = taken.pointee.load(ordering: .relaxed)
        // A poster killed between counting and posting leaves up to 3 units counted, never posted.
        #expect(takenCount <= postedCount, "\(context): \(takenCount) units taken of \(postedCount) posted")
        #expect(postedCount <= takenCount + killedWaiters + 3 * killedPosters,
                "\(context): \(postedCount) posted, \(takenCount) taken (\(killedWaiters) waiters, \(killedPosters) posters killed): units lost")
        #expect(postedCount > 0, "\(context): nothing was posted")

        try semaphore.post(count: 5)
        #expect(TestSupport.eventually(timeout: 5) { taken.pointee.load(ordering: .relaxed) == takenCount + 5 && semaphore.currentCount == 0 },
                "\(context): live waiters did not take exactly 5 fresh units")
        for waiter in waiters { waiter.killAndReap() }
    }
}
