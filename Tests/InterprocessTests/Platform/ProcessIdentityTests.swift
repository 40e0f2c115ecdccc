import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The one liveness rule (`ProcessIdentity.liveness` and its packed forms), against real
/// processes: alive, dead, reused pids, zombies, unrecorded start times, other namespaces.
@Suite("ProcessIdentity liveness", .timeLimit(.minutes(5)))
struct ProcessIdentityTests {
    /// Spawns `/bin/sleep SECONDS` without reaping it; the caller reaps with `waitpid`.
    static func spawn(_ arguments: [String]) throws -> pid_t {
        var pid: pid_t = 0
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let status = posix_spawn(&pid, arguments[0], nil, nil, &argv, environ)
        guard status == 0 else { throw TestFailure("posix_spawn \(arguments) failed: \(status)") }
        return pid
    }

    /// A pid that no process has right now (one that just exited and was reaped).
    static func freePID() throws -> pid_t {
        let pid = try spawn(["/bin/true"])
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return pid
    }

    static let packings: [(String, PackedProcessIdentity)] = [("claim word", .claimWord), ("reader slot", .readerSlot)]

    @Test("the calling process is alive; its namespace is the inode of /proc/self/ns/pid")
    func currentProcess() throws {
        let me = ProcessIdentity.current
        var info = stat()
        #expect(stat("/proc/self/ns/pid", &info) == 0)
        #expect(UInt64(me.pidNamespace) == info.st_ino)
        #expect(me.pid == getpid())
        #expect(me.startTime != 0)
        #expect(me.liveness == .alive)
        #expect(CachedProcessIdentity.current == me)
        #expect(ProcessIdentity(pid: me.pid, startTime: me.startTime) == me, "init(pid:startTime:) means this namespace")
        for (label, packing) in Self.packings {
            #expect(packing.liveness(of: packing.pack(me)) == .alive, "\(label)")
        }
    }

    @Test("a recorded start time of 0 is not dead while the pid exists (unknown), dead once it is gone")
    func zeroStartTime() throws {
        let child = try Self.spawn(["/bin/sleep", "30"])
        defer { kill(child, SIGKILL); var status: Int32 = 0; waitpid(child, &status, 0) }
        let unknownStart = ProcessIdentity(pid: child, startTime: 0)
        #expect(unknownStart.liveness == .unknown)
        for (label, packing) in Self.packings {
            // The word an owner writes when it could not read its own start time.
            let word = packing.pack(unknownStart)
            #expect(packing.liveness(of: word) == .unknown, "\(label)")
            #expect(!packing.isDead(word), "\(label)")
        }
        #expect(EndpointClaim.isDead(EndpointClaim.word(for: unknownStart)) == false)
        #expect(RWLockOwnerTag.ownerIsDead(RWLockOwnerTag.owner(unknownStart)) == false)
        #expect(RWLockOwnerTag.slotIsDead(RWLockOwnerTag.slot(unknownStart) | 1) == false)

        let gone = ProcessIdentity(pid: try Self.freePID(), startTime: 0)
        #expect(gone.liveness == .dead)
        for (label, packing) in Self.packings {
            #expect(packing.liveness(of: packing.pack(gone)) == .dead, "\(label)")
        }
    }

    @Test("a reused pid (same pid, other start time) is dead; the right start time is alive")
    func pidReuse() throws {
        let child = try Self.spawn(["/bin/sleep", "30"])
        defer { kill(child, SIGKILL); var status: Int32 = 0; waitpid(child, &status, 0) }
        let running = try #require(ProcessIdentity(runningProcess: child))
        #expect(running.liveness == .alive)
        var earlier = running
        earlier.startTime -= 1  // a process that had the pid before
        #expect(earlier.liveness == .dead)
        for (label, packing) in Self.packings {
            #expect(packing.liveness(of: packing.pack(running)) == .alive, "\(label)")
            #expect(packing.liveness(of: packing.pack(earlier)) == .dead, "\(label)")
        }
    }

    @Test("a zombie (exited, not reaped) is dead")
    func zombie() throws {
        let child = try Self.spawn(["/bin/true"])
        defer { var status: Int32 = 0; waitpid(child, &status, 0) }
        let identity = ProcessIdentity(pid: child, startTime: try #require(Self.startTime(of: child)))
        #expect(TestSupport.eventually { Self.state(of: child) == "Z" })
        #expect(identity.liveness == .dead)
        #expect(ProcessIdentity(pid: child, startTime: 0).liveness == .dead, "a zombie holds the pid: dead even unrecorded")
        for (label, packing) in Self.packings {
            #expect(packing.liveness(of: packing.pack(identity)) == .dead, "\(label)")
        }
    }

    @Test("a process recorded in another pid namespace is unknown, never dead")
    func otherNamespace() throws {
        let here = ProcessIdentity.current.pidNamespace
        let other = here &+ 1
        let freePID = try Self.freePID()
        // Gone here, a reused pid here, or the live pid 1: none of it says anything about them.
        for pid in [freePID, 1, getpid()] {
            let identity = ProcessIdentity(pid: pid, startTime: 12345, pidNamespace: other)
            #expect(identity.liveness == .unknown, "pid \(pid)")
            for (label, packing) in Self.packings {
                #expect(packing.liveness(of: packing.pack(identity)) == .unknown, "\(label), pid \(pid)")
            }
        }
        #expect(ProcessIdentity(pid: freePID, startTime: 12345, pidNamespace: 0).liveness == .unknown, "namespace not recorded")
        #expect(ProcessIdentity(pid: freePID, startTime: 12345, pidNamespace: here).liveness == .dead)
    }

    @Test("packed words keep the pid whole and never pack a process to 0")
    func packing() throws {
        let identity = ProcessIdentity(pid: (1 << 22) - 1, startTime: 0xFFFF_FFFF_FFFF, pidNamespace: 0xF000_0000)
        for (label, packing) in Self.packings {
            let word = packing.pack(identity)
            #expect(word != 0, "\(label)")
            #expect(packing.pid(of: word) == identity.pid, "\(label)")
            #expect(packing.identity(of: word, recordedStartTime: identity.startTime).startTime == identity.startTime, "\(label)")
        }
        #expect(PackedProcessIdentity.readerSlot.pack(identity) & RWLockOwnerTag.countMask == 0)
        // A namespace whose low bits are all zero still packs to a recorded (nonzero) fragment.
        #expect(PackedProcessIdentity.claimWord.fragment(of: 0xF000_0000) != 0)
        #expect(PackedProcessIdentity.claimWord.fragment(of: 0) == 0)
    }

    static func statFields(of pid: pid_t) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    static func state(of pid: pid_t) -> String? { statFields(of: pid).map { String($0[0]) } }

    static func startTime(of pid: pid_t) -> UInt64? { statFields(of: pid).flatMap { UInt64($0[19]) } }
}
