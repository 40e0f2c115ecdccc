@testable import Interprocess
import Testing

/// docs/FORMAT.md's SPSC queue table against `SPSCLayout`.
@Suite struct SPSCTableTests {
    static let codeOffsets: [String: (offset: Int, size: Int)] = [
        "tag": (SPSCLayout.tagOffset, 4),
        "version": (SPSCLayout.versionOffset, 4),
        "capacity": (SPSCLayout.capacityOffset, 8),
        "maximumRecordSize": (SPSCLayout.maximumRecordOffset, 4),
        "tail": (SPSCLayout.tailOffset, 8),
        "producerOwner": (SPSCLayout.producerOwnerOffset, 8),
        "consumerSleeping": (SPSCLayout.consumerSleepingOffset, 4),
        "head": (SPSCLayout.headOffset, 8),
        "consumerOwner": (SPSCLayout.consumerOwnerOffset, 8),
        "producerSleeping": (SPSCLayout.producerSleepingOffset, 4),
    ]

    @Test func everyDocumentedFieldMatchesTheCode() throws {
        let rows = try FormatDocument.load().table(
            under: "## SPSC queue", columns: ["Offset", "Size", "Field", "Type", "Meaning"])
        var documented: Set<String> = []
        for row in rows {
            let field = try #require(FormatDocument.codeSpan(row[2]), "field cell \(row[2])")
            documented.insert(field)
            if field == "ring" {
                #expect(FormatDocument.integer(row[0]) == UInt64(SPSCLayout.ringOffset))
                continue
            }
            let code = try #require(Self.codeOffsets[field], "\(field) is documented but not in the code's table")
            #expect(FormatDocument.integer(row[0]) == UInt64(code.offset), "offset of \(field)")
            #expect(FormatDocument.integer(row[1]) == UInt64(code.size), "size of \(field)")
        }
        #expect(documented == Set(Self.codeOffsets.keys).union(["ring"]))
        #expect(SPSCLayout.tag == 0x4353_5053)
        #expect(SPSCLayout.version == 2)
        // The two hot indices are on lines of their own.
        #expect(SPSCLayout.headOffset - SPSCLayout.tailOffset >= 128)
        #expect(SPSCLayout.ringOffset - SPSCLayout.headOffset >= 128)
    }
}
