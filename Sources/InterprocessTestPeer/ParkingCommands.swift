import Interprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `sem-take-loop`, `sem-post-loop`: endless semaphore waiters and posters for the randomized
/// kill test of the parking protocol; the test kills them with SIGKILL at random points.
///
/// SHM is plain shared memory laid out as ``ParkingKillLayout``: a placed semaphore at offset
/// 0, and counters of units posted and taken, each on its own line. A process counts a unit
/// right after posting or taking it, so a kill between the two leaves its counter one short.
enum ParkingCommands {
    /// `sem-take-loop SHM`: takes units forever (untimed waits), counting each in `taken`.
    static func takeLoop(_ arguments: inout Arguments) throws {
        let memory = try SharedMemory(open: try arguments.next("SHM"))
        try arguments.finish()
        let base = memory.region.baseAddress
        let semaphore = try ProcessSemaphore(placedAt: base)
        let taken = ParkingKillLayout.counter(base, ParkingKillLayout.takenOffset)
        withExtendedLifetime(memory) {  // the mapping, unmapped once `memory` ends
            while true {
                semaphore.wait()
                taken.pointee.wrappingAdd(1, ordering: .relaxed)
            }
        }
    }

    /// `cond-wait-until SEGMENT MS`: locks the placed mutex of a `mutex-*` segment, waits once
    /// on its condition with a deadline MS from now, and prints how the wait ended: "signalled",
    /// or "timed out, not held" / "timed out, held" (the `timedOut` error, and whether the
    /// calling thread still holds the mutex: it must not).
    static func conditionWaitUntil(_ arguments: inout Arguments) throws {
        let segment = try Segment(open: arguments.next("SEGMENT"), kind: .raw)
        let deadline = Deadline.after(.milliseconds(try arguments.nextInt("MS")))
        try arguments.finish()
        let base = try segment.writableBody.baseAddress!
        let mutex = try ProcessMutex(placedAt: base)
        let condition = try ProcessCondition(placedAt: base + MutexCommands.conditionOffset)
        _ = try mutex.lock()
        let outcome = Result { () throws(InterprocessError) -> LockAcquisition in try condition.wait(mutex, until: deadline) }
        switch outcome {
        case .success:
            try mutex.unlock()
            print("signalled")
        case .failure(let error):
            guard error.code == .timedOut else { throw error }
            print(mutex.recordedOwner == .current ? "timed out, held" : "timed out, not held")
        }
    }

    /// `sem-post-loop SHM SEED`: posts units forever, counting each in `posted`, pausing a
    /// random 0–500 µs (from SEED) between posts.
    static func postLoop(_ arguments: inout Arguments) throws {
        let memory = try SharedMemory(open: try arguments.next("SHM"))
        var random = UInt64(truncatingIfNeeded: try arguments.nextInt("SEED")) | 1
        try arguments.finish()
        let base = memory.region.baseAddress
        let semaphore = try ProcessSemaphore(placedAt: base)
        let posted = ParkingKillLayout.counter(base, ParkingKillLayout.postedOffset)
        try withExtendedLifetime(memory) {
            while true {
                try semaphore.post()
                posted.pointee.wrappingAdd(1, ordering: .relaxed)
                random ^= random << 13
                random ^= random >> 7
                random ^= random << 17
                usleep(UInt32(random % 500))
            }
        }
    }
}

/// Where ``ParkingCommands`` finds its semaphore and counters (the tests use the same offsets).
enum ParkingKillLayout {
    /// Units posted (UInt64).
    static let postedOffset = 128
    /// Units taken (UInt64).
    static let takenOffset = 256

    static func counter(_ base: UnsafeMutableRawPointer, _ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
    }
}
