@testable import Interprocess
import Testing

extension ProcessEventTests {
    /// docs/FORMAT.md's ProcessEvent tables against the code, and against the bytes an
    /// initialized event really holds.
    @Suite("format", .timeLimit(.minutes(5)))
    struct EventFormatTests {
        static let heading = "#### ProcessEvent layout"

        static func rows() throws -> [(offset: Int, size: Int, field: ProcessEvent.Field, type: String)] {
            let table = try FormatDocument.load().table(under: heading, columns: ["Offset", "Size", "Field", "Type", "Meaning"])
            return try table.map { cells in
                guard let offset = FormatDocument.integer(cells[0]), let size = FormatDocument.integer(cells[1]),
                      let name = FormatDocument.codeSpan(cells[2]), let field = ProcessEvent.Field(rawValue: name)
                else { throw TestFailure("the event table row \(cells) is not offset, size, `field`") }
                return (Int(offset), Int(size), field, cells[3])
            }
        }

        @Test("every field is documented once, at the code's offset and size, tiling the 64 bytes")
        func tableMatchesCode() throws {
            let rows = try Self.rows()
            #expect(rows.map(\.field) == ProcessEvent.Field.allCases)
            var end = 0
            for row in rows {
                #expect(row.offset == row.field.offset, "offset of `\(row.field)`")
                #expect(row.size == row.field.size, "size of `\(row.field)`")
                #expect(FormatDocument.byteCount(ofType: row.type) == row.size, "type of `\(row.field)`")
                #expect(row.offset == end, "`\(row.field)` starts where the previous field ends")
                end = row.offset + row.size
            }
            #expect(end == ProcessEvent.size)
        }

        @Test("the constants and mode values match the code")
        func constants() throws {
            let document = try FormatDocument.load()
            let table = try document.table(under: Self.heading, columns: ["Constant", "Value"])
            func value(_ symbol: String) throws -> UInt64? {
                try FormatDocument.integer(#require(table.first { $0[0] == "`\(symbol)`" }, "`\(symbol)`")[1])
            }
            #expect(try value("ProcessEvent.size") == UInt64(ProcessEvent.size))
            #expect(try value("ProcessEvent.alignment") == UInt64(ProcessEvent.alignment))
            #expect(try value("ProcessEvent.tag") == UInt64(ProcessEvent.tag))
            #expect(try value("ProcessEvent.layoutVersion") == UInt64(ProcessEvent.layoutVersion))
            let tagText = withUnsafeBytes(of: ProcessEvent.tag.littleEndian) { String(decoding: $0, as: UTF8.self) }
            #expect(tagText == "PEVT")

            let modes = try document.table(under: Self.heading, columns: ["Value", "Mode"])
            var documented: [UInt32: String] = [:]
            for row in modes {
                documented[UInt32(try #require(FormatDocument.integer(row[0])))] = FormatDocument.codeSpan(row[1])
            }
            #expect(documented == [ProcessEvent.rawMode(.autoReset): "autoReset", ProcessEvent.rawMode(.manualReset): "manualReset"])
        }

        @Test("an initialized event holds the documented values; set counts sets in bits 1–31")
        func bytesAtDocumentedOffsets() throws {
            let rows = try Self.rows()
            func offset(_ field: ProcessEvent.Field) throws -> Int {
                try #require(rows.first { $0.field == field }).offset
            }
            try PlacedBuffer.with { base in
                base.initializeMemory(as: UInt8.self, repeating: 0xEE, count: 256)
                let event = try ProcessEvent.initialize(at: base, mode: .manualReset)
                #expect(PlacedBuffer.word(base, try offset(.tag)) == 0x5456_4550)
                #expect(PlacedBuffer.word(base, try offset(.version)) == 1)
                #expect(PlacedBuffer.word(base, try offset(.state)) == 0)
                #expect(PlacedBuffer.word(base, try offset(.waiters)) == 0)
                #expect(PlacedBuffer.word(base, try offset(.mode)) == 2)
                let reserved = try offset(.reserved)
                #expect((reserved..<ProcessEvent.size).allSatisfy { base.load(fromByteOffset: $0, as: UInt8.self) == 0 })
                #expect(base.load(fromByteOffset: ProcessEvent.size, as: UInt8.self) == 0xEE, "nothing past the end")
                event.set()
                #expect(PlacedBuffer.word(base, try offset(.state)) == 0b11, "set once: count 1, set bit")
                event.reset()
                #expect(PlacedBuffer.word(base, try offset(.state)) == 0b10)
                event.set()
                #expect(PlacedBuffer.word(base, try offset(.state)) == 0b101)

                let auto = try ProcessEvent.initialize(at: base + 64, mode: .autoReset, initiallySet: true)
                #expect(PlacedBuffer.word(base + 64, try offset(.mode)) == 1)
                #expect(PlacedBuffer.word(base + 64, try offset(.state)) == 1)
                #expect(auto.tryWait() == true)
                #expect(PlacedBuffer.word(base + 64, try offset(.state)) == 0)
            }
        }
    }
}
