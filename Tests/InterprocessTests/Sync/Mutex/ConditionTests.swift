import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MutexTests {
    /// Waiting and signalling across real processes; a waiter's death hangs nobody.
    @Suite("ProcessCondition", .timeLimit(.minutes(5)))
    struct ConditionTests {
        @Test("two processes take 1 000 turns each, handing over with the condition")
        func pingPong() throws {
            let fixture = try MutexFixture("cv-pingpong")
            let outcomes = try MutexPeers.runConcurrently([
                ["cond-pingpong", fixture.name, "1000", "0"],
                ["cond-pingpong", fixture.name, "1000", "1"],
            ])
            for outcome in outcomes {
                #expect(outcome.status == 0 && outcome.standardOutput == "done 1000\n", "\(outcome)")
            }
            #expect(fixture.counter.pointee == 2000)
            #expect(fixture.turn.pointee == 0, "player 1 hands the turn back last")
        }

        @Test("a signal wakes a waiter in another process")
        func signalWakesPeer() throws {
            let fixture = try MutexFixture("cv-signal")
            let mutex = try fixture.mutex(), condition = try fixture.condition()
            let waiter = try MutexPeers.start("cond-wait", fixture.name, "20000")
            defer { MutexPeers.finish(waiter, timeout: 0) }
            try #require(TestSupport.eventually { fixture.conditionWaiters == 1 }, "the peer never waited")
            try mutex.withLock(onOwnerDeath: .giveUp) { fixture.turn.pointee = 1 }
            condition.signal()
            #expect(MutexPeers.finish(waiter, timeout: 10), "the waiter did not wake")
            #expect(waiter.terminationStatus == 0, "the waiter timed out instead of waking")
            #expect(fixture.conditionWaiters == 0)
        }

        @Test("a wait with a deadline and no signal throws timedOut, leaving the mutex released")
        func waitTimesOut() throws {
            let fixture = try MutexFixture("cv-timeout")
            let mutex = try fixture.mutex(), condition = try fixture.condition()
            _ = try mutex.lock()
            let deadline = Deadline.after(.milliseconds(150))
            #expect(try timingOut { () throws(InterprocessError) in try condition.wait(mutex, until: deadline) } == nil)
            #expect(Deadline.now >= deadline, "returned before the deadline")
            #expect(fixture.ownerPID == 0, "timedOut: the mutex is not held")
            _ = try mutex.lock()
            #expect(try timingOut { () throws(InterprocessError) in try condition.wait(mutex, timeout: .milliseconds(20)) } == nil)
            let other = try TestSupport.peer("mutex-lock", fixture.name, "10000")
            #expect(other.standardOutput == "acquired\n", "\(other)")
        }

        @Test("waiters killed while asleep do not hang later signals or waits")
        func deadWaitersHangNobody() throws {
            let fixture = try MutexFixture("cv-deadwaiter")
            let condition = try fixture.condition()
            for killed in 1...5 {
                let waiter = try MutexPeers.start("cond-wait", fixture.name, "30000")
                let asleep = TestSupport.eventually { fixture.conditionWaiters == UInt32(killed) }
                kill(waiter.processIdentifier, SIGKILL)
                waiter.waitUntilExit()
                try #require(asleep, "waiter \(killed) never slept")
                condition.signal()
                condition.broadcast()
            }
            let outcomes = try MutexPeers.runConcurrently([
                ["cond-pingpong", fixture.name, "200", "0"],
                ["cond-pingpong", fixture.name, "200", "1"],
            ])
            for outcome in outcomes {
                #expect(outcome.status == 0 && outcome.standardOutput == "done 200\n", "\(outcome)")
            }
        }

        @Test("a named condition and a named mutex work together across processes' handles")
        func namedCondition() throws {
            let conditionName = TestSupport.uniqueName("cv-named")
            let mutexName = TestSupport.uniqueName("cv-named-mx")
            defer {
                try? ProcessCondition.remove(conditionName)
                try? ProcessMutex.remove(mutexName)
            }
            let condition = try ProcessCondition(create: conditionName)
            let opened = try ProcessCondition(open: conditionName)
            let mutex = try ProcessMutex(create: mutexName)
            _ = try mutex.lock()
            opened.signal()  // nobody waits: a no-op
            #expect(try timingOut { () throws(InterprocessError) in try condition.wait(mutex, timeout: .milliseconds(20)) } == nil)
            #expect(mutex.recordedOwner == nil)
        }
    }
}
