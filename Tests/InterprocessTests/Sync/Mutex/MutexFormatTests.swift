@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MutexTests {
    /// docs/FORMAT.md's ProcessMutex and ProcessCondition tables against the code.
    @Suite("ProcessMutex and ProcessCondition format", .timeLimit(.minutes(5)))
    struct MutexFormatTests {
        struct Row {
            var offset: Int
            var size: Int
            var field: String?
        }

        static func rows(under heading: String) throws -> [Row] {
            let table = try FormatDocument.load().table(under: heading, columns: ["Offset", "Size", "Field", "Type", "Meaning"])
            return try table.map { cells in
                guard let offset = FormatDocument.integer(cells[0]), let size = FormatDocument.integer(cells[1]) else {
                    throw TestFailure("row \(cells) under \(heading) does not start with an offset and a size")
                }
                #expect(FormatDocument.byteCount(ofType: cells[3]) == Int(size), "type of \(cells[2])")
                return Row(offset: Int(offset), size: Int(size), field: FormatDocument.codeSpan(cells[2]))
            }
        }

        /// Rows tile 0..<128, and every field of the code is documented once at its offset and size.
        static func check(_ rows: [Row], fields: [(name: String, offset: Int, size: Int)], size: Int) {
            var end = 0
            for row in rows {
                #expect(row.offset == end, "\(row.field ?? "reserved") starts where the previous row ends (\(end))")
                end = row.offset + row.size
            }
            #expect(end == size)
            for field in fields {
                let documented = rows.filter { $0.field == field.name }
                #expect(documented.count == 1, "`\(field.name)` documented once")
                #expect(documented.first?.offset == field.offset, "offset of `\(field.name)`")
                #expect(documented.first?.size == field.size, "size of `\(field.name)`")
            }
            #expect(rows.compactMap(\.field).count == fields.count, "no documented field the code lacks")
        }

        @Test func mutexTableMatchesTheCode() throws {
            let rows = try Self.rows(under: "#### ProcessMutex layout")
            Self.check(rows, fields: ProcessMutex.Field.allCases.map { ($0.rawValue, $0.offset, $0.size) }, size: ProcessMutex.size)
            #expect(ProcessMutex.Field.lockWord.offset == PrimitiveHeader.objectOffset)
            #expect(ProcessMutex.Field.ownerPIDNamespace.offset + 4 - PrimitiveHeader.objectOffset == Int(ProcessMutex.objectSize))
        }

        @Test func conditionTableMatchesTheCode() throws {
            let rows = try Self.rows(under: "#### ProcessCondition layout")
            Self.check(rows, fields: ProcessCondition.Field.allCases.map { ($0.rawValue, $0.offset, $0.size) }, size: ProcessCondition.size)
            #expect(ProcessCondition.Field.sequence.offset == PrimitiveHeader.objectOffset)
            #expect(ProcessCondition.objectSize == 8)
        }

        @Test func constantsMatchTheCode() throws {
            let table = try FormatDocument.load().table(under: "### ProcessMutex and ProcessCondition", columns: ["Constant", "Value"])
            func value(_ symbol: String) throws -> String {
                guard let row = table.first(where: { $0[0].contains("`\(symbol)`") }) else {
                    throw TestFailure("the constants table does not give `\(symbol)`")
                }
                return row[1]
            }
            func leadingInteger(_ symbol: String) throws -> UInt64? {
                FormatDocument.integer(String(try value(symbol).split(separator: " ")[0]))
            }
            #expect(try leadingInteger("ProcessMutex.size") == UInt64(ProcessMutex.size))
            #expect(ProcessCondition.size == ProcessMutex.size)
            #expect(try leadingInteger("ProcessMutex.alignment") == UInt64(ProcessMutex.alignment))
            #expect(ProcessCondition.alignment == ProcessMutex.alignment)
            #expect(try leadingInteger("ProcessMutex.tag") == UInt64(ProcessMutex.tag))
            #expect(try leadingInteger("ProcessCondition.tag") == UInt64(ProcessCondition.tag))
            #expect(try leadingInteger("PrimitiveHeader.currentVersion") == UInt64(PrimitiveHeader.currentVersion))
            #expect(try leadingInteger("ProcessMutex.layoutVersion") == UInt64(ProcessMutex.layoutVersion))
            #expect(try leadingInteger("ProcessMutex.ownerCheckInterval") == 20)
            for (tag, text) in [(ProcessMutex.tag, "PMTX"), (ProcessCondition.tag, "PCND")] {
                let bytes = withUnsafeBytes(of: tag.littleEndian) { String(decoding: $0, as: UTF8.self) }
                #expect(bytes == text)
            }
        }

        @Test("initialize writes the documented header bytes")
        func initializedBytes() throws {
            let memory = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 64)
            defer { memory.deallocate() }
            try ProcessMutex.initialize(at: memory, recursive: true)
            try ProcessCondition.initialize(at: memory + 128)
            func word(_ offset: Int) -> UInt32 { UInt32(littleEndian: memory.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
            #expect(word(0) == 0x5854_4D50 && word(4) == 2 && word(8) == 1 && word(12) == 36)
            #expect((16..<32).allSatisfy { word($0 * 4) == 0 }, "lock word and owner record start at 0")
            #expect(word(128) == 0x444E_4350 && word(132) == 1 && word(136) == 0 && word(140) == 8)
            #expect(word(192) == 0 && word(196) == 0)
            let mutex = try ProcessMutex(placedAt: memory)
            _ = try mutex.lock()
            let thread = ThreadID.current
            #expect(word(64) == thread && word(68) == 1 && word(72) == UInt32(bitPattern: getpid()) && word(76) == thread)
            #expect(UInt64(word(80)) | UInt64(word(84)) << 32 == ProcessIdentity.current.startTime)
            try mutex.unlock()
            #expect((16..<32).allSatisfy { word($0 * 4) == 0 }, "all cleared by the last unlock")
        }
    }
}
