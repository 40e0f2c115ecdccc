import Foundation
import Interprocess

/// `scripts/read_segment_header.py`, run with the `python3` on the PATH.
enum HeaderReaderScript {
    static let path = TestSupport.repositoryRoot.appendingPathComponent("scripts/read_segment_header.py").path

    /// The keys the script prints: the header fields of docs/FORMAT.md and `checksumValid`.
    static let keys = Set(SegmentHeader.Field.allCases.map(\.rawValue) + ["checksumValid"])

    static func run(_ nameOrPath: String) throws -> TestSupport.Outcome {
        try TestSupport.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", path, nameOrPath])
    }

    /// Runs the script on a segment that should read, and decodes its JSON object.
    static func read(_ nameOrPath: String) throws -> [String: JSONScalar] {
        let outcome = try run(nameOrPath)
        guard outcome.status == 0, outcome.signal == nil else {
            throw TestFailure("read_segment_header.py \(nameOrPath) failed: \(outcome)")
        }
        return try JSONScalar.object(outcome.standardOutput)
    }

    /// What the script should print for a segment with this header.
    static func expectedObject(for header: SegmentHeader, checksumValid: Bool = true) -> [String: JSONScalar] {
        var object: [String: JSONScalar] = [:]
        for field in SegmentHeader.Field.allCases {
            let value: JSONScalar = switch field {
            case .magic: .string(header.magicText)
            case .version: .integer(header.version)
            case .kind: .integer(header.kind.rawValue)
            case .kindVersion: .integer(header.kindVersion)
            case .state: .integer(header.state)
            case .totalSize: .integer(header.totalSize)
            case .headerSize: .integer(header.headerSize)
            case .flags: .integer(header.flags)
            case .creatorPID: .integer(header.creator.pid)
            case .creatorPIDNamespace: .integer(header.creator.pidNamespace)
            case .creatorStartTime: .integer(header.creator.startTime)
            case .createdAt: .integer(header.createdAt)
            case .checksum: .integer(header.checksum)
            }
            object[field.rawValue] = value
        }
        object["checksumValid"] = .bool(checksumValid)
        return object
    }
}
