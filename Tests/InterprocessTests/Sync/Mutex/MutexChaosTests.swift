import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MutexTests {
    /// Randomized, seeded: processes killed at random points while counting under the lock, and
    /// random words written into the lock while processes use it. The seed is in every message;
    /// set `MUTEX_CHAOS_SEED` to replay one.
    @Suite("ProcessMutex chaos", .timeLimit(.minutes(5)))
    struct MutexChaosTests {
        static let seed: UInt64 = ProcessInfo.processInfo.environment["MUTEX_CHAOS_SEED"].flatMap { UInt64($0) }
            ?? UInt64.random(in: 1...UInt64(UInt32.max))

        @Test("random SIGKILLs of counting processes: every holder's death is reported, never a silent one, and the count stays consistent")
        func randomKills() throws {
            var random = SeededRandom(seed: Self.seed)
            let fixture = try MutexFixture("mx-chaos")
            let word = (fixture.base + ProcessMutex.Field.lockWord.offset).assumingMemoryBound(to: UInt32.self)
            let end = Deadline.after(.milliseconds(2500))
            let endArgument = String(end.nanoseconds)
            var peers = try (0..<3).map { _ in try MutexPeers.start("mutex-chaos", fixture.name, endArgument) }
            var killed: Set<Int32> = [], holderKills = 0
            while Deadline.after(.milliseconds(400)) < end {
                usleep(UInt32(10_000 + random.next() % 30_000))
                let index = Int(random.next() % UInt64(peers.count))
                let victim = peers[index]
                let pid = victim.processIdentifier
                guard victim.isRunning, kill(pid, SIGSTOP) == 0 else { continue }
                // Stopped, it cannot change the lock: whether it holds it now is whether it dies holding it.
                _ = TestSupport.eventually(timeout: 5) { Self.isStopped(pid) }
                let held = UInt32(pid) == word.pointee & ProcessMutex.LockWord.threadMask
                kill(pid, SIGKILL)
                victim.waitUntilExit()
                killed.insert(pid)
                if held { holderKills += 1 }
                peers[index] = try MutexPeers.start("mutex-chaos", fixture.name, endArgument)
            }
            for peer in peers {
                #expect(MutexPeers.finish(peer), "seed \(Self.seed): a counting process hung")
                #expect(peer.terminationReason == .exit && peer.terminationStatus == 0,
                        "seed \(Self.seed): a counting process failed (status \(peer.terminationStatus)): an owner's death went unnoticed or a lock failed")
            }
            let mutex = try fixture.mutex()
            var reports = fixture.field(MutexChaosLayout.reports).pointee
            let acquisition = try #require(try timingOut { () throws(InterprocessError) in try mutex.lock(timeout: .seconds(10)) }, "seed \(Self.seed)")
            if case .previousOwnerDied(let dead) = acquisition {
                reports += 1
                #expect(dead.pid == 0 || killed.contains(dead.pid), "seed \(Self.seed)")
                if fixture.dirty.pointee != 0 { fixture.counter.pointee = fixture.field(MutexChaosLayout.shadow).pointee }
                fixture.dirty.pointee = 0
                try mutex.markConsistent()
            }
            #expect(fixture.counter.pointee == fixture.field(MutexChaosLayout.shadow).pointee && fixture.dirty.pointee == 0,
                    "seed \(Self.seed): the count is consistent after every repair")
            #expect(fixture.counter.pointee > 0, "seed \(Self.seed): some counting happened")
            try mutex.unlock()
            // A kill just after a takeover, before its report, loses one report; none may be invented.
            #expect(reports <= UInt64(holderKills), "seed \(Self.seed): \(reports) owner-died reports, \(holderKills) holders killed")
            #expect(holderKills == 0 || reports > 0, "seed \(Self.seed): holders died and nobody was told")
            for slot in 0..<min(Int(reports), MutexChaosLayout.logSlots) {
                let pid = Int32(truncatingIfNeeded: fixture.field(MutexChaosLayout.log + 8 * slot).pointee)
                #expect(pid == 0 || killed.contains(pid), "seed \(Self.seed): reported dead pid \(pid) was never killed")
            }
        }

        @Test("random words written into a mutex in use: typed errors or success, never a crash or a hang")
        func randomMutations() throws {
            var random = SeededRandom(seed: Self.seed)
            let fixture = try MutexFixture("mx-fuzz", recursive: random.next() % 2 == 0)
            let base = fixture.base
            let end = Deadline.after(.milliseconds(1500))
            let peers = try (0..<3).map { _ in
                try MutexPeers.start("mutex-fuzz", fixture.name, String(Self.seed % UInt64(Int.max)), String(end.nanoseconds))
            }
            let pids = peers.map { UInt32(bitPattern: $0.processIdentifier) }
            let mutex = try fixture.mutex()
            while !end.hasPassed {
                let offset = ProcessMutex.Field.lockWord.offset + 4 * Int(random.next() % 16)
                let tid = pids[Int(random.next() % UInt64(pids.count))]
                let values: [UInt32] = [0, tid, tid | 0x4000_0000, tid | 0x8000_0000, 0x3FFF_FFFF, 0x4000_0000, 0x8000_0000,
                                        .max, 1, UInt32(truncatingIfNeeded: random.next()), ThreadID.current]
                let value = values[Int(random.next() % UInt64(values.count))]
                (base + offset).storeBytes(of: value, as: UInt32.self)
                // This process is a victim too.
                _ = interprocessError { _ = try mutex.lock(timeout: .milliseconds(Int64(random.next() % 3))) }
                _ = interprocessError { try mutex.unlock() }
                usleep(UInt32(random.next() % 1000))
            }
            for peer in peers {
                #expect(MutexPeers.finish(peer, timeout: 10), "seed \(Self.seed): a process hung")
                #expect(peer.terminationReason == .exit && peer.terminationStatus == 0,
                        "seed \(Self.seed): a process crashed or failed (reason \(peer.terminationReason.rawValue), status \(peer.terminationStatus))")
            }
        }

        static func isStopped(_ pid: Int32) -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return true }
            return stat[stat.index(close, offsetBy: 2)...].first == "T"
        }
    }
}

/// Where `mutex-chaos` keeps its fields in ``MutexFixture``'s body.
enum MutexChaosLayout {
    static let shadow = 272, holder = 280, reports = 288, log = 296, logSlots = 27
}

