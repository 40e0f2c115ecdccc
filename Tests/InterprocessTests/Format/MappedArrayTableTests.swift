@testable import Interprocess
import Testing

/// docs/FORMAT.md's mapped array table against `MappedArrayLayout`.
@Suite struct MappedArrayTableTests {
    @Test func everyDocumentedFieldMatchesTheCode() throws {
        let document = try FormatDocument.load()
        let rows = try document.table(under: "## Mapped array", columns: ["Offset", "Size", "Field", "Type", "Meaning"])
        var documented: [String] = []
        for row in rows {
            let name = try #require(FormatDocument.codeSpan(row[2]), "field cell \(row[2])")
            documented.append(name)
            let field = try #require(MappedArrayLayout.Field(rawValue: name), "no field \(name) in the code")
            #expect(FormatDocument.integer(row[0]) == UInt64(field.offset), "offset of \(name)")
            #expect(FormatDocument.integer(row[1]) == UInt64(field.size), "size of \(name)")
        }
        #expect(documented == MappedArrayLayout.Field.allCases.map(\.rawValue))
        #expect(MappedArrayLayout.dataOffset == 4096 && MappedArrayLayout.checksummedBytes == 128..<160)
        #expect(SegmentKind.mappedArray.rawValue == 20 && SegmentKind.mappedArray.name == "mapped-array")
    }
}
