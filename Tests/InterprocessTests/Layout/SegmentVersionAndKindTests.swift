import Interprocess
import Testing

/// Layout versions and kinds that this reader does not expect.
@Suite(.timeLimit(.minutes(5)))
struct SegmentVersionAndKindTests {
    /// Versions are checked before the checksum: a future layout is `incompatibleVersion`, sealed or not.
    @Test(arguments: [true, false])
    func otherHeaderVersionIsIncompatible(resealed: Bool) throws {
        let name = TestSupport.uniqueName("version")
        defer { try? Segment.remove(name) }
        _ = try Segment(create: name, bodySize: 64)
        try SegmentFile.store(SegmentHeader.currentVersion + 1, in: .version, of: name)
        if resealed { try SegmentFile.resealChecksum(name) }
        #expect(openFailure(name)?.code == .incompatibleVersion)
        let report = try SegmentReport.inspect(name)
        #expect(report.verdict == .incompatibleVersion)
        #expect(report.header?.version == SegmentHeader.currentVersion + 1)
        #expect(!report.isAbandoned)
    }

    @Test func otherKindIsWrongKind() throws {
        let name = TestSupport.uniqueName("kind")
        defer { try? Segment.remove(name) }
        _ = try Segment(create: name, kind: SegmentKind(rawValue: 0x8000_0001), bodySize: 64)
        #expect(openFailure(name, kind: .raw)?.code == .wrongKind)
        // Any kind, or the right one, opens.
        #expect(try Segment(open: name).header.kind == SegmentKind(rawValue: 0x8000_0001))
        #expect(try Segment(open: name, kind: SegmentKind(rawValue: 0x8000_0001)).header.kindVersion == 1)
        #expect(try SegmentReport.inspect(name).verdict == .valid)
    }

    @Test func otherKindVersionIsIncompatible() throws {
        let name = TestSupport.uniqueName("kindver")
        defer { try? Segment.remove(name) }
        _ = try Segment(create: name, kind: .raw, kindVersion: 2, bodySize: 64)
        #expect(openFailure(name, kind: .raw, kindVersion: 1)?.code == .incompatibleVersion)
        #expect(try Segment(open: name, kind: .raw, kindVersion: 2).header.kindVersion == 2)
        #expect(try Segment(open: name, kind: .raw).header.kindVersion == 2)
    }
}
