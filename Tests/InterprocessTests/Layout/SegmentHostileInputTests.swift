import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Hostile files and arguments", .timeLimit(.minutes(5)))
struct SegmentHostileInputTests {
    @Test("a FIFO planted under a segment's name is refused at once, never blocking the open")
    func fifoIsRefused() throws {
        let name = TestSupport.uniqueName("fifo")
        #expect(mkfifo("/dev/shm/" + name, 0o600) == 0)
        defer { unlink("/dev/shm/" + name) }
        for access in [MappedRegion.Access.readOnly, .readWrite] {
            let raw = #expect(throws: InterprocessError.self) { _ = try SharedMemory(open: name, access: access) }
            #expect(raw?.code == .foreignSegment)
            let segment = #expect(throws: InterprocessError.self) { _ = try Segment(open: name, access: access) }
            #expect(segment?.code == .foreignSegment)
        }
        let report = try SegmentReport.inspect(name)
        #expect(report.verdict == .foreign)
        #expect(report.problem == "it is not a regular file")
    }

    @Test("zero and negative timeouts fail at once instead of trapping")
    func negativeTimeouts() throws {
        let name = TestSupport.uniqueName("timeout")
        #expect(FileManager.default.createFile(atPath: "/dev/shm/" + name, contents: Data()))
        defer { unlink("/dev/shm/" + name) }
        for timeout in [Duration.zero, .milliseconds(-5), .seconds(-3), .nanoseconds(-1)] {
            let error = #expect(throws: InterprocessError.self) { _ = try Segment(open: name, timeout: timeout) }
            #expect(error?.code == .timedOut)
        }
        #expect(Deadline.after(.milliseconds(-5)) <= Deadline.now)
        #expect(Deadline.after(.seconds(Int64.max)) == .never)
    }

    @Test("a segment of the wrong kind fails with wrongKind at once, even while still initializing")
    func wrongKindWhileInitializing() throws {
        let name = TestSupport.uniqueName("kind-early")
        defer { try? SharedMemory.remove(name) }
        // A live creator (this process) that never finishes: waiting for `ready` could only end
        // in timedOut, so wrongKind proves the kind is checked first.
        try SegmentFile.createInitializing(name, creator: .current)
        let error = openFailure(name, kind: SegmentKind(rawValue: 0x8000_0001), timeout: .seconds(30))
        #expect(error?.code == .wrongKind)
    }
}
