@testable import Interprocess
import Testing

/// docs/FORMAT.md's blackboard tables against `BlackboardLayout`.
@Suite struct BlackboardTableTests {
    static let body: [String: (offset: Int, size: Int)] = [
        "tag": (BlackboardLayout.tagOffset, 4), "version": (BlackboardLayout.versionOffset, 4),
        "entryCount": (BlackboardLayout.entryCountOffset, 4), "copies": (BlackboardLayout.copiesOffset, 4),
        "dataSize": (BlackboardLayout.dataSizeOffset, 8), "writerOwner": (BlackboardLayout.writerOwnerOffset, 8),
        "changeCount": (BlackboardLayout.changeCountOffset, 8), "sleepingReaders": (BlackboardLayout.sleepersOffset, 4),
    ]
    static let descriptor: [String: (offset: Int, size: Int)] = [
        "keyKind": (BlackboardLayout.keyKindOffset, 4), "valueKind": (BlackboardLayout.valueKindOffset, 4),
        "valueSize": (BlackboardLayout.valueSizeOffset, 4), "keyNameLength": (BlackboardLayout.keyNameLengthOffset, 4),
        "keyNumber": (BlackboardLayout.keyNumberOffset, 8), "typeHash": (BlackboardLayout.typeHashOffset, 8),
        "dataOffset": (BlackboardLayout.entryDataOffset, 8), "typeNameLength": (BlackboardLayout.typeNameLengthOffset, 4),
        "keyName": (BlackboardLayout.keyNameOffset, 40), "typeName": (BlackboardLayout.typeNameOffset, 40),
    ]
    static let copy: [String: (offset: Int, size: Int)] = [
        "entryVersion": (BlackboardLayout.entryVersionOffset, 8), "stamp": (BlackboardLayout.stampOffset, 8),
        "length": (BlackboardLayout.lengthOffset, 4),
    ]

    /// Checks the rows of one table against the code's offsets; `extra`: fields the code has no offset for.
    func check(_ rows: [[String]], against code: [String: (offset: Int, size: Int)], extra: Set<String>) throws {
        var documented: Set<String> = []
        for row in rows {
            let field = try #require(FormatDocument.codeSpan(row[2]), "field cell \(row[2])")
            documented.insert(field)
            guard let entry = code[field] else { continue }
            #expect(FormatDocument.integer(row[0]) == UInt64(entry.offset), "offset of \(field)")
            #expect(FormatDocument.integer(row[1]) == UInt64(entry.size), "size of \(field)")
        }
        #expect(documented == Set(code.keys).union(extra))
    }

    @Test func everyDocumentedFieldMatchesTheCode() throws {
        let document = try FormatDocument.load()
        _ = try document.table(under: "## Blackboards", columns: ["Offset", "Size", "Field", "Type", "Meaning"])
        // The three tables under the heading, one after another: every body row of the section.
        let start = try #require(document.lines.firstIndex(of: "## Blackboards"))
        let section = document.lines[(start + 1)...].prefix { !$0.hasPrefix("## ") }
        let all = section.compactMap(FormatDocument.cells).filter { $0.count == 5 && $0[0] != "Offset" && !$0[0].hasPrefix("-") }
        let descriptorStart = try #require(all.firstIndex { $0[2] == "`keyKind`" })
        let dataStart = try #require(all.firstIndex { $0[2] == "`entryVersion`" })
        try check(Array(all[..<descriptorStart]), against: Self.body, extra: ["entries"])
        try check(Array(all[descriptorStart..<dataStart]), against: Self.descriptor, extra: [])
        try check(Array(all[dataStart...]), against: Self.copy, extra: ["value"])
        #expect(BlackboardLayout.tag == 0x424B_4C42 && BlackboardLayout.version == 1)
        #expect(BlackboardLayout.entriesOffset == 384 && BlackboardLayout.descriptorSize == 128 && BlackboardLayout.valueOffset == 16)
        #expect(BlackboardLayout.copyStride(64) == 128 && BlackboardLayout.copyStride(4096) == 4224)
        #expect(Blackboard.dataStart(entryCount: 3) == 768)
    }
}
