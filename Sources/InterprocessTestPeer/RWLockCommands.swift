import Interprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `rw-hold`, `rw-writer`, `rw-reader`: ProcessRWLock from a second process.
///
/// The counter commands use a raw shared-memory segment laid out as ``RWCounterLayout``: a
/// placed lock at offset 0, then the counters `a` and `b` (kept equal under the exclusive side)
/// and a stop word, each on its own line.
enum RWLockCommands {
    /// `rw-hold NAME shared|exclusive [HOLD-MS|forever]`: opens the named lock, takes the side
    /// (30 s deadline), prints "locked" (exclusive: "locked acquired" or "locked owner-died PID"),
    /// holds it, releases it and prints "unlocked". Prints "timed-out" and exits 4 if not granted.
    static func hold(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let mode = try FileLockCommands.parseMode(arguments.next("MODE"))
        let hold = try PeerHoldTime(arguments.nextIfPresent())
        try arguments.finish()
        let lock = try ProcessRWLock(open: name)
        let deadline = Deadline.after(.seconds(30))
        switch mode {
        case .shared:
            guard try timingOut({ () throws(InterprocessError) in try lock.lockShared(until: deadline) }) != nil else { timedOut() }
            UnbufferedLine.line("locked")
            hold.wait()
            try lock.unlockShared()
        case .exclusive:
            guard let acquisition = try timingOut({ () throws(InterprocessError) in try lock.lockExclusive(until: deadline) }) else { timedOut() }
            switch acquisition {
            case .acquired: UnbufferedLine.line("locked acquired")
            case .previousOwnerDied(let dead):
                UnbufferedLine.line("locked owner-died \(dead.pid)")
                try lock.markConsistent()
            }
            hold.wait()
            try lock.unlockExclusive()
        }
        UnbufferedLine.line("unlocked")
    }

    /// `rw-writer SHM ITERATIONS`: ITERATIONS times, under the exclusive side, reads `a`, waits
    /// 2 µs, stores `a + 1`, waits 3 µs, increments `b`. Prints "done N".
    static func writer(_ arguments: inout Arguments) throws {
        let name = try arguments.next("SHM")
        let iterations = try arguments.nextInt("ITERATIONS")
        try arguments.finish()
        let memory = try SharedMemory(open: name)
        let base = memory.region.baseAddress
        let lock = try ProcessRWLock(placedAt: base)
        let a = (base + RWCounterLayout.a).assumingMemoryBound(to: UInt64.self)
        let b = (base + RWCounterLayout.b).assumingMemoryBound(to: UInt64.self)
        for _ in 0..<iterations {
            guard try timingOut({ () throws(InterprocessError) in try lock.lockExclusive(until: .after(.seconds(60))) }) != nil else { timedOut() }
            // A slow read-modify-write, half-updated for a few microseconds: a writer let in
            // beside another by a broken lock loses increments, and a reader sees a ≠ b.
            let value = a.pointee
            spin(microseconds: 2)
            a.pointee = value &+ 1
            spin(microseconds: 3)
            b.pointee &+= 1
            try lock.unlockExclusive()
        }
        UnbufferedLine.line("done \(iterations)")
    }

    /// `rw-reader SHM [HOLD-US]`: until the stop word is set (or 90 s pass), takes the shared
    /// side, checks `a == b`, holds it HOLD-US microseconds (spinning), checks again, releases it, and retakes
    /// it at once. Prints "ready" after its first check, then "checks N violations V".
    static func reader(_ arguments: inout Arguments) throws {
        let name = try arguments.next("SHM")
        var holdMicroseconds: UInt64 = 0
        if let text = arguments.nextIfPresent() {
            guard let value = UInt64(text) else { throw UsageError("HOLD-US must be microseconds (got '\(text)')") }
            holdMicroseconds = value
        }
        try arguments.finish()
        let memory = try SharedMemory(open: name)
        let base = memory.region.baseAddress
        let lock = try ProcessRWLock(placedAt: base)
        let a = (base + RWCounterLayout.a).assumingMemoryBound(to: UInt64.self)
        let b = (base + RWCounterLayout.b).assumingMemoryBound(to: UInt64.self)
        let stop = UnsafeMutablePointer<Atomic<UInt32>>(OpaquePointer(base + RWCounterLayout.stop))
        let end = Deadline.after(.seconds(90))
        var checks = 0, violations = 0
        while stop.pointee.load(ordering: .acquiring) == 0 && !end.hasPassed {
            guard try timingOut({ () throws(InterprocessError) in try lock.lockShared(until: .after(.seconds(60))) }) != nil else { timedOut() }
            let first = a.pointee
            if b.pointee != first { violations += 1 }
            spin(microseconds: holdMicroseconds)
            if b.pointee != first || a.pointee != first { violations += 1 }
            try lock.unlockShared()
            checks += 1
            if checks == 1 { UnbufferedLine.line("ready") }
        }
        UnbufferedLine.line("checks \(checks) violations \(violations)")
    }

    private static func spin(microseconds: UInt64) {
        guard microseconds > 0 else { return }
        let until = Deadline.now.nanoseconds &+ microseconds &* 1000
        while Deadline.now.nanoseconds < until {}
    }

    private static func timedOut() -> Never {
        UnbufferedLine.line("timed-out")
        exit(4)
    }
}

/// The counter segment of `rw-writer` and `rw-reader` (the tests use the same offsets).
enum RWCounterLayout {
    static let a = 4352 + 128 * 1
    static let b = 4352 + 128 * 2
    static let stop = 4352 + 128 * 3
    static let size = 8192
}
