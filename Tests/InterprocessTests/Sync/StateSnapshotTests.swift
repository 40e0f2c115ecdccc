import Foundation
import Interprocess
import Testing

/// The public `state` snapshots of the primitives: what they report, that they encode as JSON,
/// and that a hostile word is a typed error, not a trap.
@Suite("Primitive state snapshots", .timeLimit(.minutes(1)))
struct StateSnapshotTests {
    @Test("mutex: owner, liveness, depth, consistency; a dead owner shows as dead")
    func mutex() throws {
        let name = TestSupport.uniqueName("state-mx")
        let mutex = try ProcessMutex(create: name, recursive: true, lifetime: .removedWhenCreatorCloses)
        var state = try mutex.state
        #expect(state.owner == nil && state.depth == 0 && state.consistency == .consistent && state.isRecursive)
        try mutex.lock()
        try mutex.lock()
        state = try mutex.state
        #expect(state.owner == .current)
        #expect(state.ownerLiveness == .alive)
        #expect(state.depth == 2)
        try mutex.unlock()
        try mutex.unlock()
        let outcome = try TestSupport.peer("mutex-die", "--named", name)
        let pid = Int32(outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst(4))
        state = try mutex.state
        #expect(state.owner?.pid == pid)
        #expect(state.ownerLiveness == .dead)
        let json = try JSONEncoder().encode(state)
        #expect(try JSONDecoder().decode(ProcessMutex.State.self, from: json) == state)
    }

    @Test("mutex: a lock word no mutex writes is corrupt, not a trap")
    func hostileMutexWord() throws {
        let memory = try AnonymousSharedMemory(size: ProcessMutex.size)
        try ProcessMutex.initialize(at: memory.region.baseAddress)
        let mutex = try ProcessMutex(placedAt: memory.region.baseAddress)
        (memory.region.baseAddress + 64).storeBytes(of: UInt32(0x4000_0000), as: UInt32.self)  // inconsistent, no owner
        #expect(interprocessError { _ = try mutex.state }?.code == .corrupt)
    }

    @Test("semaphore, event, condition: counts, mode, waiters")
    func counters() throws {
        let memory = try AnonymousSharedMemory(size: 4096)
        let base = memory.region.baseAddress
        let semaphore = try ProcessSemaphore.initialize(at: base, initialCount: 2, maximumCount: 5)
        let counts = try semaphore.state
        #expect(counts.count == 2 && counts.maximumCount == 5 && counts.waiters == 0)
        base.storeBytes(of: UInt32(9), toByteOffset: 8, as: UInt32.self)  // count beyond the maximum
        #expect(interprocessError { _ = try semaphore.state }?.code == .corrupt)
        let event = try ProcessEvent.initialize(at: base + 128, mode: .manualReset, initiallySet: true)
        let signal = event.state
        #expect(signal.isSet && signal.mode == .manualReset && signal.waiters == 0)
        try ProcessCondition.initialize(at: base + 256)
        let condition = try ProcessCondition(placedAt: base + 256)
        condition.signal()
        let sequence = condition.state
        #expect(sequence.waiters == 0 && sequence.sequence == 1)
        _ = try JSONEncoder().encode(event.state)
    }

    @Test("reader-writer lock: readers with their holds, the writer, consistency")
    func rwLock() throws {
        let name = TestSupport.uniqueName("state-rw")
        let lock = try ProcessRWLock(create: name, lifetime: .removedWhenCreatorCloses)
        try lock.lockShared()
        try lock.lockShared()
        var state = try lock.state
        #expect(state.readers.count == 1)
        #expect(state.readers.first?.identity.pid == getpid())
        #expect(state.readers.first?.holds == 2)
        #expect(state.readers.first?.liveness == .alive)
        #expect(state.writer == nil)
        try lock.unlockShared()
        try lock.unlockShared()
        try lock.lockExclusive()
        state = try lock.state
        #expect(state.writer?.pid == getpid() && state.readers.isEmpty && state.consistency == .consistent)
        try lock.unlockExclusive()
        _ = try JSONEncoder().encode(state)
    }
}
