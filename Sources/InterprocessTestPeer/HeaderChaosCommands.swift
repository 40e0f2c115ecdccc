import Interprocess

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `header-victim`: opens a raw segment and the primitives placed in its body again and again,
/// and uses each briefly, while the test rewrites bytes of the segment's header and of the
/// primitives' headers. Every open and every call must succeed or throw an
/// ``InterprocessError``; a crash, a trap or a hang is the failure the test looks for.
///
/// Body layout (``HeaderChaosLayout``): semaphore at 0, event at 64, condition at 128, mutex at
/// 256, RW lock at 512.
enum HeaderChaosCommands {
    /// `header-victim NAME MS SEED`: for MS milliseconds, opens NAME (20 ms timeout) and makes
    /// one short call (deadlines ≤ 2 ms) on each placed primitive. Prints "opens N errors E".
    static func run(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let end = Deadline.after(.milliseconds(try arguments.nextInt("MS")))
        var random = PeerRandom(seed: UInt64(truncatingIfNeeded: try arguments.nextInt("SEED")))
        try arguments.finish()
        var opens = 0, errors = 0
        while !end.hasPassed {
            let roll = random.next()
            do throws(InterprocessError) {
                let segment = try Segment(open: name, kind: .raw, timeout: .milliseconds(20))
                opens += 1
                try exercise(segment.writableBody.baseAddress!, segment.writableBody.count, choice: roll)
            } catch {
                _ = error.code  // typed: any InterprocessError is an acceptable outcome
                errors += 1
            }
        }
        print("opens \(opens) errors \(errors)")
    }

    /// One short call on every primitive placed in `body`, the kind of call chosen by `choice`.
    static func exercise(_ body: UnsafeMutableRawPointer, _ count: Int, choice: UInt64) throws(InterprocessError) {
        guard count >= HeaderChaosLayout.bodySize else {
            throw InterprocessError(.corrupt, operation: "exercise", name: nil, reason: "body of \(count) bytes")
        }
        let semaphore = try ProcessSemaphore(placedAt: body + HeaderChaosLayout.semaphoreOffset)
        if choice & 1 == 0 { _ = semaphore.tryWait() } else { _ = try timingOut { () throws(InterprocessError) in try semaphore.wait(timeout: .milliseconds(1)) } }
        if choice & 2 == 0 { try semaphore.post() }
        let event = try ProcessEvent(placedAt: body + HeaderChaosLayout.eventOffset)
        if choice & 4 == 0 { event.set() } else { _ = try timingOut { () throws(InterprocessError) in try event.wait(timeout: .milliseconds(1)) } }
        let mutex = try ProcessMutex(placedAt: body + HeaderChaosLayout.mutexOffset)
        let condition = try ProcessCondition(placedAt: body + HeaderChaosLayout.conditionOffset)
        if let acquisition = try timingOut({ () throws(InterprocessError) in try mutex.lock(timeout: .milliseconds(2)) }) {
            if acquisition.previousOwnerDied { try mutex.markConsistent() }
            if choice & 8 == 0 {
                condition.signal()
            } else {
                // Held again whether it was signalled or timed out.
                if case .previousOwnerDied? = try timingOut({ () throws(InterprocessError) in try condition.wait(mutex, timeout: .milliseconds(1)) }) {
                    try mutex.markConsistent()
                }
            }
            try mutex.unlock()
        }
        let lock = try ProcessRWLock(placedAt: body + HeaderChaosLayout.rwLockOffset)
        if choice & 16 == 0 {
            if try timingOut({ () throws(InterprocessError) in try lock.lockShared(timeout: .milliseconds(1)) }) != nil { try lock.unlockShared() }
        } else if let acquisition = try timingOut({ () throws(InterprocessError) in try lock.lockExclusive(timeout: .milliseconds(1)) }) {
            if acquisition.previousOwnerDied { try lock.markConsistent() }
            try lock.unlockExclusive()
        }
    }
}

/// Where `header-victim` finds the placed primitives in the segment's body.
enum HeaderChaosLayout {
    static let semaphoreOffset = 0, eventOffset = 64, conditionOffset = 128, mutexOffset = 256, rwLockOffset = 512
    static let bodySize = 8192
}

/// `named-victim`: the same for the named primitives and queues (``NamedChaosTargets``).
enum NamedChaosCommands {
    /// `named-victim PREFIX MS SEED`: for MS milliseconds, opens one of the named segments
    /// PREFIX-sem, -event, -mutex, -cond, -rw, -spsc, -mpmc at random (20 ms timeout) and makes
    /// one short call on it (an endpoint attaches, moves a record, detaches). Prints
    /// "opens N errors E".
    static func run(_ arguments: inout Arguments) throws {
        let prefix = try arguments.next("PREFIX")
        let end = Deadline.after(.milliseconds(try arguments.nextInt("MS")))
        var random = PeerRandom(seed: UInt64(truncatingIfNeeded: try arguments.nextInt("SEED")))
        try arguments.finish()
        var opens = 0, errors = 0
        let timeout = Duration.milliseconds(20)
        while !end.hasPassed {
            let roll = random.next()
            let target = NamedChaosTargets.all[Int(roll % UInt64(NamedChaosTargets.all.count))]
            let name = "\(prefix)-\(target)"
            let flip = roll & 0x100 == 0
            do throws(InterprocessError) {
                switch target {
                case "sem":
                    let semaphore = try ProcessSemaphore(open: name, timeout: timeout)
                    if flip { try semaphore.post() } else { _ = try timingOut { () throws(InterprocessError) in try semaphore.wait(timeout: .milliseconds(1)) } }
                case "event":
                    let event = try ProcessEvent(open: name, timeout: timeout)
                    if flip { event.set() } else { _ = try timingOut { () throws(InterprocessError) in try event.wait(timeout: .milliseconds(1)) } }
                case "mutex":
                    let mutex = try ProcessMutex(open: name, timeout: timeout)
                    if let acquisition = try timingOut({ () throws(InterprocessError) in try mutex.lock(timeout: .milliseconds(2)) }) {
                        if acquisition.previousOwnerDied { try mutex.markConsistent() }
                        try mutex.unlock()
                    }
                case "cond":
                    let condition = try ProcessCondition(open: name, timeout: timeout)
                    if flip { condition.signal() } else { condition.broadcast() }
                case "rw":
                    let lock = try ProcessRWLock(open: name, timeout: timeout)
                    if flip {
                        if try timingOut({ () throws(InterprocessError) in try lock.lockShared(timeout: .milliseconds(1)) }) != nil { try lock.unlockShared() }
                    } else if let acquisition = try timingOut({ () throws(InterprocessError) in try lock.lockExclusive(timeout: .milliseconds(1)) }) {
                        if acquisition.previousOwnerDied { try lock.markConsistent() }
                        try lock.unlockExclusive()
                    }
                case "spsc":
                    if flip {
                        var producer = try SPSCQueue(open: name, timeout: timeout).makeProducer()
                        _ = try producer.trySend(UInt64(opens))
                    } else {
                        var consumer = try SPSCQueue(open: name, timeout: timeout).makeConsumer()
                        _ = try consumer.tryReceive(as: UInt64.self)
                    }
                default:
                    if flip {
                        var producer = try MPMCQueue(open: name, timeout: timeout).makeProducer()
                        _ = try producer.trySend(UInt64(opens))
                    } else {
                        var consumer = try MPMCQueue(open: name, timeout: timeout).makeConsumer()
                        _ = try consumer.tryReceive(as: UInt64.self)
                    }
                }
                opens += 1
            } catch {
                _ = error.code  // typed: any InterprocessError is an acceptable outcome
                errors += 1
            }
        }
        print("opens \(opens) errors \(errors)")
    }
}

/// The suffixes of the named segments `named-victim` uses.
enum NamedChaosTargets {
    static let all = ["sem", "event", "mutex", "cond", "rw", "spsc", "mpmc"]
}
