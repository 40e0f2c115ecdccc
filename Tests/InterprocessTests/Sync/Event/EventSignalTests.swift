@testable import Interprocess
import Testing

extension ProcessEventTests {
    /// Set, reset and waits in one process, for both modes.
    @Suite("signaling", .timeLimit(.minutes(5)))
    struct EventSignalTests {
        @Test("auto-reset: a set with nobody waiting stays until one waiter takes it, then the event is unset")
        func autoResetKeepsOneSignal() throws {
            try PlacedBuffer.with { base in
                let event = try ProcessEvent.initialize(at: base, mode: .autoReset)
                #expect(event.mode == .autoReset)
                #expect(event.tryWait() == false)
                event.set()
                event.set()  // already set: still one signal
                #expect(event.isSet == true)
                let other = try ProcessEvent(placedAt: base)
                #expect(try timingOut { () throws(InterprocessError) in try other.wait(timeout: .seconds(5)) } != nil)
                #expect(event.isSet == false)
                #expect(event.tryWait() == false)
                #expect(try timingOut { () throws(InterprocessError) in try other.wait(timeout: .milliseconds(20)) } == nil)
            }
        }

        @Test("manual-reset: a set releases every wait until reset")
        func manualResetStaysSet() throws {
            try PlacedBuffer.with { base in
                let event = try ProcessEvent.initialize(at: base, mode: .manualReset)
                #expect(event.mode == .manualReset)
                #expect(event.tryWait() == false)
                event.set()
                for _ in 0..<3 {
                    #expect(event.tryWait() == true)
                    #expect(try timingOut { () throws(InterprocessError) in try event.wait(timeout: .milliseconds(1)) } != nil)
                }
                #expect(event.isSet == true)
                event.reset()
                #expect(event.isSet == false)
                #expect(event.tryWait() == false)
                #expect(try timingOut { () throws(InterprocessError) in try event.wait(timeout: .milliseconds(20)) } == nil)
            }
        }

        @Test("initiallySet starts the event set, in both modes")
        func initiallySet() throws {
            try PlacedBuffer.with { base in
                let event = try ProcessEvent.initialize(at: base, mode: .autoReset, initiallySet: true)
                #expect(event.tryWait() == true)
                #expect(event.tryWait() == false)
                let manual = try ProcessEvent.initialize(at: base + 64, mode: .manualReset, initiallySet: true)
                #expect(manual.tryWait() == true)
                #expect(manual.tryWait() == true)
            }
        }

        @Test("wait(until:) on an unset event returns false after the deadline, in both modes", arguments: [ProcessEvent.Mode.autoReset, .manualReset])
        func deadlinesPass(mode: ProcessEvent.Mode) throws {
            try PlacedBuffer.with { base in
                let event = try ProcessEvent.initialize(at: base, mode: mode)
                let deadline = Deadline.after(.milliseconds(100))
                #expect(try timingOut { () throws(InterprocessError) in try event.wait(until: deadline) } == nil)
                #expect(Deadline.now >= deadline)
                #expect(try timingOut { () throws(InterprocessError) in try event.wait(timeout: .milliseconds(20)) } == nil)
                #expect(try timingOut { () throws(InterprocessError) in try event.wait(until: .now) } == nil)
                #expect(event.waiterCount == 0)
                event.set()
                #expect(try timingOut { () throws(InterprocessError) in try event.wait(until: Deadline(nanoseconds: 0)) } != nil, "set: passes even with a past deadline")
            }
        }
    }
}
