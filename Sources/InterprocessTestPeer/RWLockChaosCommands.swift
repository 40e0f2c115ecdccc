import Interprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `rw-chaos` and `rw-victim`: ProcessRWLock users for the randomized kill and mutation tests,
/// on the counter segment of ``RWCounterLayout`` (a placed lock at 0, `a`, `b`, a stop word).
enum RWLockChaosCommands {
    /// `rw-chaos SHM writer|reader SEED`: until the stop word is set (or 60 s pass). A writer
    /// takes the exclusive side (20 s deadline), adds 1 to `a`, spins a few µs, adds 1 to `b`;
    /// a reader takes the shared side with `withSharedLock(onOwnerDeath:)` and counts `a ≠ b` as
    /// a violation. Both repair a dead writer's half-update by storing `a` into `b`. Prints
    /// "ready" after the first round, then "violations V repairs R rounds N".
    static func chaos(_ arguments: inout Arguments) throws {
        let name = try arguments.next("SHM")
        let role = try arguments.next("ROLE")
        var random = PeerRandom(seed: UInt64(try arguments.nextInt("SEED")))
        try arguments.finish()
        guard role == "writer" || role == "reader" else { throw UsageError("ROLE must be writer or reader (got '\(role)')") }
        let memory = try SharedMemory(open: name)
        let base = memory.region.baseAddress
        let lock = try ProcessRWLock(placedAt: base)
        let a = (base + RWCounterLayout.a).assumingMemoryBound(to: UInt64.self)
        let b = (base + RWCounterLayout.b).assumingMemoryBound(to: UInt64.self)
        let stop = UnsafeMutablePointer<Atomic<UInt32>>(OpaquePointer(base + RWCounterLayout.stop))
        let end = Deadline.after(.seconds(60))
        alarm(90)  // a peer stuck in an untimed lock ends instead of outliving the test
        var violations = 0, repairs = 0, rounds = 0
        while stop.pointee.load(ordering: .acquiring) == 0 && !end.hasPassed {
            if role == "writer" {
                guard let acquisition = try timingOut({ () throws(InterprocessError) in try lock.lockExclusive(until: .after(.seconds(20))) }) else {
                    UnbufferedLine.line("timed-out")
                    exit(4)
                }
                if acquisition.previousOwnerDied {
                    b.pointee = a.pointee
                    try lock.markConsistent()
                    repairs += 1
                }
                a.pointee &+= 1
                spin(nanoseconds: random.next() % 4000)
                b.pointee &+= 1
                try lock.unlockExclusive()
            } else {
                try lock.withSharedLock(onOwnerDeath: { _ in
                    b.pointee = a.pointee
                    repairs += 1
                }) {
                    if a.pointee != b.pointee { violations += 1 }
                    spin(nanoseconds: random.next() % 2000)
                    if a.pointee != b.pointee { violations += 1 }
                }
            }
            rounds += 1
            if rounds == 1 { UnbufferedLine.line("ready") }
        }
        UnbufferedLine.line("violations \(violations) repairs \(repairs) rounds \(rounds)")
    }

    /// `rw-victim SHM SEED MILLISECONDS`: for MILLISECONDS, random calls on the placed lock —
    /// timed shared and exclusive locks (deadlines of a few ms), `try` forms, unlocks of what it
    /// may not hold, re-validation — while the test mutates the lock's words. Every outcome
    /// must be success or a typed error; prints "ready" once started, then "survived N errors E".
    static func victim(_ arguments: inout Arguments) throws {
        let name = try arguments.next("SHM")
        var random = PeerRandom(seed: UInt64(try arguments.nextInt("SEED")))
        let milliseconds = try arguments.nextInt("MILLISECONDS")
        try arguments.finish()
        let memory = try SharedMemory(open: name)
        let base = memory.region.baseAddress
        let lock = try ProcessRWLock(placedAt: base)
        let end = Deadline.after(.milliseconds(milliseconds))
        UnbufferedLine.line("ready")
        var operations = 0, errors = 0
        while !end.hasPassed {
            operations += 1
            let wait = Duration.microseconds(Int64(random.next() % 3000))
            do {
                switch random.next() % 7 {
                case 0:
                    if try timingOut({ () throws(InterprocessError) in try lock.lockShared(timeout: wait) }) != nil { try lock.unlockShared() }
                case 1:
                    if let acquisition = try timingOut({ () throws(InterprocessError) in try lock.lockExclusive(timeout: wait) }) {
                        if acquisition.previousOwnerDied { try lock.markConsistent() }
                        try lock.unlockExclusive()
                    }
                case 2:
                    if try lock.tryLockShared() { try lock.unlockShared() }
                case 3:
                    if try lock.tryLockExclusive() != nil { try lock.unlockExclusive() }
                case 4:
                    _ = try ProcessRWLock(placedAt: base)
                case 5:
                    try lock.unlockShared()
                default:
                    try lock.unlockExclusive()
                }
            } catch {
                errors += 1
            }
        }
        UnbufferedLine.line("survived \(operations) errors \(errors)")
    }

    private static func spin(nanoseconds: UInt64) {
        let until = Deadline.now.nanoseconds &+ nanoseconds
        while Deadline.now.nanoseconds < until {}
    }
}

