import Interprocess

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `named-*` and `mutex-exit-holding`/`mutex-scoped`: the named-primitive scaffold and the
/// owner-death policies across real processes.
enum NamedPrimitiveCommands {
    /// `named-open KIND NAME TIMEOUT-MS`: opens the named primitive of KIND (mutex, condition,
    /// semaphore, event, rwlock), waiting up to TIMEOUT-MS for it to appear; prints "opened",
    /// or the error's code.
    static func open(_ arguments: inout Arguments) throws {
        let kind = try arguments.next("KIND"), name = try arguments.next("NAME")
        let timeout = Duration.milliseconds(try arguments.nextInt("TIMEOUT-MS"))
        try arguments.finish()
        let outcome = Result { () throws(InterprocessError) in
            switch kind {
            case "mutex": _ = try ProcessMutex(open: name, timeout: timeout)
            case "condition": _ = try ProcessCondition(open: name, timeout: timeout)
            case "semaphore": _ = try ProcessSemaphore(open: name, timeout: timeout)
            case "event": _ = try ProcessEvent(open: name, timeout: timeout)
            default: _ = try ProcessRWLock(open: name, timeout: timeout)
            }
        }
        switch outcome {
        case .success: print("opened")
        case .failure(let error): print(error.code.rawValue)
        }
    }

    /// `named-open-or-create KIND NAME START HOLD-MS`: waits until START (`CLOCK_MONOTONIC`
    /// nanoseconds), opens or creates the named primitive of KIND, prints "created" or "opened",
    /// and keeps the handle HOLD-MS (so that a racing peer finds it).
    static func openOrCreate(_ arguments: inout Arguments) throws {
        let kind = try arguments.next("KIND"), name = try arguments.next("NAME")
        let start = try arguments.nextInt("START"), hold = try arguments.nextInt("HOLD-MS")
        try arguments.finish()
        var time = timespec(tv_sec: start / 1_000_000_000, tv_nsec: start % 1_000_000_000)
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &time, nil) == EINTR {}
        let created: Bool
        switch kind {
        case "mutex": created = try ProcessMutex(openOrCreate: name).wasCreated
        case "condition": created = try ProcessCondition(openOrCreate: name).wasCreated
        case "semaphore": created = try ProcessSemaphore(openOrCreate: name, maximumCount: 10).wasCreated
        case "event": created = try ProcessEvent(openOrCreate: name, mode: .manualReset).wasCreated
        default: created = try ProcessRWLock(openOrCreate: name).wasCreated
        }
        print(created ? "created" : "opened")
        usleep(UInt32(hold) * 1000)
    }

    /// `named-create-hold KIND NAME LIFETIME`: creates the named primitive with LIFETIME
    /// (`persistent` or `removed`), prints "created", and waits for a line on standard input
    /// (or its end) before its handle goes away normally.
    static func createHold(_ arguments: inout Arguments) throws {
        let kind = try arguments.next("KIND"), name = try arguments.next("NAME")
        let lifetime: Lifetime = try arguments.next("LIFETIME") == "removed" ? .removedWhenCreatorCloses : .persistent
        try arguments.finish()
        func hold() {
            UnbufferedLine.line("created")
            _ = readLine()
        }
        switch kind {
        case "mutex": let handle = try ProcessMutex(create: name, lifetime: lifetime); hold(); _ = handle.wasCreated
        case "semaphore": let handle = try ProcessSemaphore(create: name, lifetime: lifetime); hold(); _ = handle.wasCreated
        default: let handle = try ProcessEvent(create: name, mode: .autoReset, lifetime: lifetime); hold(); _ = handle.wasCreated
        }
    }

    /// `mutex-exit-holding NAME`: takes the named mutex with `withLock` and calls `exit(0)`
    /// inside the critical section, as a program that ends "normally" while holding it.
    static func exitHolding(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        try arguments.finish()
        let mutex = try ProcessMutex(open: name)
        try mutex.withLock(onOwnerDeath: .giveUp) {
            UnbufferedLine.line("pid \(getpid())")
            exit(0)
        }
    }

    /// `mutex-scoped NAME POLICY`: runs `withLock` on the named mutex with POLICY (`repair`,
    /// `no-repair`, `give-up`); prints "repaired PID" if the repair closure ran, then "ran" if
    /// the body ran, or the code of the error it threw.
    static func scoped(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME"), policy = try arguments.next("POLICY")
        try arguments.finish()
        let mutex = try ProcessMutex(open: name)
        let outcome = Result { () throws(InterprocessError) in
            switch policy {
            case "repair":
                try mutex.withLock(onOwnerDeath: { dead in print("repaired \(dead.pid)") }) { print("ran") }
            case "no-repair":
                try mutex.withLock(onOwnerDeath: .stateNeedsNoRepair) { print("ran") }
            default:
                try mutex.withLock(onOwnerDeath: .giveUp) { print("ran") }
            }
        }
        if case .failure(let error) = outcome { print(error.code.rawValue) }
    }
}
