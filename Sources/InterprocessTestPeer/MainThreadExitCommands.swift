import Interprocess

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `main-exits-holding NAME`: a second thread locks the named mutex and keeps running while the
/// main thread ends with `pthread_exit` — as a Swift program with an `async` main does when
/// `dispatch_main` takes over. `/proc/PID/stat` then shows the process as a zombie (`Z`) and
/// `/proc/PID/maps` as empty although the process lives: it must never be judged dead.
enum MainThreadExitCommands {
    static func mainExitsHolding(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        try arguments.finish()
        // The thread body may capture nothing (a C function pointer): it finds the name here.
        setenv("IPC_PEER_MUTEX_NAME", name, 1)
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { _ in
            let name = String(cString: getenv("IPC_PEER_MUTEX_NAME"))
            do {
                try MainThreadExitCommands.holdForever(ProcessMutex(open: name))
            } catch {
                UnbufferedLine.line("error \(error)")
                exit(3)
            }
        }, nil)
        guard started == 0 else { throw UsageError("pthread_create failed: \(started)") }
        pthread_exit(nil)
    }

    /// Locks and holds through a borrowed handle, which outlives the call (a local handle may be
    /// dropped after its last use, and a dropped handle releases its lock).
    static func holdForever(_ mutex: borrowing ProcessMutex) throws -> Never {
        _ = try mutex.lock()
        UnbufferedLine.line("locked")
        while true { sleep(60) }
    }
}
