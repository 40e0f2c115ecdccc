import Foundation
@testable import Interprocess
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The process's one waiter thread: many async waits on it, posted from other processes, with
/// no thread per wait; more distinct words than one `futex_waitv` takes; a waker killed between
/// its post and its wake-up.
///
/// Generous limits: while other suites run, their blocking waits for peer processes can occupy
/// the cooperative pool's threads (two on a 2-core machine) for tens of seconds.
@Suite("Process waiter", .timeLimit(.minutes(5)))
struct ProcessWaiterTests {
    static let waiters = 1_000

    @Test("1,000 tasks await one semaphore; a peer process posts 1,000 units; the thread count stays small")
    func thousandSemaphoreWaiters() async throws {
        let name = TestSupport.uniqueName("waiter-sem")
        defer { try? ProcessSemaphore.remove(name) }
        let semaphore = try ProcessSemaphore(create: name, maximumCount: Self.waiters)
        let before = currentThreadCount()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<Self.waiters {
                group.addTask {
                    let handle = try ProcessSemaphore(open: name)
                    try await handle.wait(timeout: .seconds(120))
                }
            }
            #expect(await eventuallyAsync(seconds: 100) { semaphore.waiterCount == UInt32(Self.waiters) },
                    "all waits registered (\(semaphore.waiterCount))")
            // A thread per wait would show here as a thousand more threads.
            let during = currentThreadCount()
            #expect(during < before + 50, "threads before \(before), while 1,000 tasks wait \(during)")
            let poster = try TestSupport.BackgroundPeer(["sem-post", name, String(Self.waiters)])
            try await group.waitForAll()
            #expect(try poster.wait().standardOutput.contains("posted \(Self.waiters)"))
        }
        #expect(semaphore.currentCount == 0)
        #expect(semaphore.waiterCount == 0, "every finished wait withdrew its registration")
    }

    @Test("1,000 tasks await one manual-reset event; a peer process sets it")
    func thousandEventWaiters() async throws {
        let name = TestSupport.uniqueName("waiter-event")
        defer { try? ProcessEvent.remove(name) }
        let event = try ProcessEvent(create: name, mode: .manualReset)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<Self.waiters {
                group.addTask {
                    let handle = try ProcessEvent(open: name)
                    try await handle.wait(timeout: .seconds(120))
                }
            }
            #expect(await eventuallyAsync(seconds: 100) { event.waiterCount == UInt32(Self.waiters) })
            let setter = try TestSupport.BackgroundPeer(["event-set", name])
            try await group.waitForAll()
            #expect(try setter.wait().standardOutput.contains("set"))
        }
        #expect(event.waiterCount == 0)
    }

    @Test("200 semaphores, more distinct words than futex_waitv takes: every wait still completes")
    func moreWordsThanOneSystemCallTakes() async throws {
        let count = ProcessWaiter.maximumWatchedWords + 73
        let name = TestSupport.uniqueName("waiter-crowd")
        defer { try? SharedMemory.remove(name) }
        let memory = try SharedMemory(create: name, size: count * ProcessSemaphore.size)
        let base = UInt(bitPattern: memory.region.baseAddress)
        for index in 0..<count {
            _ = try ProcessSemaphore.initialize(at: UnsafeMutableRawPointer(bitPattern: base + UInt(index * ProcessSemaphore.size))!)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    let address = UnsafeMutableRawPointer(bitPattern: base + UInt(index * ProcessSemaphore.size))!
                    try await ProcessSemaphore(placedAt: address).wait(timeout: .seconds(120))
                }
            }
            let asleep = await eventuallyAsync(seconds: 100) {
                (0..<count).allSatisfy { index in
                    let address = UnsafeMutableRawPointer(bitPattern: base + UInt(index * ProcessSemaphore.size))!
                    return (try? ProcessSemaphore(placedAt: address).waiterCount) == 1
                }
            }
            #expect(asleep, "every wait registered before the posts")
            let poster = try TestSupport.BackgroundPeer(["sem-post-each", name, String(count), String(ProcessSemaphore.size)])
            try await group.waitForAll()
            #expect(try poster.wait().standardOutput.contains("posted \(count)"))
        }
    }

    @Test("a poster killed between its post and its wake-up: the async waiter proceeds within the recheck interval")
    func posterKilledBeforeWaking() async throws {
        let name = TestSupport.uniqueName("waiter-kill")
        defer { try? ProcessSemaphore.remove(name) }
        let semaphore = try ProcessSemaphore(create: name)
        // No deadline: only the waiter thread's own re-check (every 20 ms) can find the unit; a
        // thread that slept without a bound would leave the wait hanging, and the 5 s bound fail.
        let waiter = Task {
            try await completing(within: .seconds(5)) {
                try await ProcessSemaphore(open: name).wait()
                return true
            }
        }
        #expect(await eventuallyAsync { semaphore.waiterCount == 1 })
        #expect(await waiterThreadSleptTwice(), "the registration is in the thread's sleep")
        await #expect(processExitsWith: .signal(SIGKILL)) { [name = name as String] in
            let handle = try ProcessSemaphore(open: name)
            // A post's first half only: the unit, and no FUTEX_WAKE.
            handle.count.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
            kill(getpid(), SIGKILL)
        }
        #expect(try await waiter.value == true, "the wait completed without a wake-up")
        #expect(semaphore.currentCount == 0)
    }

    @Test("the thread's look: with anything registered it wakes within the recheck interval; with more words than futex_waitv takes it is crowded")
    func lookBoundsTheSleep() throws {
        let count = ProcessWaiter.maximumWatchedWords + 3
        let words = UnsafeMutablePointer<Atomic<UInt32>>.allocate(capacity: count + 1)
        defer { words.deallocate() }
        for index in 0...count { (words + index).initialize(to: Atomic(0)) }
        let waiters = words + count
        func registration(_ index: Int) -> Registration {
            let parking = FutexParking(word: UnsafeMutableRawPointer(words + index), waiters: waiters)
            let word = UnsafeSendable(words + index)
            return Registration(parking: parking, deadline: .never, kind: .watch(observe: {
                WatchObservation(word: word.value.pointee.load(ordering: .relaxed), ready: false, progress: WatchProgress(0, 0))
            }, descriptor: -1, signalled: nil))
        }
        var list = Futex.WaitList()
        var scratch = ProcessWaiter.LookScratch()
        var none: [UInt64: Registration] = [:]
        #expect(ProcessWaiter.shared.lookAtRegistrations(&none, list: &list, scratch: &scratch).wakeBy == .never,
                "nothing registered: sleep until the next registration")
        var one: [UInt64: Registration] = [1: registration(0)]
        list.removeAll()
        let look = ProcessWaiter.shared.lookAtRegistrations(&one, list: &list, scratch: &scratch)
        #expect(look.wakeBy <= .after(ProcessWaiter.recheckInterval))
        #expect(!look.crowded && list.count == 1)
        var many: [UInt64: Registration] = [:]
        for index in 0..<count { many[UInt64(index + 1)] = registration(index) }
        list.removeAll()
        list.append(ProcessWaiter.shared.wakeFutexWord, expecting: 0)
        let crowded = ProcessWaiter.shared.lookAtRegistrations(&many, list: &list, scratch: &scratch)
        #expect(crowded.crowded, "\(count) distinct words: some are not slept on")
        #expect(list.count == Futex.waitAnyLimit)
        #expect(crowded.wakeBy <= .after(ProcessWaiter.recheckInterval))
    }

    @Test("a cancelled wait leaves no registration behind")
    func cancellationLeavesNothing() async throws {
        let name = TestSupport.uniqueName("waiter-cancel")
        defer { try? ProcessEvent.remove(name) }
        let event = try ProcessEvent(create: name, mode: .manualReset)
        let tasks = (0..<50).map { _ in
            Task {
                let handle = try ProcessEvent(open: name)
                try await handle.wait(timeout: .seconds(120))
            }
        }
        #expect(await eventuallyAsync { event.waiterCount == 50 })
        for task in tasks { task.cancel() }
        // Cancelled, not timed out: the waits end at cancellation, not at their deadline.
        for task in tasks { #expect(thrownCode(await task.result) == .cancelled) }
        #expect(event.waiterCount == 0)
    }

    @Test("cancellation racing posts: every unit posted is either taken by a wait or still there")
    func cancellationRacingPosts() async throws {
        let name = TestSupport.uniqueName("waiter-cancel-race")
        defer { try? ProcessSemaphore.remove(name) }
        let semaphore = try ProcessSemaphore(create: name, maximumCount: 100)
        let tasks = (0..<40).map { _ in
            Task { () -> Bool in
                do {
                    try await ProcessSemaphore(open: name).wait(timeout: .seconds(120))
                    return true
                } catch {
                    return false
                }
            }
        }
        #expect(await eventuallyAsync { semaphore.waiterCount == 40 })
        let poster = try TestSupport.BackgroundPeer(["sem-post", name, "20"])
        for task in tasks { task.cancel() }
        var taken = 0
        for task in tasks where await task.value { taken += 1 }
        #expect(try poster.wait().standardOutput.contains("posted 20"))
        #expect(taken + Int(semaphore.currentCount) == 20, "taken \(taken), left \(semaphore.currentCount)")
        #expect(semaphore.waiterCount == 0)
    }

    @Test("a fork child starts a waiter thread of its own",
          .enabled(if: !Sanitizers.threadSanitizer,
                   "ThreadSanitizer does not support fork() in a multithreaded process: its runtime reports in the child, which exits 66"))
    func forkChildStartsItsOwnThread() async {
        // In an exit test's process, where no other test runs: a fork while another thread
        // holds malloc's or the runtime's locks would hang the child whatever the waiter does.
        await #expect(processExitsWith: .success) {
            try ProcessWaiter.shared.startIfNeeded(operation: "test", name: nil)
            // Fork only once the thread sleeps: forking while it holds the waiter's lock would
            // leave the lock held (by a thread the child lacks) for good.
            while ProcessWaiter.shared.sleepCount.load(ordering: .relaxed) == 0 { usleep(1_000) }
            usleep(10_000)
            let child = fork()
            if child == 0 {
                // On a thread started in the child: the forking thread's cached thread id (which
                // Synchronization's Mutex records as its owner) is its parent's, not its own.
                var thread = pthread_t()
                guard pthread_create(&thread, nil, { _ in ProcessWaiterTests.forkChildCheck() }, nil) == 0 else { _exit(6) }
                pthread_join(thread, nil)
                _exit(7)
            }
            var status: Int32 = 0
            let deadline = Deadline.after(.seconds(20))
            while waitpid(child, &status, WNOHANG) == 0 {
                if deadline.hasPassed {
                    kill(child, SIGKILL)
                    exit(5)
                }
                usleep(10_000)
            }
            exit(status & 0x7f == 0 ? (status >> 8) & 0xff : 100 + status & 0x7f)
        }
    }

    @Test("the thread's sleep: unbounded with nothing registered, with or without futex_waitv; bounded otherwise")
    func sleepLimit() {
        let idle = ProcessWaiter.Look(wakeBy: .never)
        #expect(ProcessWaiter.sleepLimit(after: idle, waitvWorks: true) == .never)
        #expect(ProcessWaiter.sleepLimit(after: idle, waitvWorks: false) == .never, "no polling with nothing registered")
        let busy = ProcessWaiter.Look(wakeBy: .after(ProcessWaiter.recheckInterval))
        #expect(ProcessWaiter.sleepLimit(after: busy, waitvWorks: true) == busy.wakeBy)
        #expect(ProcessWaiter.sleepLimit(after: busy, waitvWorks: false) <= .after(ProcessWaiter.crowdedSleep))
        var crowded = busy
        crowded.crowded = true
        #expect(ProcessWaiter.sleepLimit(after: crowded, waitvWorks: true) <= .after(ProcessWaiter.crowdedSleep))
    }

    @Test("futex_waitv refused by seccomp (EPERM) falls back as on a kernel without it")
    func waitvPermissionFallsBack() {
        #expect(Futex.waitAnyResult(failingWith: .notPermitted) == .unsupported)
        #expect(Futex.waitAnyResult(failingWith: .noFunction) == .unsupported)
        #expect(Futex.waitAnyResult(failingWith: .interrupted) == .recheck)
    }

    /// The fork child's look at its waiter: the waiter must start a thread of its own (only the
    /// forking thread was copied), which then goes to sleep (and so counts sleeps) after a wake.
    static func forkChildCheck() -> Never {
        guard (try? ProcessWaiter.shared.startIfNeeded(operation: "test", name: nil)) != nil else { _exit(2) }
        guard ProcessWaiter.shared.state.withLock({ $0.threadProcess }) == getpid() else { _exit(3) }
        let seen = ProcessWaiter.shared.sleepCount.load(ordering: .relaxed)
        let deadline = Deadline.after(.seconds(5))
        ProcessWaiter.shared.wakeThread()
        while ProcessWaiter.shared.sleepCount.load(ordering: .relaxed) == seen {
            if deadline.hasPassed { _exit(4) }
            usleep(1_000)
        }
        _exit(0)
    }
}
