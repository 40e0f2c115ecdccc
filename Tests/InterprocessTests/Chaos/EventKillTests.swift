import Foundation
@testable import Interprocess
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Event waiters and setters in their own processes, SIGKILLed at random points (a waiter
/// parked, just woken, just past its take; a setter right after its set) and replaced. An
/// auto-reset set releases at most one waiter; afterwards no live waiter sleeps while the event
/// is set. Seeded: `CHAOS_SEED` replays a run.
@Suite("ProcessEvent under random kills", .serialized, .timeLimit(.minutes(5)))
struct EventKillTests {
    static let waiterCount = 3

    @Test("random SIGKILLs of waiters and setters: an auto-reset set is taken at most once, and live waiters see every later set", arguments: [ProcessEvent.Mode.autoReset, .manualReset])
    func randomKills(mode: ProcessEvent.Mode) throws {
        let seed = ChaosSeed.make()
        var random = SeededRandom(seed: seed)
        let name = TestSupport.uniqueName("event-kill")
        defer { try? SharedMemory.remove(name) }
        let memory = try SharedMemory(create: name, size: 4096)
        let base = memory.region.baseAddress
        let event = try ProcessEvent.initialize(at: base, mode: mode)
        func counter(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
            (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        }
        let sets = counter(128), taken = counter(192)
        let slots = (0..<Self.waiterCount).map { counter(256 + 64 * $0) }
        for word in [sets, taken] + slots { word.initialize(to: Atomic(0)) }

        func startWaiter(_ slot: Int) throws -> SpawnedPeer { try SpawnedPeer("event-chaos-wait", name, String(slot), String(random.next() >> 1)) }
        func startSetter() throws -> SpawnedPeer { try SpawnedPeer("event-chaos-set", name, String(random.next() >> 1)) }
        var waiters = try (0..<Self.waiterCount).map(startWaiter)
        var setter = try startSetter()  // one at a time: each counted auto-reset set found the event unset
        var killedWaiters: UInt64 = 0, killedSetters: UInt64 = 0
        for _ in 0..<ChaosSeed.scaled(40) {
            usleep(UInt32(3_000 + random.next() % 40_000))
            if random.next() % 3 == 0 {
                setter.killAndReap()
                killedSetters += 1
                setter = try startSetter()
            } else {
                // Now and then aim at the window between a set and its take: a waiter woken and
                // killed before it takes the signal must not keep the others asleep.
                if random.next() % 2 == 0 { _ = TestSupport.eventually(timeout: 0.01) { event.isSet } }
                let slot = Int(random.next() % UInt64(waiters.count))
                waiters[slot].killAndReap()
                killedWaiters += 1
                waiters[slot] = try startWaiter(slot)
            }
        }
        setter.killAndReap()
        killedSetters += 1
        let context = "seed \(seed), \(mode)"

        if mode == .autoReset {
            // Live waiters loop on untimed waits: a set event must be taken, within the 20 ms
            // re-check bound of a lost wake-up (plus generous slack for a loaded machine).
            #expect(TestSupport.eventually(timeout: 5) { !event.isSet }, "\(context): the event stays set beside live waiters")
            usleep(20_000)  // the waiter that took the last set counts it just after
            let setCount = sets.pointee.load(ordering: .relaxed), takenCount = taken.pointee.load(ordering: .relaxed)
            // Sets are counted just before they happen, takes just after: a kill in between
            // leaves a set counted but not made, or a take made but not counted.
            #expect(takenCount <= setCount,
                    "\(context): \(takenCount) takes of \(setCount) sets: a set released two waiters")
            #expect(setCount <= takenCount + killedWaiters + killedSetters,
                    "\(context): \(setCount) sets but only \(takenCount) takes (\(killedWaiters) waiters, \(killedSetters) setters killed): a set was lost")
            #expect(setCount > 0, "\(context): nothing was set")
            for round in 1...5 {
                event.set()
                #expect(TestSupport.eventually(timeout: 5) { !event.isSet && taken.pointee.load(ordering: .relaxed) == takenCount + UInt64(round) },
                        "\(context): fresh set \(round) was not taken exactly once by a live waiter")
            }
        } else {
            event.reset()
            usleep(2_000)
            let before = slots.map { $0.pointee.load(ordering: .relaxed) }
            event.set()
            for slot in 0..<Self.waiterCount {
                #expect(TestSupport.eventually(timeout: 5) { slots[slot].pointee.load(ordering: .relaxed) > before[slot] },
                        "\(context): live waiter \(slot) did not see the set event")
            }
            #expect(sets.pointee.load(ordering: .relaxed) > 0, "\(context): nothing was set")
        }
        for waiter in waiters { waiter.killAndReap() }
    }
}
