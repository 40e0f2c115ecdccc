@testable import Interprocess
import Testing

/// docs/FORMAT.md's byte stream table against `ByteStreamLayout`.
@Suite struct ByteStreamTableTests {
    static let codeOffsets: [String: (offset: Int, size: Int)] = [
        "tag": (ByteStreamLayout.tagOffset, 4),
        "version": (ByteStreamLayout.versionOffset, 4),
        "capacity": (ByteStreamLayout.capacityOffset, 8),
        "dataOffset": (ByteStreamLayout.dataOffsetOffset, 8),
        "written": (ByteStreamLayout.writtenOffset, 8),
        "writerOwner": (ByteStreamLayout.writerOwnerOffset, 8),
        "readerSleeping": (ByteStreamLayout.readerSleepingOffset, 4),
        "finished": (ByteStreamLayout.finishedOffset, 4),
        "read": (ByteStreamLayout.readOffset, 8),
        "readerOwner": (ByteStreamLayout.readerOwnerOffset, 8),
        "writerSleeping": (ByteStreamLayout.writerSleepingOffset, 4),
    ]

    @Test func everyDocumentedFieldMatchesTheCode() throws {
        let rows = try FormatDocument.load().table(
            under: "## Byte stream", columns: ["Offset", "Size", "Field", "Type", "Meaning"])
        var documented: Set<String> = []
        for row in rows {
            let field = try #require(FormatDocument.codeSpan(row[2]), "field cell \(row[2])")
            documented.insert(field)
            if field == "data" { continue }
            let code = try #require(Self.codeOffsets[field], "\(field) is documented but not in the code's table")
            #expect(FormatDocument.integer(row[0]) == UInt64(code.offset), "offset of \(field)")
            #expect(FormatDocument.integer(row[1]) == UInt64(code.size), "size of \(field)")
        }
        #expect(documented == Set(Self.codeOffsets.keys).union(["data"]))
        #expect(ByteStreamLayout.tag == 0x5254_5342 && ByteStreamLayout.version == 1)
        #expect(ByteStreamLayout.controlSize == 384 && SegmentKind.byteStream.rawValue == 17)
    }
}
