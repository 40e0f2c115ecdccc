import Foundation
@testable import Interprocess
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Randomized, seeded (set `IPC_TEST_SEED` to replay; the seed is in every failure message):
/// readers and writers SIGKILLed at random points, and every word of a lock scribbled on by
/// another process while victim processes use it.
@Suite("ProcessRWLock randomized kills and mutations", .timeLimit(.minutes(5)))
struct ProcessRWLockChaosTests {
    typealias Counters = ProcessRWLockCrossProcessTests.Counters


    static func seed() -> UInt64 {
        ProcessInfo.processInfo.environment["IPC_TEST_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0..<(1 << 62))
    }

    @Test("2 writers and 3 readers SIGKILLed at random points: survivors never see a ≠ b, readers repair, the lock keeps working")
    func randomKills() throws {
        let seed = Self.seed()
        var random = SeededRandom(seed: seed)
        let name = TestSupport.uniqueName("rw-kills")
        defer { try? SharedMemory.remove(name) }
        let memory = try ProcessRWLockCrossProcessTests.counterSegment(name)
        let roles = ["writer", "writer", "reader", "reader", "reader"]
        var peers = try roles.map { try LockPeerProcess("rw-chaos", name, $0, random.peerSeed()) }
        for peer in peers { try peer.expectLine("ready") }
        let lock = try ProcessRWLock(placedAt: memory.region.baseAddress)
        var kills = 0, killedHoldingExclusive = 0
        let end = Date().addingTimeInterval(2.5)
        while Date() < end {
            usleep(UInt32(random.below(40_000)))
            let index = random.below(peers.count)
            if lock.exclusiveOwner?.pid == peers[index].pid { killedHoldingExclusive += 1 }
            try peers[index].killAndReap()
            kills += 1
            peers[index] = try LockPeerProcess("rw-chaos", name, roles[index], random.peerSeed())
        }
        ProcessRWLockCrossProcessTests.setStop(memory)
        for (index, peer) in peers.enumerated() {
            let lines = try peer.remainingOutput(timeout: 30)
            let summary = lines.last { $0.hasPrefix("violations") }
            #expect(summary?.hasPrefix("violations 0 ") == true, "seed \(seed): \(roles[index]) \(peer.pid) printed \(lines)")
            #expect(peer.process.terminationStatus == 0, "seed \(seed): \(roles[index]) \(peer.pid) printed \(lines)")
        }
        let a = memory.region.baseAddress.load(fromByteOffset: Counters.a, as: UInt64.self)
        let consistent = try lock.withExclusiveLock(onOwnerDeath: { _ in
            memory.region.baseAddress.storeBytes(of: a, toByteOffset: Counters.b, as: UInt64.self)
        }) {
            memory.region.baseAddress.load(fromByteOffset: Counters.a, as: UInt64.self)
                == memory.region.baseAddress.load(fromByteOffset: Counters.b, as: UInt64.self)
        }
        #expect(consistent, "seed \(seed)")
        #expect(kills > 0, "seed \(seed): \(kills) kills, \(killedHoldingExclusive) of a writer holding the exclusive side")
    }

    @Test("another process writes random and crafted values into every word while 3 victims lock with deadlines: success or typed errors, never a crash or hang")
    func randomMutations() throws {
        let seed = Self.seed()
        var random = SeededRandom(seed: seed)
        let name = TestSupport.uniqueName("rw-mutate")
        defer { try? SharedMemory.remove(name) }
        let memory = try ProcessRWLockCrossProcessTests.counterSegment(name)
        let base = memory.region.baseAddress
        let victims = try (0..<3).map { _ in try LockPeerProcess("rw-victim", name, random.peerSeed(), "2000") }
        for victim in victims { try victim.expectLine("ready") }
        let identities = victims.compactMap { ProcessIdentity(runningProcess: $0.pid) }
        let fields = RWLockLayout.Field.allCases.filter { $0 != .readerSlots }
        var mutations = 0
        let end = Date().addingTimeInterval(1.8)
        while Date() < end {
            let slot = random.below(RWLockLayout.slotCount)
            let field = random.below(3) == 0 ? nil : fields[random.below(fields.count)]
            let offset = field.map(\.offset) ?? RWLockLayout.Field.readerSlots.offset + slot * RWLockLayout.slotStride
            let size = field?.size ?? 8
            let victim = identities.isEmpty ? ProcessIdentity.current : identities[random.below(identities.count)]
            let value: UInt64
            switch random.below(6) {
            case 0: value = 0
            case 1: value = random.next()
            case 2: value = UInt64(random.below(4))  // small: the consistency states, counts
            case 3: value = RWLockOwnerTag.owner(victim)  // a live owner
            case 4: value = RWLockOwnerTag.slot(victim) | UInt64(random.below(2) == 0 ? 0 : 255)  // count 0 or full
            default: value = RWLockOwnerTag.slot(victim) | 1
            }
            if size == 8 {
                (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1).pointee.store(value, ordering: .relaxed)
            } else {
                (base + offset).bindMemory(to: Atomic<UInt32>.self, capacity: 1).pointee.store(UInt32(truncatingIfNeeded: value), ordering: .relaxed)
            }
            mutations += 1
            usleep(UInt32(random.below(500)))
        }
        for victim in victims {
            let lines = try victim.remainingOutput(timeout: 30)
            #expect(lines.last?.hasPrefix("survived ") == true, "seed \(seed): victim \(victim.pid) printed \(lines)")
            #expect(victim.process.terminationReason == .exit && victim.process.terminationStatus == 0,
                    "seed \(seed): victim \(victim.pid) ended with \(victim.process.terminationStatus) (\(victim.process.terminationReason == .exit ? "exit" : "signal")), printed \(lines)")
        }
        #expect(mutations > 100)
    }
}
