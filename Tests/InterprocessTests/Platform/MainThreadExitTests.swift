import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A process whose main thread has ended with `pthread_exit` while another thread runs (what a
/// Swift program with an `async` main does on Linux) shows state `Z` in `/proc/PID/stat` and an
/// empty `/proc/PID/maps`. It is alive: what it holds is never taken over, and `gc` sees what it
/// maps. (Judged by the state letter alone, it was dead, and its mutex was taken over.)
@Suite("A process whose main thread exited", .timeLimit(.minutes(5)))
struct MainThreadExitTests {
    /// The state letter and thread count from `/proc/PID/stat`.
    static func state(of pid: Int32) -> (state: Character, threads: Int)? {
        guard case .found(let stat) = ProcStat.read("/proc/\(pid)/stat") else { return nil }
        return (Character(UnicodeScalar(stat.state)), stat.threads)
    }

    @Test("it is alive, keeps its mutex, and is seen mapping the mutex's segment")
    func aliveAndHolding() throws {
        let name = TestSupport.uniqueName("main-exit")
        defer { try? ProcessMutex.remove(name) }
        let mutex = try ProcessMutex(create: name)
        let peer = try LockPeerProcess("main-exits-holding", name)
        let line = try #require(peer.nextLine())
        #expect(line == "locked", "\(line)")
        // The scenario itself: the main thread is gone, the process shows as `Z` with 2 threads.
        let exited = TestSupport.eventually(timeout: 10) { Self.state(of: peer.pid)?.state == "Z" }
        #expect(exited, "the peer's main thread should have exited: \(String(describing: Self.state(of: peer.pid)))")
        #expect((Self.state(of: peer.pid)?.threads ?? 0) >= 2)

        let identity = try #require(ProcessIdentity(runningProcess: peer.pid))
        #expect(identity.liveness == .alive)
        #expect(mutex.recordedOwner?.pid == peer.pid)
        #expect(try timingOut { () throws(InterprocessError) in try mutex.lock(until: .after(.milliseconds(300))) } == nil, "a live owner's lock is not taken over")
        #expect(try mutex.tryLock() == nil)
        let report = try SegmentReport.inspect(name)
        #expect(report.attachedPIDs.contains(peer.pid), "mapped by a thread of the peer: \(report.attachedPIDs)")

        try peer.killAndReap()
        guard case .previousOwnerDied(let dead) = try mutex.lock(until: .after(.seconds(10))) else {
            Issue.record("the dead owner's lock was not taken over")
            return
        }
        #expect(dead.pid == peer.pid)
        try mutex.markConsistent()
        try mutex.unlock()
    }
}
