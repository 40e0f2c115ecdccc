import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `gc` reads what any local user can set — file names, sizes, times — in `/dev/shm`: none of it
/// may trap it. (A hidden file of a dead creator with the earliest representable mtime made the
/// age arithmetic overflow, and `gc --older-than` crashed.)
@Suite("gc with hostile files", .timeLimit(.minutes(5)))
struct GarbageCollectionHostileFileTests {
    @Test("a leftover hidden file with an mtime at the start of time: judged, never a trap")
    func mtimeAtTheStartOfTime() async throws {
        let name = TestSupport.uniqueName("gc-mtime")
        let dead = try ProcessIdentityTests.freePID()
        let me = ProcessIdentity.current
        let file = "\(PendingName.marker)\(dead).\(me.startTime).\(me.pidNamespace).x.\(name)"
        let path = SharedMemoryDirectory.path + "/" + file
        let descriptor = open(path, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0o600)
        try #require(descriptor >= 0, "could not create \(path)")
        defer { unlink(path) }
        var times = [timespec(tv_sec: Int.min, tv_nsec: 0), timespec(tv_sec: Int.min, tv_nsec: 0)]
        try #require(futimens(descriptor, &times) == 0, "futimens: errno \(errno)")
        close(descriptor)
        await #expect(processExitsWith: .success) { [name = name as String] in
            let decisions = SegmentReport.collectGarbage(prefix: name, olderThan: .seconds(1), dryRun: true)
            exit(decisions.count == 1 ? 0 : 3)
        }
    }
}
