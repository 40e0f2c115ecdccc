import Foundation
import Interprocess
import Synchronization
import Testing

/// ProcessRWLock in one process: try and deadline forms, misuse, placement and named-form errors.
@Suite("ProcessRWLock", .timeLimit(.minutes(5)))
struct ProcessRWLockTests {
    /// A 128-byte-aligned place for a lock (with room to misalign it); the caller deallocates.
    static func place() -> UnsafeMutableRawPointer {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: ProcessRWLock.size + 256, alignment: 128)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: ProcessRWLock.size + 256)
        return memory
    }

    static func code(_ body: () throws -> Void) -> InterprocessError.Code? {
        do { try body() } catch let error as InterprocessError { return error.code } catch { return nil }
        return nil
    }

    @Test("held exclusively: try forms fail and deadlines pass on both sides")
    func exclusiveHeldDeadlines() throws {
        let memory = Self.place()
        defer { memory.deallocate() }
        try ProcessRWLock.initialize(at: memory)
        let lock = try ProcessRWLock(placedAt: memory)
        #expect(try lock.lockExclusive(until: .after(.seconds(10))) == .acquired)
        #expect(lock.exclusiveOwner?.pid == getpid())
        #expect(try !lock.tryLockShared())
        #expect(try timingOut { () throws(InterprocessError) in try lock.lockShared(until: .after(.milliseconds(30))) } == nil)
        #expect(try timingOut { () throws(InterprocessError) in try lock.lockShared(timeout: .zero) } == nil)
        #expect(try lock.tryLockExclusive() == nil)
        #expect(try timingOut { () throws(InterprocessError) in try lock.lockExclusive(until: .after(.milliseconds(30))) } == nil)
        try lock.unlockExclusive()
        #expect(lock.exclusiveOwner == nil)
        #expect(try lock.tryLockShared())
        #expect(try lock.tryLockShared(), "shared holds stack")
        try lock.unlockShared()
        try lock.unlockShared()
        #expect(try lock.tryLockExclusive() == .acquired)
        try lock.unlockExclusive()
    }

    @Test("held shared: the exclusive side times out, gives the owner word back, and readers still enter")
    func sharedHeldDeadlines() throws {
        let memory = Self.place()
        defer { memory.deallocate() }
        try ProcessRWLock.initialize(at: memory)
        let lock = try ProcessRWLock(placedAt: memory)
        #expect(try timingOut { () throws(InterprocessError) in try lock.lockShared(until: .after(.seconds(10))) } != nil)
        #expect(try lock.tryLockExclusive() == nil)
        #expect(try timingOut { () throws(InterprocessError) in try lock.lockExclusive(until: .after(.milliseconds(50))) } == nil)
        #expect(try timingOut { () throws(InterprocessError) in try lock.lockExclusive(timeout: .milliseconds(10)) } == nil)
        #expect(lock.exclusiveOwner == nil, "a writer that gave up keeps no reader out")
        #expect(try lock.tryLockShared())
        try lock.unlockShared()
        try lock.unlockShared()
        #expect(try lock.lockExclusive(until: .after(.seconds(5))) == .acquired)
        try lock.unlockExclusive()
    }

    @Test("a waiting writer keeps new readers out, and gets in when the readers leave")
    func waitingWriterBlocksNewReaders() throws {
        let memory = Self.place()
        defer { memory.deallocate() }
        try ProcessRWLock.initialize(at: memory)
        let lock = try ProcessRWLock(placedAt: memory)
        #expect(try timingOut { () throws(InterprocessError) in try lock.lockShared(until: .after(.seconds(10))) } != nil)
        let address = Int(bitPattern: memory)
        let outcome = Atomic<Int>(0)  // 0 waiting, 1 acquired, 2 timed out, 3 error
        try withExtendedLifetime(outcome) {
            let thread = Thread { [address] in
                do {
                    let writer = try ProcessRWLock(placedAt: UnsafeMutableRawPointer(bitPattern: address)!)
                    if try timingOut({ () throws(InterprocessError) in try writer.lockExclusive(until: .after(.seconds(20))) }) != nil {
                        try writer.unlockExclusive()
                        outcome.store(1, ordering: .releasing)
                    } else {
                        outcome.store(2, ordering: .releasing)
                    }
                } catch {
                    outcome.store(3, ordering: .releasing)
                }
            }
            thread.start()
            #expect(TestSupport.eventually { lock.exclusiveOwner != nil }, "the writer announced itself")
            #expect(try !lock.tryLockShared(), "a new reader waits for the waiting writer")
            #expect(try timingOut { () throws(InterprocessError) in try lock.lockShared(until: .after(.milliseconds(30))) } == nil)
            #expect(outcome.load(ordering: .acquiring) == 0, "the writer waits for the reader inside")
            try lock.unlockShared()
            #expect(TestSupport.eventually(timeout: 20) { outcome.load(ordering: .acquiring) != 0 })
            #expect(outcome.load(ordering: .acquiring) == 1)
        }
    }

    @Test("misuse is a typed error: unlocking what is not held, marking a consistent lock")
    func misuse() throws {
        let memory = Self.place()
        defer { memory.deallocate() }
        try ProcessRWLock.initialize(at: memory)
        let lock = try ProcessRWLock(placedAt: memory)
        #expect(Self.code { try lock.unlockShared() } == .invalidArgument)
        #expect(Self.code { try lock.unlockExclusive() } == .invalidArgument)
        #expect(Self.code { try lock.markConsistent() } == .invalidArgument)
        #expect(try lock.lockExclusive(until: .after(.seconds(10))) == .acquired)
        #expect(Self.code { try lock.markConsistent() } == .invalidArgument, "nobody died")
        try lock.unlockExclusive()
        let broken = lock.isNotRecoverable
        #expect(!broken)
    }

    @Test("placement: misaligned, zeroed, foreign and other-version memory are typed errors")
    func placementErrors() throws {
        let memory = Self.place()
        defer { memory.deallocate() }
        #expect(Self.code { try ProcessRWLock.initialize(at: memory + 64) } == .invalidArgument)
        #expect(Self.code { _ = try ProcessRWLock(placedAt: memory + 8) } == .invalidArgument)
        #expect(Self.code { _ = try ProcessRWLock(placedAt: memory) } == .corrupt, "zeroed memory")
        memory.storeBytes(of: 0x1234_5678, as: UInt32.self)
        #expect(Self.code { _ = try ProcessRWLock(placedAt: memory) } == .corrupt, "a foreign tag")
        try ProcessRWLock.initialize(at: memory)
        _ = try ProcessRWLock(placedAt: memory)
        memory.storeBytes(of: UInt32(3).littleEndian, toByteOffset: 4, as: UInt32.self)
        #expect(Self.code { _ = try ProcessRWLock(placedAt: memory) } == .incompatibleVersion)
    }

    @Test("named: create, open, and segments of another kind or version are typed errors")
    func namedForm() throws {
        let name = TestSupport.uniqueName("rw-named")
        defer { try? ProcessRWLock.remove(name) }
        let created = try ProcessRWLock(create: name)
        let createdName = created.name
        #expect(createdName == name)
        #expect(Self.code { _ = try ProcessRWLock(create: name) } == .alreadyExists)
        let opened = try ProcessRWLock(open: name)
        #expect(try created.lockExclusive(until: .after(.seconds(10))) == .acquired)
        #expect(try opened.tryLockShared() == false, "both handles see one lock")
        try opened.unlockExclusive()  // one process: either handle may unlock

        let raw = TestSupport.uniqueName("rw-raw")
        defer { try? Segment.remove(raw) }
        _ = try Segment(create: raw, kind: .raw, bodySize: ProcessRWLock.size)
        #expect(Self.code { _ = try ProcessRWLock(open: raw) } == .wrongKind)

        let future = TestSupport.uniqueName("rw-v3")
        defer { try? Segment.remove(future) }
        _ = try Segment(create: future, kind: .rwLock, kindVersion: 3, bodySize: ProcessRWLock.size)
        #expect(Self.code { _ = try ProcessRWLock(open: future) } == .incompatibleVersion)

        #expect(Self.code { _ = try ProcessRWLock(open: TestSupport.uniqueName("rw-missing")) } == .notFound)
    }
}
