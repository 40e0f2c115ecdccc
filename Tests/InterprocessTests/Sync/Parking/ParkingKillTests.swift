import Foundation
@testable import Interprocess
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Semaphore waiters and posters in their own processes, SIGKILLed at random points (a waiter
/// asleep, just woken, or just past its take; a poster between its post and its wake-up), and
/// replaced. Afterwards no live waiter may sleep while units are left, and every unit counted
/// as posted is counted as taken, give or take the kills that fell between an operation and
/// its counting. Seeded: the seed is in every failure message (`PARKING_KILL_SEED` replays one).
@Suite("Parking under random kills", .serialized, .timeLimit(.minutes(5)))
struct ParkingKillTests {
    /// The words `sem-take-loop` and `sem-post-loop` share (see the test peer's ParkingKillLayout).
    static let postedOffset = 128, takenOffset = 256

    @Test("semaphore: random SIGKILLs of waiters and posters lose no unit and leave no live waiter asleep beside one")
    func randomKills() throws {
        let seed = ProcessInfo.processInfo.environment["PARKING_KILL_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64(UInt32.max))
        var random = SeededRandom(seed: seed)
        let name = TestSupport.uniqueName("park-kill")
        defer { try? SharedMemory.remove(name) }
        let memory = try SharedMemory(create: name, size: 4096)
        let base = memory.region.baseAddress
        let semaphore = try ProcessSemaphore.initialize(at: base, initialCount: 0, maximumCount: 1 << 30)
        let posted = (base + Self.postedOffset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        let taken = (base + Self.takenOffset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        posted.initialize(to: Atomic(0))
        taken.initialize(to: Atomic(0))

        func startWaiter() throws -> SpawnedPeer { try SpawnedPeer("sem-take-loop", name) }
        func startPoster() throws -> SpawnedPeer { try SpawnedPeer("sem-post-loop", name, String(random.next() >> 1)) }
        var waiters = try (0..<3).map { _ in try startWaiter() }
        var posters = try (0..<2).map { _ in try startPoster() }
        var killedWaiters: UInt64 = 0, killedPosters: UInt64 = 0
        for _ in 0..<30 {
            usleep(UInt32(5_000 + random.next() % 60_000))
            if random.next() % 3 == 0 {
                let index = Int(random.next() % UInt64(posters.count))
                posters[index].killAndReap()
                killedPosters += 1
                posters[index] = try startPoster()
            } else {
                let index = Int(random.next() % UInt64(waiters.count))
                waiters[index].killAndReap()
                killedWaiters += 1
                waiters[index] = try startWaiter()
            }
        }
        for poster in posters { poster.killAndReap() }
        killedPosters += UInt64(posters.count)

        // Three live waiters loop on untimed waits: every unit left must be taken.
        #expect(TestSupport.eventually(timeout: 10) { semaphore.currentCount == 0 },
                "seed \(seed): \(semaphore.currentCount) units left beside live waiters")
        let postedCount = posted.pointee.load(ordering: .relaxed), takenCount = taken.pointee.load(ordering: .relaxed)
        // A kill between a post (take) and its counting leaves the counter one short.
        #expect(takenCount <= postedCount + killedPosters && postedCount <= takenCount + killedWaiters,
                "seed \(seed): posted \(postedCount) (\(killedPosters) posters killed), taken \(takenCount) (\(killedWaiters) waiters killed)")
        #expect(postedCount > 0, "seed \(seed): the posters posted nothing")

        // And the survivors still take exactly what is posted now.
        try semaphore.post(count: 5)
        #expect(TestSupport.eventually(timeout: 10) { taken.pointee.load(ordering: .relaxed) == takenCount + 5 },
                "seed \(seed): live waiters did not take 5 fresh units")
        #expect(semaphore.currentCount == 0)
        for waiter in waiters { waiter.killAndReap() }
    }
}

/// A test peer started with `posix_spawn` and reaped with `waitpid`: killing hundreds of
/// Foundation `Process`es in a loop sometimes leaves `waitUntilExit()` waiting for ever.
final class SpawnedPeer {
    let pid: pid_t

    convenience init(_ arguments: String...) throws { try self.init(arguments: arguments) }

    init(arguments: [String]) throws {
        let path = try TestSupport.executable("interprocess-test-peer").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor in [Int32(0), 1, 2] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard result == 0 else { throw TestFailure("posix_spawn failed: \(result)") }
        self.pid = pid
    }

    deinit { killAndReap() }

    /// SIGKILL, then reap (once: later calls do nothing).
    func killAndReap() {
        guard !reaped else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        reaped = true
    }

    /// Waits up to `timeout` seconds for the peer to exit by itself and returns its wait status
    /// (as `waitpid` reports it); nil if it is still running then (it is killed and reaped).
    func waitForExit(timeout: Double) -> Int32? {
        guard !reaped else { return nil }
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        repeat {
            if waitpid(pid, &status, WNOHANG) == pid {
                reaped = true
                return status
            }
            usleep(2_000)
        } while Date() < deadline
        killAndReap()
        return nil
    }

    private var reaped = false
}

