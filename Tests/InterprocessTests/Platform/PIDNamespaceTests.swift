import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A process in another pid namespace (run with `unshare --pid --fork`, as pid 1 of its own
/// namespace, sharing `/dev/shm`) holds locks, claims and segments: from here it is never
/// judged dead, so nothing it holds is taken over. Before the namespace was recorded, its pid
/// (1) named this namespace's init, whose start time differs: it was taken for dead.
@Suite("Identities across pid namespaces", .timeLimit(.minutes(5)), .enabled(if: PIDNamespaceSupport.canUnshare))
struct PIDNamespaceTests {
    /// Starts the test peer as pid 1 of a new pid namespace; killing it kills the peer too.
    static func peerInNewNamespace(_ arguments: String...) throws -> LockPeerProcess {
        try LockPeerProcess(executable: URL(fileURLWithPath: "/usr/bin/unshare"),
                            arguments: ["--pid", "--fork", "--kill-child", try TestSupport.executable("interprocess-test-peer").path] + arguments)
    }

    static func code(_ body: () throws -> Void) -> InterprocessError.Code? {
        do { try body() } catch let error as InterprocessError { return error.code } catch { return nil }
        return nil
    }

    @Test("the peer runs in another namespace, as a pid this namespace gives to another process")
    func peerIsElsewhere() throws {
        let peer = try Self.peerInNewNamespace("identity-show")
        let line = try #require(peer.nextLine())
        let fields = line.split(separator: " ")
        #expect(fields.count == 6 && fields[0] == "pid" && fields[1] == "1", "\(line)")
        #expect(fields.last.flatMap { UInt32($0) } != ProcessIdentity.current.pidNamespace, "\(line)")
    }

    @Test("an exclusive RW lock held in another namespace is not taken over")
    func rwLockExclusive() throws {
        let name = TestSupport.uniqueName("ns-rw-x")
        defer { try? ProcessRWLock.remove(name) }
        let lock = try ProcessRWLock(create: name)
        let peer = try Self.peerInNewNamespace("rw-hold", name, "exclusive", "forever")
        try peer.expectLine("locked acquired")
        let owner = lock.exclusiveOwner
        #expect(owner?.pid == 1)
        #expect(owner?.pidNamespace == 0, "not this namespace")
        #expect(try lock.tryLockExclusive() == nil)
        #expect(try timingOut { () throws(InterprocessError) in try lock.lockExclusive(until: .after(.milliseconds(300))) } == nil)
        var granted: Bool?
        #expect(Self.code { granted = try timingOut { () throws(InterprocessError) in try lock.lockShared(until: .after(.milliseconds(300))) } != nil } == nil,
                "a reader waits; it is not told the writer died")
        #expect(granted == false)
        try peer.killAndReap()
        // Dead now, but nobody here can know: it stays unknown (never taken for dead).
        #expect(try timingOut { () throws(InterprocessError) in try lock.lockExclusive(until: .after(.milliseconds(100))) } == nil)
    }

    @Test("a shared RW lock held in another namespace keeps writers out")
    func rwLockShared() throws {
        let name = TestSupport.uniqueName("ns-rw-s")
        defer { try? ProcessRWLock.remove(name) }
        let lock = try ProcessRWLock(create: name)
        let peer = try Self.peerInNewNamespace("rw-hold", name, "shared", "forever")
        try peer.expectLine("locked")
        #expect(try lock.tryLockExclusive() == nil)
        #expect(try timingOut { () throws(InterprocessError) in try lock.lockExclusive(until: .after(.milliseconds(300))) } == nil, "its reader slot is not reclaimed")
        #expect(try lock.tryLockShared(), "readers still share it")
        try lock.unlockShared()
    }

    @Test("a mutex whose owner died in another namespace is not taken over: it cannot be judged from here")
    func mutexOwner() throws {
        let name = TestSupport.uniqueName("ns-mutex")
        defer { try? ProcessMutex.remove(name) }
        let mutex = try ProcessMutex(create: name)
        let peer = try Self.peerInNewNamespace("mutex-die", "--named", name)
        try peer.expectLine("pid 1")
        // As its namespace's init it may outlive its own SIGKILL; make sure it is gone.
        try peer.killAndReap()
        let owner = mutex.recordedOwner
        #expect(owner?.pid == 1 && owner?.pidNamespace != ProcessIdentity.current.pidNamespace)
        // Its pid 1 is a different process here (our init): judged by pid alone it looked dead.
        #expect(try mutex.tryLock() == nil)
        #expect(try timingOut { () throws(InterprocessError) in try mutex.lock(until: .after(.milliseconds(300))) } == nil)
    }

    @Test("an SPSC endpoint claimed in another namespace is not taken over")
    func spscEndpoint() throws {
        let name = TestSupport.uniqueName("ns-spsc")
        defer { try? SPSCQueue.remove(name) }
        _ = try SPSCQueue(create: name, capacity: 4096, maximumRecordSize: 64)
        let peer = try Self.peerInNewNamespace("identity-spsc-hold", name, "producer")
        try peer.expectLine("attached")
        #expect(Self.code { _ = try SPSCQueue(open: name).makeProducer() } == .alreadyExists)
    }

    @Test("a creator that died in another namespace while creating: its hidden file is kept by gc, not judged dead")
    func segmentCreator() throws {
        let name = TestSupport.uniqueName("ns-creator")
        defer { SegmentFile.pendingFiles(of: name).forEach(SegmentFile.remove) }
        let peer = try Self.peerInNewNamespace("identity-segment-hang", name)
        try peer.expectLine("initializing")
        // Nothing is published before initialization ends.
        #expect(openFailure(name)?.code == .notFound)
        #expect(SegmentFile.pendingFiles(of: name).count == 1)
        // Dead now (its lock on the file is gone with it), but nobody here can know.
        try peer.killAndReap()
        let decisions = SegmentReport.collectGarbage(prefix: name, dryRun: true)
        #expect(decisions.count == 1)
        #expect(decisions.first?.action == .kept, "\(decisions)")
        #expect(decisions.first?.reason.contains("cannot be judged") == true, "\(decisions)")
    }
}

enum PIDNamespaceSupport {
    /// Whether this machine lets us make a pid namespace (root, util-linux `unshare`).
    static let canUnshare: Bool = {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare"),
              let outcome = try? TestSupport.run(URL(fileURLWithPath: "/usr/bin/unshare"), ["--pid", "--fork", "/bin/true"], timeout: 10)
        else { return false }
        return outcome.status == 0
    }()
}
