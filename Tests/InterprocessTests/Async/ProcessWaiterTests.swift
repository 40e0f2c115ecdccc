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
        let waiter = Task {
            let handle = try ProcessSemaphore(open: name)
            // Nobody will wake it: only the waiter thread's own re-check (every 20 ms) finds the
            // unit, long before this deadline (which would throw timedOut).
            try await handle.wait(timeout: .seconds(30))
        }
        #expect(await eventuallyAsync { semaphore.waiterCount == 1 })
        await #expect(processExitsWith: .signal(SIGKILL)) { [name = name as String] in
            let handle = try ProcessSemaphore(open: name)
            // A post's first half only: the unit, and no FUTEX_WAKE.
            handle.count.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
            kill(getpid(), SIGKILL)
        }
        try await waiter.value
        #expect(semaphore.currentCount == 0)
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
}
