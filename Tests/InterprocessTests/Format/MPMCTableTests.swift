@testable import Interprocess
import Testing

/// docs/FORMAT.md's MPMC queue tables against `MPMCLayout`.
@Suite struct MPMCTableTests {
    static let bodyFields: [String: (offset: Int, size: Int)] = [
        "tag": (MPMCLayout.tagOffset, 4),
        "version": (MPMCLayout.versionOffset, 4),
        "slotCount": (MPMCLayout.slotCountOffset, 8),
        "slotSize": (MPMCLayout.slotSizeOffset, 4),
        "slotStride": (MPMCLayout.slotStrideOffset, 4),
        "skippedRecords": (MPMCLayout.skippedOffset, 8),
        "redeliveredRecords": (MPMCLayout.redeliveredOffset, 8),
        "tail": (MPMCLayout.tailOffset, 8),
        "consumersWaiting": (MPMCLayout.consumersWaitingOffset, 4),
        "notEmpty": (MPMCLayout.notEmptyOffset, 4),
        "head": (MPMCLayout.headOffset, 8),
        "producersWaiting": (MPMCLayout.producersWaitingOffset, 4),
        "notFull": (MPMCLayout.notFullOffset, 4),
    ]

    static let slotFields: [String: (offset: Int, size: Int)] = [
        "sequence": (MPMCLayout.slotSequenceOffset, 8),
        "claimant": (MPMCLayout.slotClaimantOffset, 8),
        "length": (MPMCLayout.slotLengthOffset, 4),
        "reserved": (MPMCLayout.slotLengthOffset + 4, 4),
    ]

    static let columns = ["Offset", "Size", "Field", "Type", "Meaning"]

    /// Checks each row of a documented table against `code`; returns the field names seen.
    func check(_ rows: [[String]], against code: [String: (offset: Int, size: Int)], variable: [String: Int]) throws -> Set<String> {
        var documented: Set<String> = []
        for row in rows {
            let field = try #require(FormatDocument.codeSpan(row[2]), "field cell \(row[2])")
            documented.insert(field)
            if let offset = variable[field] {
                #expect(FormatDocument.integer(row[0]) == UInt64(offset), "offset of \(field)")
                continue
            }
            let entry = try #require(code[field], "\(field) is documented but not in the code's table")
            #expect(FormatDocument.integer(row[0]) == UInt64(entry.offset), "offset of \(field)")
            #expect(FormatDocument.integer(row[1]) == UInt64(entry.size), "size of \(field)")
        }
        return documented
    }

    @Test func everyDocumentedBodyFieldMatchesTheCode() throws {
        let rows = try FormatDocument.load().table(under: "## MPMC queue", columns: Self.columns)
        let documented = try check(rows, against: Self.bodyFields, variable: ["slots": MPMCLayout.ringOffset])
        #expect(documented == Set(Self.bodyFields.keys).union(["slots"]))
        #expect(MPMCLayout.tag == 0x434D_504D)
        #expect(MPMCLayout.version == 2)
        // The two hot indices are on lines of their own, and the slots start on a line of their own.
        #expect(MPMCLayout.tailOffset % 128 == 0 && MPMCLayout.headOffset - MPMCLayout.tailOffset >= 128)
        #expect(MPMCLayout.ringOffset - MPMCLayout.headOffset >= 128)
        #expect(MPMCLayout.slotCountRange == 2...(1 << 24) && MPMCLayout.slotSizeRange == 1...(1 << 24))
    }

    @Test func everyDocumentedSlotFieldMatchesTheCode() throws {
        let document = try FormatDocument.load()
        // The slot table is the second table under the heading: find it by its first row.
        let rows = try slotRows(document)
        let documented = try check(rows, against: Self.slotFields, variable: ["payload": MPMCLayout.slotPayloadOffset])
        #expect(documented == Set(Self.slotFields.keys).union(["payload"]))
        #expect(MPMCLayout.writingFlag == 1 << 63 && MPMCLayout.readingFlag == 1 << 62)
        // The control pair is 16-aligned in every slot: slots are 64-aligned from a 128-aligned ring.
        for size in [1, 8, 40, 41, 100, 1 << 16] {
            let stride = MPMCLayout.slotStride(forSlotSize: size)
            #expect(stride % 64 == 0 && stride >= MPMCLayout.slotPayloadOffset + size && stride - size - MPMCLayout.slotPayloadOffset < 64)
        }
        #expect(MPMCLayout.ringOffset % 64 == 0)
    }

    /// The rows of the table under "## MPMC queue" whose first field is `sequence`.
    func slotRows(_ document: FormatDocument) throws -> [[String]] {
        let lines = document.lines
        guard let start = lines.firstIndex(of: "## MPMC queue") else { throw TestFailure("no MPMC heading") }
        for index in start..<lines.count where FormatDocument.cells(lines[index]) == Self.columns {
            let rows = FormatDocument(lines: Array(lines[index...])).tableRows()
            if rows.first.flatMap({ FormatDocument.codeSpan($0[2]) }) == "sequence" { return rows }
        }
        throw TestFailure("no slot table under \"## MPMC queue\"")
    }
}

extension FormatDocument {
    /// The body rows of the table whose header row is this document's first line.
    func tableRows() -> [[String]] {
        Array(lines.dropFirst(2).prefix { FormatDocument.cells($0) != nil }.map { FormatDocument.cells($0)! })
    }
}
