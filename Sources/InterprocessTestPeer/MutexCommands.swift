import Interprocess

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `mutex-*` and `cond-*`: a ``ProcessMutex`` and a ``ProcessCondition`` placed in a raw segment
/// that the test created, with this layout of the body (byte offsets):
/// 0 mutex (128 bytes), 128 condition (128 bytes), 256 counter (UInt64), 264 dirty flag (UInt64),
/// 272 turn (UInt64). Every wait has a deadline, so a broken lock fails instead of hanging.
enum MutexCommands {
    static let conditionOffset = 128
    static let counterOffset = 256
    static let dirtyOffset = 264
    static let turnOffset = 272
    static let deadline = Duration.seconds(20)

    /// `mutex-increment SEGMENT COUNT START`: waits until START (`CLOCK_MONOTONIC` nanoseconds),
    /// then COUNT times adds 1 to the plain counter under the mutex; prints "done COUNT".
    static func increment(_ arguments: inout Arguments) throws {
        let segment = try openSegment(&arguments)
        let count = try arguments.nextInt("COUNT")
        let start = try arguments.nextInt("START")
        try arguments.finish()
        sleep(untilMonotonic: UInt64(start))
        let mutex = try ProcessMutex(placedAt: segment.writableBody.baseAddress!)
        let counter = field(segment, counterOffset)
        for _ in 0..<count {
            try lockOrFail(mutex)
            let value = counter.pointee
            ipcYieldSometimes(value)
            counter.pointee = value &+ 1
            try mutex.unlock()
        }
        print("done \(count)")
    }

    /// `mutex-die SEGMENT` or `mutex-die --named NAME`: locks (the placed mutex: and half-updates
    /// the counter, setting the dirty flag), prints "pid N" and kills itself with SIGKILL while
    /// holding the lock.
    static func die(_ arguments: inout Arguments) throws {
        let first = try arguments.next("SEGMENT")
        if first == "--named" {
            let name = try arguments.next("NAME")
            try arguments.finish()
            try dieHolding(ProcessMutex(open: name))
        }
        try arguments.finish()
        try dieHolding(Segment(open: first, kind: .raw))
    }

    /// Dies holding the lock through a handle that is still alive (a borrowed parameter outlives
    /// the call), so that no handle drop releases it first.
    private static func dieHolding(_ mutex: borrowing ProcessMutex) throws -> Never {
        try lockOrFail(mutex)
        killSelf()
    }

    private static func dieHolding(_ segment: borrowing Segment) throws -> Never {
        let mutex = try ProcessMutex(placedAt: segment.writableBody.baseAddress!)
        try lockOrFail(mutex)
        field(segment, dirtyOffset).pointee = 1
        field(segment, counterOffset).pointee &+= 1
        killSelf()
    }

    private static func killSelf() -> Never {
        print("pid \(getpid())")
        fflush(nil)  // all streams: SIGKILL would lose buffered output
        kill(getpid(), SIGKILL)
        while true { pause() }
    }

    /// `mutex-lock SEGMENT [MILLISECONDS]` or `mutex-lock --named NAME [MILLISECONDS]`: locks
    /// (waiting at most MILLISECONDS, default 20 s) and unlocks; prints "acquired",
    /// "owner-died PID" (then unlocks without repairing) or "timed-out".
    static func lock(_ arguments: inout Arguments) throws {
        var first = try arguments.next("SEGMENT")
        let named = first == "--named"
        if named { first = try arguments.next("NAME") }
        let timeout = try arguments.nextIfPresent().map { text throws(UsageError) in
            guard let value = Int(text), value >= 0 else { throw UsageError("MILLISECONDS must be a number (got '\(text)')") }
            return Duration.milliseconds(value)
        } ?? deadline
        try arguments.finish()
        if named {
            try report(ProcessMutex(open: first), timeout: timeout)
        } else {
            let segment = try Segment(open: first, kind: .raw)
            try report(ProcessMutex(placedAt: segment.writableBody.baseAddress!), timeout: timeout)
        }
    }

    /// `mutex-hold SEGMENT MILLISECONDS`: locks, holds the lock that long, unlocks; prints "released".
    static func hold(_ arguments: inout Arguments) throws {
        let segment = try openSegment(&arguments)
        let milliseconds = try arguments.nextInt("MILLISECONDS")
        try arguments.finish()
        let mutex = try ProcessMutex(placedAt: segment.writableBody.baseAddress!)
        try lockOrFail(mutex)
        usleep(UInt32(milliseconds) * 1000)
        try mutex.unlock()
        print("released")
    }

    /// `cond-pingpong SEGMENT ROUNDS PLAYER`: PLAYER (0 or 1) waits for its turn ROUNDS times,
    /// adds 1 to the counter and hands the turn over; prints "done ROUNDS".
    static func pingPong(_ arguments: inout Arguments) throws {
        let segment = try openSegment(&arguments)
        let rounds = try arguments.nextInt("ROUNDS")
        let player = UInt64(try arguments.nextInt("PLAYER"))
        try arguments.finish()
        let base = try segment.writableBody.baseAddress!
        let mutex = try ProcessMutex(placedAt: base)
        let condition = try ProcessCondition(placedAt: base + conditionOffset)
        let turn = field(segment, turnOffset), counter = field(segment, counterOffset)
        let deadline = Deadline.after(deadline)
        try lockOrFail(mutex)
        for round in 0..<rounds {
            while turn.pointee != player {
                guard try timingOut({ () throws(InterprocessError) in try condition.wait(mutex, until: deadline) }) != nil else {
                    throw PeerFailure("player \(player) timed out waiting for its turn in round \(round)")
                }
            }
            counter.pointee &+= 1
            turn.pointee = 1 - player
            condition.signal()
        }
        try mutex.unlock()
        print("done \(rounds)")
    }

    /// `cond-wait SEGMENT MILLISECONDS`: locks, waits on the condition until the turn is non-zero;
    /// prints "woken", or fails (exit status 3) if the time passes first.
    static func wait(_ arguments: inout Arguments) throws {
        let segment = try openSegment(&arguments)
        let milliseconds = try arguments.nextInt("MILLISECONDS")
        try arguments.finish()
        let base = try segment.writableBody.baseAddress!
        let mutex = try ProcessMutex(placedAt: base)
        let condition = try ProcessCondition(placedAt: base + conditionOffset)
        let deadline = Deadline.after(.milliseconds(milliseconds))
        try lockOrFail(mutex)
        while field(segment, turnOffset).pointee == 0 {
            guard try timingOut({ () throws(InterprocessError) in try condition.wait(mutex, until: deadline) }) != nil else {
                throw PeerFailure("not woken within \(milliseconds) ms")
            }
        }
        try mutex.unlock()
        print("woken")
    }

    private static func report(_ mutex: borrowing ProcessMutex, timeout: Duration) throws {
        switch try timingOut({ () throws(InterprocessError) in try mutex.lock(timeout: timeout) }) {
        case nil:
            print("timed-out")
        case .acquired?:
            try mutex.unlock()
            print("acquired")
        case .previousOwnerDied(let dead)?:
            try mutex.unlock()
            print("owner-died \(dead.pid)")
        }
    }

    private static func openSegment(_ arguments: inout Arguments) throws -> Segment {
        try Segment(open: arguments.next("SEGMENT"), kind: .raw)
    }

    private static func field(_ segment: borrowing Segment, _ offset: Int) -> UnsafeMutablePointer<UInt64> {
        // The segments of these commands are opened read-write.
        (UnsafeMutableRawPointer(mutating: segment.readableBody.baseAddress!) + offset).assumingMemoryBound(to: UInt64.self)
    }

    /// Locks within the deadline; a previous owner's death is repaired by clearing the dirty flag.
    private static func lockOrFail(_ mutex: borrowing ProcessMutex) throws {
        let acquisition = try mutex.lock(timeout: deadline)
        if acquisition.previousOwnerDied { try mutex.markConsistent() }
    }

    /// Gives the other processes a chance to interleave inside the critical section now and then,
    /// so that a broken lock loses increments.
    private static func ipcYieldSometimes(_ value: UInt64) {
        if value % 64 == 0 { sched_yield() }
    }

    private static func sleep(untilMonotonic nanoseconds: UInt64) {
        var time = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &time, nil) == EINTR {}
    }
}
