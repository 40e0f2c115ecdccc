import Interprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `sync-word-victim`: long-lived handles on a placed semaphore, event, condition and mutex
/// whose words the test rewrites at random while this process keeps using them with short
/// deadlines. Every call must return (typed errors are fine) and respect its deadline; a crash,
/// a trap or a call that overstays its deadline by a second is the failure.
///
/// SHM layout: semaphore at 0, event at 64, condition at 128, mutex at 256; at 1024 a count
/// (UInt64) of victims holding their handles.
enum SyncWordChaosCommands {
    /// `sync-word-victim SHM MS SEED`: random calls for MS milliseconds; prints "calls N errors E
    /// late L" and exits 3 if any call was late.
    static func run(_ arguments: inout Arguments) throws {
        let memory = try SharedMemory(open: try arguments.next("SHM"))
        let end = Deadline.after(.milliseconds(try arguments.nextInt("MS")))
        var random = PeerRandom(seed: UInt64(truncatingIfNeeded: try arguments.nextInt("SEED")))
        try arguments.finish()
        let base = memory.region.baseAddress
        let semaphore = try ProcessSemaphore(placedAt: base)
        let event = try ProcessEvent(placedAt: base + 64)
        let condition = try ProcessCondition(placedAt: base + 128)
        let mutex = try ProcessMutex(placedAt: base + 256)
        // Ready: the test starts rewriting words once every victim has its handles.
        (base + 1024).bindMemory(to: Atomic<UInt64>.self, capacity: 1).pointee.wrappingAdd(1, ordering: .relaxed)
        var calls = 0, errors = 0, late = 0
        while !end.hasPassed {
            let roll = random.next()
            let deadline = Deadline.after(.microseconds(Int64((roll >> 8) % 2_000)))
            do throws(InterprocessError) {
                switch roll % 10 {
                case 0: try semaphore.wait(until: deadline)
                case 1: _ = semaphore.tryWait()
                case 2: try semaphore.post(count: 1 + Int((roll >> 20) % 3))
                case 3: try event.wait(until: deadline)
                case 4: event.set()
                case 5: event.reset()
                case 6: condition.signal()
                case 7: condition.broadcast()
                default:
                    if let acquisition = try timingOut({ () throws(InterprocessError) in try mutex.lock(until: deadline) }) {
                        if acquisition.previousOwnerDied { try mutex.markConsistent() }
                        if roll % 10 == 8 {
                            switch Result(catching: { () throws(InterprocessError) in try condition.wait(mutex, until: deadline) }) {
                            case .success: try mutex.unlock()
                            case .failure(let error) where error.code == .timedOut: break  // not held after a timeout
                            case .failure(let error): throw error
                            }
                        } else {
                            try mutex.unlock()
                        }
                    }
                }
            } catch {
                _ = error.code  // typed: any InterprocessError is an acceptable outcome
                errors += 1
            }
            // One second past the deadline is a hang, not scheduling noise.
            if Deadline.now.nanoseconds > deadline.nanoseconds &+ 1_000_000_000 { late += 1 }
            calls += 1
        }
        print("calls \(calls) errors \(errors) late \(late)")
        withExtendedLifetime(memory) {}
        if late > 0 { exit(3) }
    }
}
