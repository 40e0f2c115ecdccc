import Foundation
@testable import Interprocess
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `state` snapshots of the primitives: what they say of a lock held here, of one held by
/// another process that died, and of words another process scribbled over (`.corrupt`, never a
/// trap). Each snapshot survives a JSON round trip (tools print them).
@Suite("Primitive state snapshots", .timeLimit(.minutes(5)))
struct PrimitiveStateTests {
    private func roundTrips<State: Codable & Equatable>(_ state: State) throws -> Bool {
        try JSONDecoder().decode(State.self, from: JSONEncoder().encode(state)) == state
    }

    @Test func mutexStateNamesItsOwnerAndDepth() throws {
        let name = TestSupport.uniqueName("state-mutex")
        defer { try? ProcessMutex.remove(name) }
        let mutex = try ProcessMutex(create: name, recursive: true)
        let free = try mutex.state
        #expect(!free.isLocked && free.owner == nil && free.depth == 0 && free.consistency == .consistent && free.isRecursive)
        _ = try mutex.lock()
        _ = try mutex.lock()
        let held = try mutex.state
        #expect(held.isLocked)
        #expect(held.owner == ProcessIdentity.current)
        #expect(held.ownerLiveness == .alive)
        #expect(held.ownerThread == ThreadID.current)
        #expect(held.depth == 2)
        #expect(try roundTrips(held))
        try mutex.unlock()
        try mutex.unlock()
        #expect(try !mutex.state.isLocked)
    }

    @Test func mutexStateShowsAnOwnerThatDiedHoldingIt() throws {
        let name = TestSupport.uniqueName("state-mutex-dead")
        defer { try? ProcessMutex.remove(name) }
        let mutex = try ProcessMutex(create: name)
        let outcome = try TestSupport.peer("mutex-die", "--named", name)
        let pid = try #require(Int32(outcome.standardOutput.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
        let state = try mutex.state
        #expect(state.isLocked)
        #expect(state.owner?.pid == pid)
        #expect(state.ownerLiveness == .dead)
        #expect(state.consistency == .consistent, "nobody has taken it over yet")
    }

    @Test func mutexStateRejectsALockWordNoMutexWrites() throws {
        let name = TestSupport.uniqueName("state-mutex-bad")
        defer { try? ProcessMutex.remove(name) }
        let mutex = try ProcessMutex(create: name)
        // A thread id beyond PID_MAX_LIMIT: no mutex writes it.
        mutex.word.pointee.store(0x0100_0000, ordering: .relaxed)
        #expect(throws: InterprocessError.self) { _ = try mutex.state }
        do { _ = try mutex.state } catch { #expect(error.code == .corrupt) }
        mutex.word.pointee.store(ProcessMutex.LockWord.notRecoverable, ordering: .relaxed)
        #expect(try mutex.state.consistency == .notRecoverable)
        mutex.word.pointee.store(0, ordering: .relaxed)
    }

    @Test func semaphoreStateCountsUnitsAndRejectsACountAboveTheMaximum() throws {
        let name = TestSupport.uniqueName("state-sem")
        defer { try? ProcessSemaphore.remove(name) }
        let semaphore = try ProcessSemaphore(create: name, initialCount: 2, maximumCount: 5)
        try semaphore.post()
        let state = try semaphore.state
        #expect(state == ProcessSemaphore.State(count: 3, maximumCount: 5, waiters: 0))
        #expect(try roundTrips(state))
        semaphore.count.pointee.store(6, ordering: .relaxed)
        do {
            _ = try semaphore.state
            Issue.record("a count above the maximum must be corrupt")
        } catch {
            #expect(error.code == .corrupt)
        }
        semaphore.count.pointee.store(0, ordering: .relaxed)
    }

    @Test func semaphoreStateCountsAWaiterInAnotherProcess() throws {
        let name = TestSupport.uniqueName("state-sem-wait")
        defer { try? ProcessSemaphore.remove(name) }
        let semaphore = try ProcessSemaphore(create: name)
        let waiter = try TestSupport.BackgroundPeer(["sem-wait", name, "1", "10000"])
        #expect(TestSupport.eventually { (try? semaphore.state.waiters) == 1 })
        try semaphore.post()
        _ = try waiter.wait()
        #expect(TestSupport.eventually { (try? semaphore.state.waiters) == 0 })
    }

    @Test func eventStateShowsSetModeAndSets() throws {
        let name = TestSupport.uniqueName("state-event")
        defer { try? ProcessEvent.remove(name) }
        let event = try ProcessEvent(create: name, mode: .manualReset)
        #expect(event.state == ProcessEvent.State(isSet: false, mode: .manualReset, setCount: 0, waiters: 0))
        event.set()
        event.set()
        let state = event.state
        #expect(state.isSet && state.setCount == 1 && state.mode == .manualReset)
        #expect(try roundTrips(state))
        #expect(String(decoding: try JSONEncoder().encode(state.mode), as: UTF8.self) == "\"manualReset\"")
        // Any word is a valid state: the snapshot of a scribbled one reads, it does not trap.
        event.stateWord.pointee.store(.max, ordering: .relaxed)
        #expect(event.state.isSet && event.state.setCount == UInt32.max >> 1)
    }

    @Test func rwLockStateListsReadersAndTheWriter() throws {
        let name = TestSupport.uniqueName("state-rw")
        defer { try? ProcessRWLock.remove(name) }
        let lock = try ProcessRWLock(create: name)
        #expect(try lock.state == ProcessRWLock.State(writer: nil, writerLiveness: nil, readers: [], consistency: .consistent,
                                                      releaseWaiters: 0, drainWaiters: 0))
        try lock.lockShared()
        try lock.lockShared()
        let shared = try lock.state
        #expect(shared.writer == nil)
        #expect(shared.readers.count == 1)
        #expect(shared.readers.first?.identity.pid == getpid())
        #expect(shared.readers.first?.liveness == .alive)
        #expect(shared.readers.first?.holds == 2)
        #expect(try roundTrips(shared))
        try lock.unlockShared()
        try lock.unlockShared()
        _ = try lock.lockExclusive()
        let exclusive = try lock.state
        #expect(exclusive.writer?.pid == getpid())
        #expect(exclusive.writerLiveness == .alive)
        #expect(exclusive.readers.isEmpty)
        try lock.unlockExclusive()
    }

    @Test func rwLockStateShowsAReaderInAnotherProcessAndItsDeath() throws {
        let name = TestSupport.uniqueName("state-rw-peer")
        defer { try? ProcessRWLock.remove(name) }
        let lock = try ProcessRWLock(create: name)
        let peer = try TestSupport.start(TestSupport.executable("interprocess-test-peer"), ["rw-hold", name, "shared", "forever"])
        let pid = peer.processIdentifier
        #expect(TestSupport.eventually { (try? lock.state.readers.map(\.identity.pid)) == [pid] })
        kill(pid, SIGKILL)
        peer.waitUntilExit()
        let state = try lock.state
        #expect(state.readers.first?.identity.pid == pid)
        #expect(state.readers.first?.liveness == .dead)
    }

    @Test func rwLockStateRejectsImpossibleWords() throws {
        let name = TestSupport.uniqueName("state-rw-bad")
        defer { try? ProcessRWLock.remove(name) }
        let lock = try ProcessRWLock(create: name)
        lock.words.consistency.pointee.store(7, ordering: .relaxed)
        do { _ = try lock.state; Issue.record("consistency 7 must be corrupt") } catch { #expect(error.code == .corrupt) }
        lock.words.consistency.pointee.store(0, ordering: .relaxed)
        // A slot naming a process with no holds.
        lock.words.slot(3).pointee.store(0x1234_0000_0000_0100, ordering: .relaxed)
        do { _ = try lock.state; Issue.record("a slot without holds must be corrupt") } catch { #expect(error.code == .corrupt) }
        lock.words.slot(3).pointee.store(0, ordering: .relaxed)
        #expect(try lock.state.readers.isEmpty)
    }

    @Test func conditionStateCountsWaitersAndWakeUps() throws {
        let name = TestSupport.uniqueName("state-cond")
        defer { try? ProcessCondition.remove(name) }
        let condition = try ProcessCondition(create: name)
        #expect(condition.state == ProcessCondition.State(waiters: 0, wakeSequence: 0))
        condition.signal()
        condition.broadcast()
        #expect(condition.state.wakeSequence == 2)
        #expect(try roundTrips(condition.state))
        condition.waiters.pointee.store(.max, ordering: .relaxed)
        #expect(condition.state.waiters == Int(UInt32.max))
    }
}
