import Foundation
import Interprocess
import Testing

@Suite("CLI: dump", .timeLimit(.minutes(5)))
struct CLIDumpTests {
    @Test func decodesTheHeaderAtTheLayoutsOffsets() throws {
        let name = TestSupport.uniqueName("cli-dump")
        defer { try? SharedMemory.remove(name) }
        #expect(try TestSupport.cli("create", name, "--size", "1K").status == 0)
        let outcome = try TestSupport.cli("dump", name, "--json")
        #expect(outcome.status == 0, "\(outcome)")
        let fields = try CLIJSON.list(outcome.standardOutput, "header")
        #expect(fields.compactMap { $0["field"] as? String } == SegmentHeader.Field.allCases.map(\.rawValue))
        for field in SegmentHeader.Field.allCases {
            let entry = try #require(fields.first { $0["field"] as? String == field.rawValue })
            #expect(entry["offset"] as? Int == field.offset, "\(field)")
            #expect(entry["size"] as? Int == field.size, "\(field)")
        }
        #expect(fields.first { $0["field"] as? String == "magic" }?["value"] as? String == "SWIFTIPC")
        #expect(fields.first { $0["field"] as? String == "kind" }?["meaning"] as? String == "raw")
        #expect(fields.first { $0["field"] as? String == "checksum" }?["meaning"] as? String == "valid")
        let bytes = try CLIJSON.member(outcome.standardOutput, "bytes")
        #expect(bytes["count"] as? Int == 512, "--bytes defaults to 512")
        #expect((bytes["hex"] as? String)?.hasPrefix("5357494654495043") == true)
        #expect(try CLIJSON.member(outcome.standardOutput, "segment")["fileSize"] as? Int == 1024 + SegmentHeader.size)
    }

    @Test func boundsTheOutput() throws {
        let name = TestSupport.uniqueName("cli-dump-bytes")
        defer { try? SharedMemory.remove(name) }
        #expect(try TestSupport.cli("create", name, "--size", "4K").status == 0)
        let text = try TestSupport.cli("dump", name, "--bytes", "16", "--offset", "128")
        #expect(text.status == 0, "\(text)")
        let hexLines = text.standardOutput.split(separator: "\n").filter { $0.hasPrefix("000000") }
        #expect(hexLines == ["00000080  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  |................|"], "\(text)")
        #expect(text.standardOutput.contains("more bytes"), "\(text)")
        let headerOnly = try TestSupport.cli("dump", name, "--bytes", "0", "--json")
        #expect(try CLIJSON.member(headerOnly.standardOutput, "bytes")["count"] as? Int == 0)
        let beyond = try TestSupport.cli("dump", name, "--offset", "1M", "--json")
        #expect(beyond.status == 0)
        #expect(try CLIJSON.member(beyond.standardOutput, "bytes")["count"] as? Int == 0)
        // Zero-filled lines are collapsed.
        let collapsed = try TestSupport.cli("dump", name, "--bytes", "1K")
        #expect(collapsed.standardOutput.split(separator: "\n").contains("*"), "\(collapsed)")
    }

    @Test func dumpsAForeignFileRawWithANote() throws {
        let name = TestSupport.uniqueName("cli-dump-foreign")
        defer { try? SharedMemory.remove(name) }
        try Data("not a segment at all".utf8).write(to: URL(fileURLWithPath: "/dev/shm/" + name))
        let outcome = try TestSupport.cli("dump", name, "--json")
        #expect(outcome.status == 0, "\(outcome)")
        let object = try CLIJSON.object(outcome.standardOutput)
        #expect((object["note"] as? String)?.contains("dumped raw") == true)
        #expect((object["header"] as? [Any])?.isEmpty == true)
        #expect(try CLIJSON.member(outcome.standardOutput, "bytes")["hex"] as? String
            == Array("not a segment at all".utf8).map { String(format: "%02x", $0) }.joined())
        let text = try TestSupport.cli("dump", name)
        #expect(text.standardOutput.contains("|not a segment at|"), "\(text)")
    }

    @Test func aMissingNameFails() throws {
        let outcome = try TestSupport.cli("dump", TestSupport.uniqueName("cli-dump-missing"), "--json")
        #expect(outcome.status == 1)
        #expect(try CLIJSON.member(outcome.standardOutput, "error")["code"] as? String == "notFound")
    }
}
