import Interprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `sem-chaos-take`, `sem-chaos-post`: semaphore waiters mixing untimed, timed and polling
/// takes, and posters counting each unit just before they post it, for the randomized kill
/// test; SHM is laid out as ``ParkingKillLayout`` (semaphore at 0, posted and taken counters).
enum SemaphoreChaosCommands {
    /// `sem-chaos-take SHM SEED`: takes units forever — untimed waits, waits with a deadline
    /// 0–3 ms away, tryWait polls, at random — counting each right after taking it.
    static func take(_ arguments: inout Arguments) throws {
        let memory = try SharedMemory(open: try arguments.next("SHM"))
        var random = PeerRandom(seed: UInt64(truncatingIfNeeded: try arguments.nextInt("SEED")))
        try arguments.finish()
        let base = memory.region.baseAddress
        let semaphore = try ProcessSemaphore(placedAt: base)
        let taken = ParkingKillLayout.counter(base, ParkingKillLayout.takenOffset)
        withExtendedLifetime(memory) {
            while true {
                let roll = random.next()
                switch roll % 4 {
                case 0: guard (try? semaphore.wait(timeout: .microseconds(Int64((roll >> 8) % 3_000)))) != nil else { continue }
                case 1:
                    guard semaphore.tryWait() else {
                        usleep(100)
                        continue
                    }
                default: semaphore.wait()
                }
                taken.pointee.wrappingAdd(1, ordering: .relaxed)
            }
        }
    }

    /// `sem-chaos-post SHM SEED`: posts one or a few units at a time forever, counting them just
    /// before posting (so counted units never fall behind taken ones), pausing 0–500 µs.
    static func post(_ arguments: inout Arguments) throws {
        let memory = try SharedMemory(open: try arguments.next("SHM"))
        var random = PeerRandom(seed: UInt64(truncatingIfNeeded: try arguments.nextInt("SEED")))
        try arguments.finish()
        let base = memory.region.baseAddress
        let semaphore = try ProcessSemaphore(placedAt: base)
        let posted = ParkingKillLayout.counter(base, ParkingKillLayout.postedOffset)
        try withExtendedLifetime(memory) {
            while true {
                let roll = random.next()
                let count = 1 + Int(roll % 3)
                posted.pointee.wrappingAdd(UInt64(count), ordering: .relaxed)
                try semaphore.post(count: count)
                usleep(UInt32((roll >> 8) % 500))
            }
        }
    }
}
