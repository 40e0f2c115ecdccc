@testable import Interprocess
import Testing

extension ProcessSemaphoreTests {
    /// docs/FORMAT.md's ProcessSemaphore table against the code, and against the bytes an
    /// initialized semaphore really holds.
    @Suite("format", .timeLimit(.minutes(5)))
    struct SemaphoreFormatTests {
        static let heading = "#### ProcessSemaphore layout"

        static func rows() throws -> [(offset: Int, size: Int, field: ProcessSemaphore.Field, type: String)] {
            let table = try FormatDocument.load().table(under: heading, columns: ["Offset", "Size", "Field", "Type", "Meaning"])
            return try table.map { cells in
                guard let offset = FormatDocument.integer(cells[0]), let size = FormatDocument.integer(cells[1]),
                      let name = FormatDocument.codeSpan(cells[2]), let field = ProcessSemaphore.Field(rawValue: name)
                else { throw TestFailure("the semaphore table row \(cells) is not offset, size, `field`") }
                return (Int(offset), Int(size), field, cells[3])
            }
        }

        @Test("every field is documented once, at the code's offset and size, tiling the 64 bytes")
        func tableMatchesCode() throws {
            let rows = try Self.rows()
            #expect(rows.map(\.field) == ProcessSemaphore.Field.allCases)
            var end = 0
            for row in rows {
                #expect(row.offset == row.field.offset, "offset of `\(row.field)`")
                #expect(row.size == row.field.size, "size of `\(row.field)`")
                #expect(FormatDocument.byteCount(ofType: row.type) == row.size, "type of `\(row.field)`")
                #expect(row.offset == end, "`\(row.field)` starts where the previous field ends")
                end = row.offset + row.size
            }
            #expect(end == ProcessSemaphore.size)
        }

        @Test("the constants match the code")
        func constants() throws {
            let table = try FormatDocument.load().table(under: Self.heading, columns: ["Constant", "Value"])
            func value(_ symbol: String) throws -> UInt64? {
                try FormatDocument.integer(#require(table.first { $0[0] == "`\(symbol)`" }, "`\(symbol)`")[1])
            }
            #expect(try value("ProcessSemaphore.size") == UInt64(ProcessSemaphore.size))
            #expect(try value("ProcessSemaphore.alignment") == UInt64(ProcessSemaphore.alignment))
            #expect(try value("ProcessSemaphore.tag") == UInt64(ProcessSemaphore.tag))
            #expect(try value("ProcessSemaphore.layoutVersion") == UInt64(ProcessSemaphore.layoutVersion))
            let tagText = withUnsafeBytes(of: ProcessSemaphore.tag.littleEndian) { String(decoding: $0, as: UTF8.self) }
            #expect(tagText == "PSEM")
        }

        @Test("an initialized semaphore holds the documented values at the documented offsets")
        func bytesAtDocumentedOffsets() throws {
            let rows = try Self.rows()
            func offset(_ field: ProcessSemaphore.Field) throws -> Int {
                try #require(rows.first { $0.field == field }).offset
            }
            try PlacedBuffer.with { base in
                base.initializeMemory(as: UInt8.self, repeating: 0xEE, count: 256)
                let semaphore = try ProcessSemaphore.initialize(at: base, initialCount: 3, maximumCount: 10)
                #expect(PlacedBuffer.word(base, try offset(.tag)) == 0x4D45_5350)
                #expect(PlacedBuffer.word(base, try offset(.version)) == 1)
                #expect(PlacedBuffer.word(base, try offset(.count)) == 3)
                #expect(PlacedBuffer.word(base, try offset(.waiters)) == 0)
                #expect(PlacedBuffer.word(base, try offset(.maximumCount)) == 10)
                let reserved = try offset(.reserved)
                #expect((reserved..<ProcessSemaphore.size).allSatisfy { base.load(fromByteOffset: $0, as: UInt8.self) == 0 })
                #expect(base.load(fromByteOffset: ProcessSemaphore.size, as: UInt8.self) == 0xEE, "nothing past the end")
                try semaphore.post(count: 2)
                #expect(PlacedBuffer.word(base, try offset(.count)) == 5)
            }
        }
    }
}
