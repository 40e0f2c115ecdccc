import Interprocess

/// A ``SegmentReport`` as the CLI prints it in JSON. The `header` object uses the field names of
/// `docs/FORMAT.md`, the same keys `scripts/read_segment_header.py` prints.
struct ReportJSON: Encodable {
    struct Header: Encodable {
        var magic: String
        var version: UInt32
        var kind: UInt32
        var kindName: String
        var kindVersion: UInt32
        var state: UInt32
        var totalSize: UInt64
        var headerSize: UInt32
        var flags: UInt32
        var creatorPID: Int32
        var creatorPIDNamespace: UInt32
        var creatorStartTime: UInt64
        var createdAt: UInt64
        var checksum: UInt64
        var checksumValid: Bool

        init(_ header: SegmentHeader) {
            magic = header.magicText
            version = header.version
            kind = header.kind.rawValue
            kindName = header.kind.name
            kindVersion = header.kindVersion
            state = header.state
            totalSize = header.totalSize
            headerSize = header.headerSize
            flags = header.flags
            creatorPID = header.creator.pid
            creatorPIDNamespace = header.creator.pidNamespace
            creatorStartTime = header.creator.startTime
            createdAt = header.createdAt
            checksum = header.checksum
            checksumValid = header.checksum == header.computedChecksum
        }
    }

    var name: String
    var fileSize: Int
    var owner: String
    var ownerUID: UInt32
    var mode: String
    var ours: Bool
    var verdict: String
    var problem: String?
    var header: Header?
    var creatorLiveness: String?
    var attachedPIDs: [Int32]
    var ageSeconds: Double?

    init(_ report: SegmentReport) {
        name = report.name
        fileSize = report.fileSize
        owner = UserNames.name(of: report.ownerUID)
        ownerUID = report.ownerUID
        mode = Formatting.mode(report.mode)
        ours = report.isOurs
        verdict = report.verdict.rawValue
        problem = report.problem
        header = report.header.map(Header.init)
        creatorLiveness = report.creatorLiveness?.rawValue
        attachedPIDs = report.attachedPIDs
        ageSeconds = report.ageSeconds.map { ($0 * 1000).rounded() / 1000 }
    }
}
