import Foundation
import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Three readers of one header agree: the library (`SegmentHeader`), the standard-library Python
/// reader `scripts/read_segment_header.py`, and `interprocess inspect --json`.
@Suite(.timeLimit(.minutes(5)))
struct HeaderReaderAgreementTests {
    /// `interprocess inspect NAME --json`: the report under "segment".
    struct InspectEnvelope: Decodable {
        var segment: InspectOutput
    }

    /// The part of the report these tests read.
    struct InspectOutput: Decodable {
        var name: String
        var fileSize: Int
        var verdict: String
        var problem: String?
        var creatorLiveness: String?
        var attachedPIDs: [Int32]
        var ageSeconds: Double?
        var header: [String: JSONScalar]?
    }

    static func makeSegment(_ name: String) throws -> Segment {
        try Segment(create: name, kind: SegmentKind(rawValue: 0x8000_0007), kindVersion: 3, bodySize: 1000) { body in
            body.storeBytes(of: 0x1234_5678, as: UInt64.self)
        }
    }

    @Test func pythonReaderPrintsTheSwiftHeader() throws {
        let name = TestSupport.uniqueName("fmt-py")
        defer { try? Segment.remove(name) }
        let segment = try Self.makeSegment(name)
        let python = try HeaderReaderScript.read(name)
        #expect(Set(python.keys) == HeaderReaderScript.keys)
        let expected = HeaderReaderScript.expectedObject(for: segment.header)
        for key in HeaderReaderScript.keys.sorted() {
            #expect(python[key] == expected[key], "\(key): Python read \(python[key].map(String.init(describing:)) ?? "nothing")")
        }
        #expect(python["magic"] == .string("SWIFTIPC"))
        // A path works as well as a name.
        #expect(try HeaderReaderScript.read(SegmentFile.path(name)) == python)
    }

    @Test func cliInspectJSONHeaderMatchesPythonReader() throws {
        let name = TestSupport.uniqueName("fmt-cli")
        defer { try? Segment.remove(name) }
        let segment = try Self.makeSegment(name)
        let python = try HeaderReaderScript.read(name)

        let outcome = try TestSupport.cli("inspect", name, "--json")
        try #require(outcome.status == 0 && outcome.signal == nil, "interprocess inspect --json: \(outcome)")
        // The report is under "segment" (the CLI's JSON convention: one object, a key per result set).
        let topLevel = try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any]
        let report = topLevel?["segment"] as? [String: Any]
        for key in ["name", "fileSize", "verdict", "creatorLiveness", "attachedPIDs", "ageSeconds", "header"] {
            #expect(report?[key] != nil, "inspect --json has no \"segment.\(key)\"")
        }
        let cli = try JSONDecoder().decode(InspectEnvelope.self, from: Data(outcome.standardOutput.utf8)).segment
        let header = try #require(cli.header, "inspect --json has no header object")
        for key in HeaderReaderScript.keys.sorted() {
            #expect(header[key] == python[key],
                    "\(key): CLI \(header[key].map(String.init(describing:)) ?? "missing"), Python \(python[key].map(String.init(describing:)) ?? "missing")")
        }
        #expect(cli.name == name)
        #expect(cli.fileSize == segment.memory.size)
        #expect(cli.verdict == "valid")
        #expect(cli.problem == nil)
        #expect(cli.creatorLiveness == "alive")
        #expect(cli.attachedPIDs.contains(getpid()))
        #expect(cli.ageSeconds.map { $0 >= 0 } == true)
    }

    @Test func pythonReaderRecomputesTheChecksum() throws {
        let name = TestSupport.uniqueName("fmt-sum")
        defer { try? Segment.remove(name) }
        _ = try Self.makeSegment(name)
        // The state word is outside the checksum: changing it keeps the checksum valid.
        try SegmentFile.store(UInt32(0), in: .state, of: name)
        #expect(try HeaderReaderScript.read(name)["checksumValid"] == .bool(true))
        try SegmentFile.flipByte(name, at: SegmentHeader.Field.createdAt.offset)
        #expect(try HeaderReaderScript.read(name)["checksumValid"] == .bool(false))
        #expect(try SegmentReport.inspect(name).verdict == .corrupt)
        try SegmentFile.resealChecksum(name)
        #expect(try HeaderReaderScript.read(name)["checksumValid"] == .bool(true))
    }

    @Test func pythonReaderRejectsFilesThatAreNotSegments() throws {
        let missing = TestSupport.uniqueName("fmt-missing")
        let empty = TestSupport.uniqueName("fmt-empty")
        let foreign = TestSupport.uniqueName("fmt-foreign")
        let short = TestSupport.uniqueName("fmt-short")
        defer { [empty, foreign, short].forEach(SegmentFile.remove) }
        try SegmentFile.create(empty, contents: [])
        try SegmentFile.create(foreign, contents: Array("not a segment, just text".utf8) + [UInt8](repeating: 7, count: 200))
        try SegmentFile.create(short, contents: Array("SWIFTIPC".utf8) + [UInt8](repeating: 0, count: 56))
        for name in [missing, empty, foreign, short] {
            let outcome = try HeaderReaderScript.run(name)
            #expect(outcome.status == 1 && outcome.signal == nil, "\(name): \(outcome)")
            #expect(outcome.standardOutput.isEmpty, "\(name): \(outcome)")
            #expect(outcome.standardError.contains("read_segment_header"), "\(name): \(outcome)")
        }
    }
}
