import Interprocess
import Testing

/// A segment whose file was cut shorter than its header says: `truncated`, and never a SIGBUS
/// (the header is read with pread before anything is mapped).
@Suite(.timeLimit(.minutes(5)))
struct SegmentTruncationTests {
    static let bodySize = 4096

    /// Sizes below the magic, below the header, and between the header and the total size.
    @Test(arguments: [4, 64, 127, 128, 2000, SegmentHeader.size + bodySize - 1])
    func truncatedSegmentIsRefused(size: Int) throws {
        let name = TestSupport.uniqueName("trunc")
        defer { try? Segment.remove(name) }
        _ = try Segment(create: name, bodySize: Self.bodySize)
        try SegmentFile.truncate(name, to: size)
        #expect(openFailure(name)?.code == .truncated)
        let report = try SegmentReport.inspect(name)
        #expect(report.verdict == .truncated)
        #expect(report.fileSize == size)
        #expect(report.header != nil || size < SegmentHeader.size)
    }

    @Test func fileLongerThanItsHeaderSaysIsCorrupt() throws {
        let name = TestSupport.uniqueName("longer")
        defer { try? Segment.remove(name) }
        _ = try Segment(create: name, bodySize: Self.bodySize)
        try SegmentFile.truncate(name, to: SegmentHeader.size + Self.bodySize + 1)
        #expect(openFailure(name)?.code == .corrupt)
        #expect(try SegmentReport.inspect(name).verdict == .corrupt)
    }
}
