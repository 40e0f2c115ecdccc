import Foundation
@testable import Interprocess
import Testing

extension MemoryTests.TruncationGuardTests {
    @Test("a mutex whose file was shrunk: lock, tryLock and lock(timeout:) throw .truncated instead of 'acquiring' zeros, again on every call; one shrunk while held: unlock throws .truncated")
    func mutexOnShrunkFile() throws {
        let name = TestSupport.uniqueName("shrinks-mx"), heldName = TestSupport.uniqueName("shrinks-mxh")
        defer { try? ProcessMutex.remove(name); try? ProcessMutex.remove(heldName) }
        let mutex = try ProcessMutex(create: name)
        Self.shrinkAll(containing: name)
        for attempt in 0..<2 {
            let locked = #expect(throws: InterprocessError.self) { _ = try mutex.lock() }
            #expect(locked?.code == .truncated, "lock(), call \(attempt): \(String(describing: locked))")
            let tried = #expect(throws: InterprocessError.self) { _ = try mutex.tryLock() }
            #expect(tried?.code == .truncated, "tryLock(), call \(attempt): \(String(describing: tried))")
            let timed = #expect(throws: InterprocessError.self) { _ = try mutex.lock(timeout: .milliseconds(50)) }
            #expect(timed?.code == .truncated, "lock(timeout:), call \(attempt): \(String(describing: timed))")
        }

        let held = try ProcessMutex(create: heldName)
        #expect(try held.lock() == .acquired)
        Self.shrinkAll(containing: heldName)
        let unlocked = #expect(throws: InterprocessError.self) { try held.unlock() }
        #expect(unlocked?.code == .truncated, "unlock: \(String(describing: unlocked))")
    }

    @Test("a mutex held by another process, then its file shrunk: this process's lock throws .truncated, never acquires beside the holder")
    func mutexHeldElsewhereThenShrunk() throws {
        let name = TestSupport.uniqueName("shrinks-mxp")
        defer { try? ProcessMutex.remove(name) }
        let mutex = try ProcessMutex(create: name)
        // Its second thread holds the mutex and runs on (its main thread exits).
        let holder = try LockPeerProcess("main-exits-holding", name)
        try holder.expectLine("locked")
        #expect(try mutex.tryLock() == nil, "the peer holds it")
        Self.shrinkAll(containing: name)
        let locked = #expect(throws: InterprocessError.self) { _ = try mutex.lock(timeout: .seconds(5)) }
        #expect(locked?.code == .truncated, "\(String(describing: locked))")
        try holder.killAndReap()
    }

    @Test("a reader-writer lock whose file was shrunk: both sides' locks throw .truncated, on every call; one shrunk while held: both unlocks throw .truncated")
    func rwLockOnShrunkFile() throws {
        let name = TestSupport.uniqueName("shrinks-rw"), heldName = TestSupport.uniqueName("shrinks-rwh")
        let sharedName = TestSupport.uniqueName("shrinks-rws")
        defer { try? ProcessRWLock.remove(name); try? ProcessRWLock.remove(heldName); try? ProcessRWLock.remove(sharedName) }
        let lock = try ProcessRWLock(create: name)
        Self.shrinkAll(containing: name)
        for attempt in 0..<2 {
            let calls: [(String, () throws(InterprocessError) -> Void)] = [
                ("lockExclusive()", { () throws(InterprocessError) in _ = try lock.lockExclusive() }),
                ("tryLockExclusive()", { () throws(InterprocessError) in _ = try lock.tryLockExclusive() }),
                ("lockExclusive(timeout:)", { () throws(InterprocessError) in _ = try lock.lockExclusive(timeout: .milliseconds(50)) }),
                ("lockShared()", { () throws(InterprocessError) in try lock.lockShared() }),
                ("tryLockShared()", { () throws(InterprocessError) in _ = try lock.tryLockShared() }),
                ("lockShared(timeout:)", { () throws(InterprocessError) in try lock.lockShared(timeout: .milliseconds(50)) }),
            ]
            for (what, call) in calls {
                let error = #expect(throws: InterprocessError.self) { try call() }
                #expect(error?.code == .truncated, "\(what), call \(attempt): \(String(describing: error))")
            }
        }

        let held = try ProcessRWLock(create: heldName), shared = try ProcessRWLock(create: sharedName)
        #expect(try held.lockExclusive() == .acquired)
        try shared.lockShared()
        Self.shrinkAll(containing: heldName)
        Self.shrinkAll(containing: sharedName)
        let exclusive = #expect(throws: InterprocessError.self) { try held.unlockExclusive() }
        #expect(exclusive?.code == .truncated, "unlockExclusive: \(String(describing: exclusive))")
        let reader = #expect(throws: InterprocessError.self) { try shared.unlockShared() }
        #expect(reader?.code == .truncated, "unlockShared: \(String(describing: reader))")
    }

    @Test("a shrink that cut only a later page of the mapping: a lock taken for real is given back before .truncated is thrown (another mapping of the file takes it) — mutex, both sides of a reader-writer lock")
    func partialShrinkGivesTheRealLockBack() throws {
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        // The pages the lock takes (a reader-writer lock's slots span several), kept whole.
        let page = (max(ProcessMutex.size, ProcessRWLock.size) + pageSize - 1) / pageSize * pageSize
        for kind in ["mutex", "exclusive", "shared"] {
            let name = TestSupport.uniqueName("shrinks-part-\(kind)")
            defer { try? SharedMemory.remove(name) }
            let memory = try SharedMemory(create: name, size: 2 * page)
            let base = memory.region.baseAddress
            if kind == "mutex" { try ProcessMutex.initialize(at: base) } else { try ProcessRWLock.initialize(at: base) }
            try Self.shrink(MemoryFixtures.shmPath(name), to: page)
            // Touch the cut page: it becomes a private zero page and the mapping's count rises;
            // the lock's own page is intact.
            let cut = base.load(fromByteOffset: page, as: UInt8.self)
            #expect(cut == 0 && memory.region.wasTruncated)
            let other = try SharedMemory(open: name)
            let error: InterprocessError?
            switch kind {
            case "mutex":
                let mutex = try ProcessMutex(placedAt: base)
                error = #expect(throws: InterprocessError.self) { _ = try mutex.lock() }
                let second = try ProcessMutex(placedAt: other.region.baseAddress)
                #expect(try second.tryLock() == .acquired, "the failed lock kept the real mutex")
                try second.unlock()
            default:
                let lock = try ProcessRWLock(placedAt: base)
                if kind == "exclusive" {
                    error = #expect(throws: InterprocessError.self) { _ = try lock.lockExclusive() }
                } else {
                    error = #expect(throws: InterprocessError.self) { try lock.lockShared() }
                }
                let second = try ProcessRWLock(placedAt: other.region.baseAddress)
                #expect(try second.tryLockExclusive() == .acquired, "the failed \(kind) lock kept the real lock")
                try second.unlockExclusive()
            }
            #expect(error?.code == .truncated, "\(kind): \(String(describing: error))")
        }
    }

    @Test("a reader-writer lock whose reader slots run onto a page cut by a shrink: the exclusive lock faults on that page after taking the real owner word, gives it back and throws .truncated")
    func rwLockFaultsMidAcquisition() throws {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        // Page-aligned, the lock's last reader slots lie past the first page.
        try #require(ProcessRWLock.size > page)
        let lastSlot = ProcessRWLock.readerSlotCount - 1
        let name = TestSupport.uniqueName("shrinks-rwmid")
        defer { try? SharedMemory.remove(name) }
        let memory = try SharedMemory(create: name, size: 2 * page)
        try ProcessRWLock.initialize(at: memory.region.baseAddress)
        let lock = try ProcessRWLock(placedAt: memory.region.baseAddress)
        // A slot once used (a hint word a reader sets): the writer must look at it, on page 2.
        lock.words.slotsUsed.pointee.store(1 << lastSlot, ordering: .relaxed)
        try Self.shrink(MemoryFixtures.shmPath(name), to: page)
        let before = memory.region.wasTruncated
        #expect(!before, "nothing touched the cut page yet")
        let error = #expect(throws: InterprocessError.self) { _ = try lock.lockExclusive() }
        #expect(error?.code == .truncated, "\(String(describing: error))")
        let after = memory.region.wasTruncated
        #expect(after, "the acquisition itself touched the cut page")
        // The owner word, on the intact first page, was given back.
        #expect(lock.exclusiveOwner == nil, "the failed lock kept the real owner word: \(String(describing: lock.exclusiveOwner))")
    }
}

