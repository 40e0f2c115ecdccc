import Interprocess
import Testing

/// Files in /dev/shm that this library did not write: refused with a typed error, never a crash.
@Suite(.timeLimit(.minutes(5)))
struct SegmentForeignInputTests {
    static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = (0..<count).map { _ in UInt8.random(in: 0...255) }
        // Not our magic's first byte, and not zero (an all-zero header reads as "not yet written").
        if bytes[0] == UInt8(ascii: "S") || bytes[0] == 0 { bytes[0] = 0xA5 }
        return bytes
    }

    @Test(arguments: [3, 100, 4096])
    func garbageIsAForeignSegment(size: Int) throws {
        let name = TestSupport.uniqueName("garbage")
        defer { SegmentFile.remove(name) }
        try SegmentFile.create(name, contents: Self.randomBytes(size))
        #expect(openFailure(name)?.code == .foreignSegment)
        let report = try SegmentReport.inspect(name)
        #expect(report.verdict == .foreign)
        #expect(!report.isOurs)
        #expect(!report.isAbandoned)
    }

    @Test func emptyFileTimesOutAtTheDeadline() throws {
        let name = TestSupport.uniqueName("empty")
        defer { SegmentFile.remove(name) }
        try SegmentFile.create(name, contents: [])
        let started = ContinuousClock.now
        #expect(openFailure(name, timeout: .milliseconds(200))?.code == .timedOut)
        #expect(ContinuousClock.now - started >= .milliseconds(200))
        #expect(try SegmentReport.inspect(name).verdict == .foreign)
    }

    @Test func allZeroHeaderTimesOutAtTheDeadline() throws {
        let name = TestSupport.uniqueName("zeros")
        defer { SegmentFile.remove(name) }
        try SegmentFile.create(name, contents: [UInt8](repeating: 0, count: 4096))
        #expect(openFailure(name, timeout: .milliseconds(200))?.code == .timedOut)
        #expect(try SegmentReport.inspect(name).verdict == .foreign)
    }

    @Test func missingSegmentIsNotFound() {
        #expect(openFailure(TestSupport.uniqueName("missing"))?.code == .notFound)
    }
}
