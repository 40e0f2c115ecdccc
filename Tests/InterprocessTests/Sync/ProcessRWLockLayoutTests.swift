@testable import Interprocess
import Testing

/// docs/FORMAT.md's ProcessRWLock tables against `RWLockLayout`: editing either side alone fails.
@Suite("ProcessRWLock layout", .timeLimit(.minutes(5)))
struct ProcessRWLockLayoutTests {
    static let section = "### ProcessRWLock"

    struct Row {
        var offset: Int
        var size: Int
        var field: RWLockLayout.Field?
        var cell: String
        var type: String
    }

    static func rows() throws -> [Row] {
        let table = try FormatDocument.load().table(under: section, columns: ["Offset", "Size", "Field", "Type", "Meaning"])
        return try table.map { cells in
            guard let offset = FormatDocument.integer(cells[0]), let size = FormatDocument.integer(cells[1]) else {
                throw TestFailure("the ProcessRWLock row \(cells) does not start with an offset and a size")
            }
            let field = try FormatDocument.codeSpan(cells[2]).map { name in
                guard let field = RWLockLayout.Field(rawValue: name) else {
                    throw TestFailure("docs/FORMAT.md documents `\(name)`, which is not an RWLockLayout.Field")
                }
                return field
            }
            return Row(offset: Int(offset), size: Int(size), field: field, cell: cells[2], type: cells[3])
        }
    }

    @Test func everyFieldIsDocumentedOnceAtTheCodesOffsetAndSize() throws {
        let rows = try Self.rows()
        for field in RWLockLayout.Field.allCases {
            let documented = rows.filter { $0.field == field }
            #expect(documented.count == 1, "`\(field.rawValue)` in docs/FORMAT.md")
            guard let row = documented.first else { continue }
            #expect(row.offset == field.offset, "offset of `\(field.rawValue)`")
            #expect(row.size == field.size, "size of `\(field.rawValue)`")
            #expect(FormatDocument.byteCount(ofType: row.type) == row.size, "type of `\(field.rawValue)`")
            #expect(field.offset % field.size == 0, "`\(field.rawValue)` is naturally aligned")
        }
    }

    @Test func rowsTileTheControlLinesAndTheFirstSlot() throws {
        var end = 0
        for row in try Self.rows() {
            #expect(row.offset == end, "\(row.cell) should start where the previous row ends (\(end))")
            end = row.offset + row.size
        }
        #expect(end == RWLockLayout.Field.readerSlots.offset + RWLockLayout.Field.readerSlots.size)
        #expect(RWLockLayout.size == RWLockLayout.Field.readerSlots.offset + RWLockLayout.slotCount * RWLockLayout.slotStride)
    }

    @Test func wordsWrittenByDifferentSidesAreOnSeparateLines() {
        let line = { (field: RWLockLayout.Field) in field.offset / 128 }
        #expect(line(.owner) != line(.drainSequence), "writers' words and readers' wake-up words")
        #expect(line(.drainSequence) != line(.readerSlots))
        #expect(RWLockLayout.slotStride == 128)
        #expect(RWLockLayout.slotCount <= 32, "slotsUsed has one bit per slot")
    }

    @Test func constantsMatchTheCode() throws {
        let table = try FormatDocument.load().table(under: Self.section, columns: ["Constant", "Value"])
        func value(_ symbol: String) throws -> UInt64? {
            guard let row = table.first(where: { $0[0].contains("`\(symbol)`") }) else {
                throw TestFailure("the ProcessRWLock constants table does not give `\(symbol)`")
            }
            return FormatDocument.integer(String(row[1].split(separator: " ")[0]))
        }
        #expect(try value("RWLockLayout.tag") == UInt64(RWLockLayout.tag))
        #expect(try value("RWLockLayout.version") == UInt64(RWLockLayout.version))
        #expect(try value("ProcessRWLock.size") == UInt64(ProcessRWLock.size))
        #expect(try value("ProcessRWLock.alignment") == UInt64(ProcessRWLock.alignment))
        #expect(try value("RWLockLayout.slotCount") == UInt64(RWLockLayout.slotCount))
        #expect(try value("RWLockLayout.slotStride") == UInt64(RWLockLayout.slotStride))
        let tagBytes = withUnsafeBytes(of: RWLockLayout.tag.littleEndian) { String(decoding: $0, as: UTF8.self) }
        #expect(tagBytes == "RWLK")
    }

    @Test("initialize(at:) writes what the document says")
    func initializedBytes() throws {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: ProcessRWLock.size, alignment: 128)
        defer { memory.deallocate() }
        memory.initializeMemory(as: UInt8.self, repeating: 0xAB, count: ProcessRWLock.size)
        try ProcessRWLock.initialize(at: memory)
        #expect(memory.load(fromByteOffset: 0, as: UInt32.self) == UInt32(0x4B4C_5752).littleEndian)
        #expect(memory.load(fromByteOffset: 4, as: UInt32.self) == UInt32(2).littleEndian)
        #expect(memory.load(fromByteOffset: 8, as: UInt32.self) == UInt32(32).littleEndian)
        let rest = UnsafeRawBufferPointer(start: memory + 12, count: ProcessRWLock.size - 12)
        #expect(rest.allSatisfy { $0 == 0 })
    }
}
