import Interprocess

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `mutex-unlock`, `mutex-chaos` and `mutex-fuzz`: a placed ``ProcessMutex`` at body offset 0 of a
/// raw segment (as ``MutexCommands``), under random kills and random writes. Body fields (UInt64):
/// 256 counter, 264 dirty, 272 shadow, 280 holder pid, 288 owner-died reports, 296… their pids
/// (27 slots, wrapping).
enum MutexChaosCommands {
    static let counterOffset = 256, dirtyOffset = 264, shadowOffset = 272, holderOffset = 280
    static let reportsOffset = 288, reportLogOffset = 296, reportLogSlots = 27

    /// `mutex-unlock SEGMENT`: unlocks without holding; prints "unlocked" (or fails with the error).
    static func unlock(_ arguments: inout Arguments) throws {
        let segment = try Segment(open: arguments.next("SEGMENT"), kind: .raw)
        try arguments.finish()
        try ProcessMutex(placedAt: segment.writableBody.baseAddress!).unlock()
        print("unlocked")
    }

    /// `mutex-chaos SEGMENT END`: until END (`CLOCK_MONOTONIC` ns), locks and, holding the lock,
    /// sets dirty, adds 1 to counter then to shadow, clears dirty. Checks on every acquisition:
    /// a normal one finds holder 0 and the state clean (else an owner died unnoticed: exit 3);
    /// after an owner's death it logs the dead pid, rolls a half-done increment back and marks
    /// the mutex consistent. Prints "done N".
    static func chaos(_ arguments: inout Arguments) throws {
        let segment = try Segment(open: arguments.next("SEGMENT"), kind: .raw)
        let end = UInt64(try arguments.nextInt("END"))
        try arguments.finish()
        let base = try segment.writableBody.baseAddress!
        let mutex = try ProcessMutex(placedAt: base)
        func field(_ offset: Int) -> UnsafeMutablePointer<UInt64> { (base + offset).assumingMemoryBound(to: UInt64.self) }
        let counter = field(counterOffset), dirty = field(dirtyOffset), shadow = field(shadowOffset)
        let holder = field(holderOffset), reports = field(reportsOffset)
        var done = 0
        while Deadline.now.nanoseconds < end {
            let acquisition = try mutex.lock(timeout: .seconds(20))
            switch acquisition {
            case .acquired:
                guard holder.pointee == 0, dirty.pointee == 0, counter.pointee == shadow.pointee else {
                    throw PeerFailure("an owner died unnoticed: holder \(holder.pointee), dirty \(dirty.pointee), counter \(counter.pointee), shadow \(shadow.pointee)")
                }
            case .previousOwnerDied(let dead):
                field(reportLogOffset + 8 * Int(reports.pointee % UInt64(reportLogSlots))).pointee = UInt64(UInt32(bitPattern: dead.pid))
                reports.pointee &+= 1
                if dirty.pointee != 0 { counter.pointee = shadow.pointee }
                dirty.pointee = 0
                try mutex.markConsistent()
            }
            holder.pointee = UInt64(getpid())
            dirty.pointee = 1
            counter.pointee &+= 1
            if counter.pointee % 8 == 0 { sched_yield() }
            shadow.pointee &+= 1
            dirty.pointee = 0
            holder.pointee = 0
            try mutex.unlock()
            done += 1
        }
        print("done \(done)")
    }

    /// `mutex-fuzz SEGMENT SEED END`: until END, random tryLock, timed locks (≤ 20 ms), unlocks and
    /// markConsistent calls while another process writes random words into the mutex. Any
    /// ``InterprocessError`` is fine; a crash or a hang is the failure. Prints "done N".
    static func fuzz(_ arguments: inout Arguments) throws {
        let segment = try Segment(open: arguments.next("SEGMENT"), kind: .raw)
        var random = PeerRandom(seed: UInt64(try arguments.nextInt("SEED")) ^ UInt64(getpid()))
        let end = UInt64(try arguments.nextInt("END"))
        try arguments.finish()
        let mutex = try ProcessMutex(placedAt: segment.writableBody.baseAddress!)
        var operations = 0
        while Deadline.now.nanoseconds < end {
            do throws(InterprocessError) {
                switch random.next() % 5 {
                case 0: _ = try mutex.tryLock()
                case 1: _ = try mutex.lock(timeout: .milliseconds(Int64(random.next() % 20)))
                case 2: try mutex.markConsistent()
                default: try mutex.unlock()
                }
            } catch {
                _ = error.code  // typed: every failure is an InterprocessError
            }
            operations += 1
        }
        print("done \(operations)")
    }
}

