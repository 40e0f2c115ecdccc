@testable import Interprocess
import Testing

extension ProcessEventTests {
    /// Waiters killed while asleep leave the waiter count too high; later waits still work.
    @Suite("dead waiters", .timeLimit(.minutes(5)))
    struct EventDeadWaiterTests {
        @Test("waiters killed asleep do not keep a set from waking a live waiter", arguments: [ProcessEvent.Mode.autoReset, .manualReset])
        func killedWaitersDoNotBreakLaterWaits(mode: ProcessEvent.Mode) throws {
            let name = TestSupport.uniqueName("ev-dead")
            defer { try? ProcessEvent.remove(name) }
            let event = try ProcessEvent(create: name, mode: mode)
            for killed in 1...3 {
                let doomed = try WaiterPeer("event-wait", name, "60000")
                #expect(TestSupport.eventually { event.waiterCount == UInt32(killed) }, "waiter \(killed) went to sleep")
                doomed.killAndReap()
            }
            #expect(event.waiterCount == 3, "a dead waiter's increment is never undone")

            let survivors = try (0..<2).map { _ in try WaiterPeer("event-wait", name, "20000") }
            #expect(TestSupport.eventually { event.waiterCount == 5 })
            event.set()
            if mode == .autoReset {
                // One set, one survivor; the second needs a second set.
                #expect(TestSupport.eventually { survivors.filter { !$0.isRunning }.count == 1 })
                event.set()
            }
            for survivor in survivors {
                #expect(try survivor.finish() == "signaled")
            }
            #expect(event.waiterCount == 3)
            #expect(event.isSet == (mode == .manualReset))
        }
    }
}
