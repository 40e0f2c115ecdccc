import Foundation
import Interprocess
import Testing

/// The scoped forms' owner-death policies on both sides, after a writer process was SIGKILLed
/// holding the exclusive side.
@Suite("ProcessRWLock owner-death policies", .timeLimit(.minutes(5)))
struct ProcessRWLockOwnerDeathPolicyTests {
    typealias Deaths = ProcessRWLockOwnerDeathTests

    @Test("stateNeedsNoRepair: the body runs, on either side, and the lock stays usable", arguments: ["shared", "exclusive"])
    func noRepair(side: String) throws {
        let name = TestSupport.uniqueName("rw-pol-none")
        defer { try? ProcessRWLock.remove(name) }
        let lock = try ProcessRWLock(create: name)
        _ = try Deaths.killWriterHolding(name)
        var ran = false
        if side == "shared" {
            try lock.withSharedLock(onOwnerDeath: .stateNeedsNoRepair) { ran = true }
        } else {
            try lock.withExclusiveLock(onOwnerDeath: .stateNeedsNoRepair) { ran = true }
        }
        #expect(ran)
        #expect(try lock.state.consistency == .consistent)
        #expect(try lock.tryLockExclusive() == .acquired)
        try lock.unlockExclusive()
    }

    @Test("giveUp: ownerDied without running the body, on either side; then not recoverable", arguments: ["shared", "exclusive"])
    func giveUp(side: String) throws {
        let name = TestSupport.uniqueName("rw-pol-give")
        defer { try? ProcessRWLock.remove(name) }
        let lock = try ProcessRWLock(create: name)
        let pid = try Deaths.killWriterHolding(name)
        var ran = false
        let error = try #require(interprocessError {
            if side == "shared" {
                try lock.withSharedLock(onOwnerDeath: .giveUp) { ran = true }
            } else {
                try lock.withExclusiveLock(onOwnerDeath: .giveUp) { ran = true }
            }
        })
        #expect(error.code == .ownerDied)
        #expect(error.description.contains("pid \(pid)"), "\(error)")
        #expect(!ran)
        #expect(try lock.state.consistency == .notRecoverable)
        #expect(Deaths.code { try lock.lockShared() } == .notRecoverable)
    }
}
