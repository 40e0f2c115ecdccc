@testable import Interprocess
import Testing

/// docs/FORMAT.md's broadcast stream table against `BroadcastLayout`.
@Suite struct BroadcastTableTests {
    static let codeOffsets: [String: (offset: Int, size: Int)] = [
        "tag": (BroadcastLayout.tagOffset, 4),
        "version": (BroadcastLayout.versionOffset, 4),
        "capacity": (BroadcastLayout.capacityOffset, 8),
        "maximumRecordSize": (BroadcastLayout.maximumRecordOffset, 4),
        "tail": (BroadcastLayout.tailOffset, 8),
        "tailIntent": (BroadcastLayout.intentOffset, 8),
        "checkpoints": (BroadcastLayout.checkpointsOffset, 8 * BroadcastLayout.publishedCheckpoints),
        "latest": (BroadcastLayout.latestOffset, 8),
        "nextSequence": (BroadcastLayout.sequenceOffset, 8),
        "oldest": (BroadcastLayout.oldestOffset, 8),
        "writerOwner": (BroadcastLayout.writerOwnerOffset, 8),
        "parkedReaders": (BroadcastLayout.parkedReadersOffset, 4),
    ]

    @Test func everyDocumentedFieldMatchesTheCode() throws {
        let rows = try FormatDocument.load().table(
            under: "## Broadcast stream", columns: ["Offset", "Size", "Field", "Type", "Meaning"])
        var documented: Set<String> = []
        for row in rows {
            let field = try #require(FormatDocument.codeSpan(row[2]), "field cell \(row[2])")
            documented.insert(field)
            if field == "ring" {
                #expect(FormatDocument.integer(row[0]) == UInt64(BroadcastLayout.ringOffset))
                continue
            }
            let code = try #require(Self.codeOffsets[field], "\(field) is documented but not in the code's table")
            #expect(FormatDocument.integer(row[0]) == UInt64(code.offset), "offset of \(field)")
            #expect(FormatDocument.integer(row[1]) == UInt64(code.size), "size of \(field)")
        }
        #expect(documented == Set(Self.codeOffsets.keys).union(["ring"]))
        #expect(BroadcastLayout.tag == 0x5453_4342)
        #expect(BroadcastLayout.version == 1)
        #expect(BroadcastLayout.none == .max)
        // The readers' one word is on a line of its own, away from the writer's.
        #expect(BroadcastLayout.parkedReadersOffset - BroadcastLayout.writerOwnerOffset >= 64)
        #expect(BroadcastLayout.parkedReadersOffset - BroadcastLayout.tailOffset >= 128)
        #expect(BroadcastLayout.ringOffset - BroadcastLayout.parkedReadersOffset >= 128)
    }

    @Test func recordHeadersAreAsDocumented() {
        #expect(BroadcastLayout.headerSize == 16 && BroadcastLayout.paddingHeaderSize == 8)
        #expect(BroadcastLayout.dataType == 1 && BroadcastLayout.paddingType == 2)
        #expect(BroadcastLayout.footprint(8) == 24 && BroadcastLayout.footprint(0) == 16 && BroadcastLayout.footprint(9) == 32)
        #expect(BroadcastLayout.dataWord(payload: 8) == 0x0000_0001_0000_0018)
        #expect(BroadcastLayout.paddingWord(40) == 0x0000_0002_0000_0028)
    }
}
