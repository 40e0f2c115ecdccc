@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension ProcessEventTests {
    /// Waiters in other processes (the test peer), woken all at once or one by one.
    @Suite("across processes", .timeLimit(.minutes(5)))
    struct EventCrossProcessTests {
        @Test("manual-reset: one set wakes all 4 waiting processes, and the event stays set")
        func manualWakesAll() throws {
            let name = TestSupport.uniqueName("ev-all")
            defer { try? ProcessEvent.remove(name) }
            let event = try ProcessEvent(create: name, mode: .manualReset)
            let waiters = try (0..<4).map { _ in try WaiterPeer("event-wait", name, "30000") }
            #expect(TestSupport.eventually { event.waiterCount == 4 }, "all four are asleep")
            event.set()
            for waiter in waiters {
                #expect(try waiter.finish() == "signaled")
            }
            #expect(event.isSet == true)
            #expect(event.waiterCount == 0)
        }

        @Test("auto-reset: each set wakes exactly one of 3 waiting processes")
        func autoWakesOne() throws {
            let name = TestSupport.uniqueName("ev-one")
            defer { try? ProcessEvent.remove(name) }
            let event = try ProcessEvent(create: name, mode: .autoReset)
            let waiters = try (0..<3).map { _ in try WaiterPeer("event-wait", name, "30000") }
            #expect(TestSupport.eventually { event.waiterCount == 3 }, "all three are asleep")
            for round in 1...3 {
                event.set()
                #expect(TestSupport.eventually { waiters.filter { !$0.isRunning }.count == round },
                        "set \(round) released a waiter")
                // Give a wrong implementation time to release more than one.
                usleep(300_000)
                #expect(waiters.filter { !$0.isRunning }.count == round, "set \(round) released exactly one")
                #expect(event.isSet == false, "the released waiter consumed the signal")
                #expect(TestSupport.eventually { event.waiterCount == UInt32(3 - round) })
            }
            for waiter in waiters {
                #expect(try waiter.finish() == "signaled")
            }
        }

        @Test("manual-reset: a set undone by a reset at once still releases a waiter that was asleep")
        func pulseReleasesSleepers() throws {
            let name = TestSupport.uniqueName("ev-pulse")
            defer { try? ProcessEvent.remove(name) }
            let event = try ProcessEvent(create: name, mode: .manualReset)
            let waiter = try WaiterPeer("event-wait", name, "5000")
            #expect(TestSupport.eventually { event.waiterCount == 1 })
            event.set()
            event.reset()
            #expect(try waiter.finish() == "signaled")
            #expect(event.isSet == false)
        }

        @Test("a set from another process wakes a waiter here; a placed event works across processes")
        func setFromPeer() throws {
            let name = TestSupport.uniqueName("ev-peer")
            defer { try? SharedMemory.remove(name) }
            let memory = try SharedMemory(create: name, size: 4096)
            let event = try ProcessEvent.initialize(at: memory.region.baseAddress + 192, mode: .autoReset)
            let target = "\(name)@192"
            let setter = try TestSupport.peer("event-set", target)
            #expect(setter.standardOutput == "set\n", "\(setter)")
            #expect(try timingOut { () throws(InterprocessError) in try event.wait(timeout: .seconds(10)) } != nil)
            #expect(event.isSet == false)
            let late = try TestSupport.peer("event-wait", target, "100")
            #expect(late.standardOutput == "timed out\n", "\(late)")
            event.set()
            let taker = try TestSupport.peer("event-wait", target, "10000")
            #expect(taker.standardOutput == "signaled\n", "\(taker)")
            #expect(event.isSet == false)
        }
    }
}
