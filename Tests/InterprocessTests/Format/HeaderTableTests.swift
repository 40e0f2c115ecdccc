import Interprocess
import Testing

/// docs/FORMAT.md's segment header tables against `SegmentHeader`, `SegmentHeader.State` and
/// `SegmentKind`: editing either side alone fails here.
@Suite(.timeLimit(.minutes(5)))
struct HeaderTableTests {
    struct Row {
        var offset: Int
        var size: Int
        var field: SegmentHeader.Field?
        var fieldCell: String
        var type: String
    }

    static let section = "## Segment header"

    static func headerRows() throws -> [Row] {
        let table = try FormatDocument.load().table(
            under: section, columns: ["Offset", "Size", "Field", "Type", "Meaning"])
        return try table.map { cells in
            guard let offset = FormatDocument.integer(cells[0]), let size = FormatDocument.integer(cells[1]) else {
                throw TestFailure("the header table row \(cells) does not start with an offset and a size")
            }
            let field = try FormatDocument.codeSpan(cells[2]).map { name in
                guard let field = SegmentHeader.Field(rawValue: name) else {
                    throw TestFailure("the header table documents `\(name)`, which is not a SegmentHeader.Field")
                }
                return field
            }
            return Row(offset: Int(offset), size: Int(size), field: field, fieldCell: cells[2], type: cells[3])
        }
    }

    @Test func everyDocumentedFieldHasTheCodesOffsetAndSize() throws {
        for row in try Self.headerRows() {
            guard let field = row.field else { continue }
            #expect(row.offset == field.offset, "offset of `\(field.rawValue)`")
            #expect(row.size == field.size, "size of `\(field.rawValue)`")
        }
    }

    @Test func everyFieldIsDocumentedExactlyOnce() throws {
        let documented = try Self.headerRows().compactMap(\.field)
        for field in SegmentHeader.Field.allCases {
            #expect(documented.filter { $0 == field }.count == 1, "`\(field.rawValue)` in docs/FORMAT.md")
        }
    }

    @Test func rowsTileTheHeaderWithoutOverlapOrGaps() throws {
        let rows = try Self.headerRows()
        var end = 0
        for row in rows {
            #expect(row.offset == end, "\(row.fieldCell) should start where the previous row ends (\(end))")
            #expect(row.size > 0, "\(row.fieldCell) has a size")
            end = row.offset + row.size
        }
        #expect(end == SegmentHeader.size, "the rows should end at the header size")
        let fields = SegmentHeader.Field.allCases.sorted { $0.offset < $1.offset }
        for (previous, next) in zip(fields, fields.dropFirst()) {
            #expect(previous.offset + previous.size <= next.offset, "\(previous) overlaps \(next)")
        }
        for field in fields {
            #expect(field.offset >= 0 && field.offset + field.size <= SegmentHeader.size, "\(field) lies inside the header")
            #expect(field.offset % min(field.size, 8) == 0, "\(field) is naturally aligned")
        }
    }

    @Test func typesAreAsWideAsTheirFields() throws {
        for row in try Self.headerRows() {
            #expect(FormatDocument.byteCount(ofType: row.type) == row.size, "type \(row.type) of \(row.fieldCell)")
        }
    }

    @Test func constantsMatchTheCode() throws {
        let table = try FormatDocument.load().table(under: Self.section, columns: ["Constant", "Value"])
        func value(of symbol: String) throws -> String {
            guard let row = table.first(where: { $0[0].contains("`\(symbol)`") }) else {
                throw TestFailure("the constants table does not give `\(symbol)`")
            }
            return row[1]
        }
        #expect(FormatDocument.integer(try value(of: "SegmentHeader.size")) == UInt64(SegmentHeader.size))
        #expect(FormatDocument.integer(try value(of: "SegmentHeader.magicValue")) == SegmentHeader.magicValue)
        #expect(FormatDocument.integer(try value(of: "SegmentHeader.currentVersion")) == UInt64(SegmentHeader.currentVersion))
        let magicBytes = try #require(table.first { $0[0] == "Magic bytes" })[1]
        let magicText = withUnsafeBytes(of: SegmentHeader.magicValue.littleEndian) { String(decoding: $0, as: UTF8.self) }
        #expect(magicBytes.hasPrefix("`\(magicText)`"))
        let hexBytes = withUnsafeBytes(of: SegmentHeader.magicValue.littleEndian) { bytes in
            bytes.map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
        }
        #expect(magicBytes.hasSuffix("(\(hexBytes))"))
    }

    @Test func statesMatchTheCode() throws {
        let table = try FormatDocument.load().table(under: "### States", columns: ["Value", "State", "Meaning"])
        #expect(table.count == 2)
        for row in table {
            let value = try #require(FormatDocument.integer(row[0]).flatMap { UInt32(exactly: $0) })
            let state = try #require(SegmentHeader.State(rawValue: value), "state \(value)")
            #expect(FormatDocument.codeSpan(row[1]) == "\(state)")
        }
    }

    @Test func kindsMatchTheCode() throws {
        let table = try FormatDocument.load().table(under: "### Kinds", columns: ["Kind", "Name", "Body"])
        var documented: [SegmentKind: String] = [:]
        for row in table {
            let number = try #require(FormatDocument.integer(row[0]).flatMap { UInt32(exactly: $0) })
            documented[SegmentKind(rawValue: number)] = FormatDocument.codeSpan(row[1])
        }
        #expect(documented == SegmentKind.known)
    }
}
