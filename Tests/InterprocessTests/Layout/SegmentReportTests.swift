import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `SegmentReport` of a healthy segment, and opening one.
@Suite(.timeLimit(.minutes(5)))
struct SegmentReportTests {
    @Test func reportOfAValidSegment() throws {
        let name = TestSupport.uniqueName("rep-valid")
        defer { try? Segment.remove(name) }
        let segment = try Segment(create: name, bodySize: 4096)
        let report = try SegmentReport.inspect(name)
        #expect(report.name == name)
        #expect(report.verdict == .valid)
        #expect(report.problem == nil)
        #expect(report.header == segment.header)
        #expect(report.header?.kind == .raw)
        #expect(report.header?.totalSize == UInt64(SegmentHeader.size + 4096))
        #expect(report.fileSize == SegmentHeader.size + 4096)
        #expect(report.mode == 0o600)
        #expect(report.ownerUID == getuid())
        #expect(report.creatorLiveness == .alive)
        #expect(report.attachedPIDs.contains(getpid()))
        #expect(report.isOurs)
        #expect(!report.isAbandoned)
        #expect(report.ageSeconds.map { $0 >= 0 && $0 < 60 } == true)
    }

    @Test func openSeesTheCreatorsHeaderAndBody() throws {
        let name = TestSupport.uniqueName("rep-open")
        defer { try? Segment.remove(name) }
        let created = try Segment(create: name, bodySize: 64) { $0.storeBytes(of: 0xFEED, as: UInt64.self) }
        let opened = try Segment(open: name, kind: .raw, kindVersion: 1)
        #expect(opened.header == created.header)
        #expect(opened.readableBody.count == 64)
        #expect(opened.readableBody.load(as: UInt64.self) == 0xFEED)
        try created.writableBody.storeBytes(of: 0xBEEF, toByteOffset: 8, as: UInt64.self)
        #expect(opened.readableBody.load(fromByteOffset: 8, as: UInt64.self) == 0xBEEF)
    }
}
