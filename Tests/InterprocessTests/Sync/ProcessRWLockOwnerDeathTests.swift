import Foundation
import Interprocess
import Testing

/// A writer process killed (SIGKILL) holding the exclusive side: the next locker is told,
/// repairs, and the lock keeps working; unrepaired, it becomes not recoverable.
@Suite("ProcessRWLock owner death", .timeLimit(.minutes(5)))
struct ProcessRWLockOwnerDeathTests {
    static func code(_ body: () throws -> Void) -> InterprocessError.Code? {
        do { try body() } catch let error as InterprocessError { return error.code } catch { return nil }
        return nil
    }

    /// Starts a peer that takes the exclusive side and holds it until killed, then kills it.
    static func killWriterHolding(_ name: String) throws -> Int32 {
        let peer = try LockPeerProcess("rw-hold", name, "exclusive", "forever")
        try peer.expectLine("locked acquired")
        try peer.killAndReap()
        return peer.pid
    }

    @Test("100 times: the peer dies holding it, this process gets previousOwnerDied(peer), repairs, and goes on")
    func ownerDeathLoop() throws {
        let name = TestSupport.uniqueName("rw-death")
        defer { try? ProcessRWLock.remove(name) }
        let lock = try ProcessRWLock(create: name)
        var repairs = 0
        for round in 0..<100 {
            let pid = try Self.killWriterHolding(name)
            if round % 10 == 0 {
                // A reader is told the writer died instead of reading half-written state.
                #expect(Self.code { _ = try lock.lockShared(until: .after(.seconds(10))) } == .ownerDied)
            }
            let acquisition = try lock.lockExclusive(until: .after(.seconds(10)))
            guard case .previousOwnerDied(let dead) = acquisition else {
                Issue.record("round \(round): expected previousOwnerDied, got \(String(describing: acquisition))")
                break
            }
            #expect(dead.pid == pid)
            repairs += 1
            try lock.markConsistent()
            try lock.unlockExclusive()
            #expect(try lock.tryLockShared(), "round \(round): the lock works after the repair")
            try lock.unlockShared()
        }
        #expect(repairs == 100)
        #expect(try lock.lockExclusive(until: .after(.seconds(5))) == .acquired)
        try lock.unlockExclusive()
    }

    @Test("withExclusiveLock(onOwnerDeath:) repairs once and then runs the body")
    func scopedRepair() throws {
        let name = TestSupport.uniqueName("rw-scoped")
        defer { try? ProcessRWLock.remove(name) }
        let lock = try ProcessRWLock(create: name)
        let pid = try Self.killWriterHolding(name)
        var repairedFor: Int32?
        let value = try lock.withExclusiveLock(onOwnerDeath: { repairedFor = $0.pid }) { 42 }
        #expect(value == 42)
        #expect(repairedFor == pid)
        #expect(try lock.withExclusiveLock(onOwnerDeath: .giveUp) { 7 } == 7)
        let shared = try lock.withSharedLock(onOwnerDeath: .giveUp) { 8 }
        #expect(shared == 8)
    }

    @Test("unlocked without markConsistent, the lock is not recoverable for every process")
    func notRecoverable() throws {
        let name = TestSupport.uniqueName("rw-notrec")
        defer { try? ProcessRWLock.remove(name) }
        let lock = try ProcessRWLock(create: name)
        _ = try Self.killWriterHolding(name)
        #expect(try lock.lockExclusive(until: .after(.seconds(10))).previousOwnerDied == true)
        try lock.unlockExclusive()
        let broken = lock.isNotRecoverable
        #expect(broken)
        #expect(Self.code { _ = try lock.lockExclusive(until: .after(.seconds(10))) } == .notRecoverable)
        #expect(Self.code { _ = try lock.tryLockExclusive() } == .notRecoverable)
        #expect(Self.code { _ = try lock.lockShared(until: .after(.seconds(10))) } == .notRecoverable)
        #expect(Self.code { _ = try lock.tryLockShared() } == .notRecoverable)
        let peer = try TestSupport.peer("rw-hold", name, "shared")
        #expect(peer.standardOutput == "error notRecoverable\n", "\(peer)")
    }

    @Test("withExclusiveLock(_:) cannot repair: it throws ownerDied and leaves the lock not recoverable")
    func scopedWithoutRepair() throws {
        let name = TestSupport.uniqueName("rw-norepair")
        defer { try? ProcessRWLock.remove(name) }
        let lock = try ProcessRWLock(create: name)
        _ = try Self.killWriterHolding(name)
        var ran = false
        #expect(Self.code { try lock.withExclusiveLock(onOwnerDeath: .giveUp) { ran = true } } == .ownerDied)
        #expect(!ran)
        #expect(Self.code { _ = try lock.lockExclusive(until: .after(.seconds(10))) } == .notRecoverable)
    }

    @Test("a writer that gives up waiting after a takeover leaves the death for the next writer")
    func takeoverThenTimeout() throws {
        let name = TestSupport.uniqueName("rw-giveup")
        defer { try? ProcessRWLock.remove(name) }
        let lock = try ProcessRWLock(create: name)
        let reader = try LockPeerProcess("rw-hold", name, "shared", "forever")
        try reader.expectLine("locked")
        // The writer peer announces itself, then waits for the reader; kill it there.
        let writer = try LockPeerProcess("rw-hold", name, "exclusive", "forever")
        #expect(TestSupport.eventually { lock.exclusiveOwner?.pid == writer.pid })
        try writer.killAndReap()
        #expect(try timingOut { () throws(InterprocessError) in try lock.lockExclusive(until: .after(.milliseconds(100))) } == nil, "the live reader is still inside")
        try reader.killAndReap()
        let acquisition = try lock.lockExclusive(until: .after(.seconds(10)))
        #expect(acquisition == .previousOwnerDied(ProcessIdentity(pid: writer.pid, startTime: {
            if case .previousOwnerDied(let dead) = acquisition { dead.startTime } else { 0 }
        }())))
        try lock.markConsistent()
        try lock.unlockExclusive()
    }
}
