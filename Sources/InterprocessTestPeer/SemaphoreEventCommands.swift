import Interprocess

/// `sem-post`, `sem-wait`, `event-wait`, `event-set`, `event-reset`: a ``ProcessSemaphore`` or
/// ``ProcessEvent`` from another process.
///
/// TARGET is a named primitive's segment name, or `SHM@OFFSET` for one placed at OFFSET inside
/// the plain shared memory SHM.
enum SemaphoreEventCommands {
    /// `sem-post TARGET TIMES`: posts one unit TIMES times, prints "posted N".
    static func post(_ arguments: inout Arguments) throws {
        let target = try arguments.next("TARGET")
        let times = try arguments.nextInt("TIMES")
        try arguments.finish()
        try withSemaphore(target) { semaphore throws in
            for _ in 0..<times { try semaphore.post() }
        }
        print("posted \(times)")
    }

    /// `sem-wait TARGET TIMES TIMEOUT-MS`: takes one unit TIMES times, each with a timeout;
    /// prints "acquired N", or "timed out after N" when a wait times out. A wait that took its
    /// unit only once its deadline had passed (nobody woke it: a lost wake-up, found by the
    /// last attempt a wait makes before it gives up) is reported: "acquired N, K late".
    static func wait(_ arguments: inout Arguments) throws {
        let target = try arguments.next("TARGET")
        let times = try arguments.nextInt("TIMES")
        let timeout = Duration.milliseconds(try arguments.nextInt("TIMEOUT-MS"))
        try arguments.finish()
        let (acquired, late) = try withSemaphore(target) { semaphore in
            var acquired = 0, late = 0
            while acquired < times {
                let deadline = Deadline.after(timeout)
                guard (try? semaphore.wait(until: deadline)) != nil else { break }
                if deadline.hasPassed { late += 1 }
                acquired += 1
            }
            return (acquired, late)
        }
        if acquired < times {
            print("timed out after \(acquired)")
        } else {
            print(late == 0 ? "acquired \(acquired)" : "acquired \(acquired), \(late) late")
        }
    }

    /// `event-wait TARGET TIMEOUT-MS`: prints "signaled", "timed out", or "signaled late" when
    /// the wait saw the event set only once its deadline had passed (nobody woke it).
    static func eventWait(_ arguments: inout Arguments) throws {
        let target = try arguments.next("TARGET")
        let deadline = Deadline.after(.milliseconds(try arguments.nextInt("TIMEOUT-MS")))
        try arguments.finish()
        let signaled = try withEvent(target) { (try? $0.wait(until: deadline)) != nil }
        print(signaled ? (deadline.hasPassed ? "signaled late" : "signaled") : "timed out")
    }

    /// `event-set TARGET`: prints "set".
    static func eventSet(_ arguments: inout Arguments) throws {
        let target = try arguments.next("TARGET")
        try arguments.finish()
        try withEvent(target) { $0.set() }
        print("set")
    }

    /// `event-reset TARGET`: prints "reset".
    static func eventReset(_ arguments: inout Arguments) throws {
        let target = try arguments.next("TARGET")
        try arguments.finish()
        try withEvent(target) { $0.reset() }
        print("reset")
    }

    static func withSemaphore<Result>(
        _ target: String, _ body: (borrowing ProcessSemaphore) throws -> Result
    ) throws -> Result {
        if let (shm, offset) = try placed(target) {
            let memory = try SharedMemory(open: shm)
            try SharedMemoryCommands.checkRange(offset: offset, count: ProcessSemaphore.size, size: memory.size)
            let semaphore = try ProcessSemaphore(placedAt: memory.region.baseAddress + offset)
            return try body(semaphore)
        }
        let semaphore = try ProcessSemaphore(open: target)
        return try body(semaphore)
    }

    static func withEvent<Result>(
        _ target: String, _ body: (borrowing ProcessEvent) throws -> Result
    ) throws -> Result {
        if let (shm, offset) = try placed(target) {
            let memory = try SharedMemory(open: shm)
            try SharedMemoryCommands.checkRange(offset: offset, count: ProcessEvent.size, size: memory.size)
            let event = try ProcessEvent(placedAt: memory.region.baseAddress + offset)
            return try body(event)
        }
        let event = try ProcessEvent(open: target)
        return try body(event)
    }

    /// `SHM@OFFSET` split in two; nil for a plain name.
    static func placed(_ target: String) throws(UsageError) -> (String, Int)? {
        let parts = target.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        guard let offset = Int(parts[1]), offset >= 0 else {
            throw UsageError("the offset in TARGET must be a non-negative integer (got '\(target)')")
        }
        return (String(parts[0]), offset)
    }
}
