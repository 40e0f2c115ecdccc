import Interprocess
import Testing

/// Damaged headers that still carry our magic and version: each is refused with its typed error.
@Suite(.timeLimit(.minutes(5)))
struct SegmentCorruptionTests {
    enum Damage: String, CaseIterable, Sendable {
        case totalSizeByteFlipped
        case createdAtByteFlipped
        case creatorPIDNamespaceChangedWithoutChecksum
        case headerSizeWrongResealed
        case totalSizeBelowHeaderResealed
        case totalSizeBeyondFileResealed
        case stateOutOfRange

        func apply(to name: String) throws {
            switch self {
            case .totalSizeByteFlipped:
                try SegmentFile.flipByte(name, at: SegmentHeader.Field.totalSize.offset + 1)
            case .createdAtByteFlipped:
                try SegmentFile.flipByte(name, at: SegmentHeader.Field.createdAt.offset)
            case .creatorPIDNamespaceChangedWithoutChecksum:
                try SegmentFile.store(UInt32(1), in: .creatorPIDNamespace, of: name)
            case .headerSizeWrongResealed:
                try SegmentFile.store(UInt32(64), in: .headerSize, of: name)
                try SegmentFile.resealChecksum(name)
            case .totalSizeBelowHeaderResealed:
                try SegmentFile.store(UInt64(64), in: .totalSize, of: name)
                try SegmentFile.resealChecksum(name)
            case .totalSizeBeyondFileResealed:
                try SegmentFile.store(UInt64(1) << 40, in: .totalSize, of: name)
                try SegmentFile.resealChecksum(name)
            case .stateOutOfRange:
                // The state word is not checksummed; its value is still checked.
                try SegmentFile.store(UInt32(7), in: .state, of: name)
            }
        }

        var expected: InterprocessError.Code {
            self == .totalSizeBeyondFileResealed ? .truncated : .corrupt
        }
    }

    @Test(arguments: Damage.allCases)
    func damagedHeaderIsRefused(damage: Damage) throws {
        let name = TestSupport.uniqueName("corrupt")
        defer { try? Segment.remove(name) }
        _ = try Segment(create: name, bodySize: 4096)
        try damage.apply(to: name)
        #expect(openFailure(name)?.code == damage.expected)
        let report = try SegmentReport.inspect(name)
        #expect(report.verdict.rawValue == damage.expected.rawValue)
        #expect(report.problem != nil)
        #expect(!report.isAbandoned)
    }

    @Test func reservedBytesBeyondTheChecksumAreIgnored() throws {
        let name = TestSupport.uniqueName("reserved")
        defer { try? Segment.remove(name) }
        let header = try Segment(create: name, bodySize: 64).header
        try SegmentFile.patch(name, at: 72, bytes: [UInt8](repeating: 0x5A, count: SegmentHeader.size - 72))
        #expect(try Segment(open: name).header == header)
    }
}
