@testable import Interprocess
import Testing

/// docs/FORMAT.md's named-object tables against `ObjectDirectoryLayout`.
@Suite struct ObjectDirectoryTableTests {
    typealias Layout = ObjectDirectoryLayout
    static let columns = ["Offset", "Size", "Field", "Type", "Meaning"]

    /// Checks the table under `heading` against `code` (field → offset, size); fields whose size
    /// is not a number (variable parts) are checked by offset text only in `variable`.
    func check(_ heading: String, _ code: [String: (offset: Int, size: Int)], variable: [String: String] = [:]) throws {
        let rows = try FormatDocument.load().table(under: heading, columns: Self.columns)
        var documented: Set<String> = []
        for row in rows {
            let field = try #require(FormatDocument.codeSpan(row[2]), "field cell \(row[2])")
            documented.insert(field)
            if let offset = variable[field] {
                #expect(row[0] == offset, "offset of \(field)")
                continue
            }
            let expected = try #require(code[field], "\(field) is documented but not in the code's table")
            #expect(FormatDocument.integer(row[0]) == UInt64(expected.offset), "offset of \(field)")
            #expect(FormatDocument.integer(row[1]) == UInt64(expected.size), "size of \(field)")
        }
        #expect(documented == Set(code.keys).union(variable.keys))
    }

    @Test func directoryBlock() throws {
        try check("#### Directory block", [
            "magic": (Layout.Directory.magicOffset, 4), "version": (Layout.Directory.versionOffset, 4),
            "table": (Layout.Directory.tableOffset, 8), "pendingEntry": (Layout.Directory.pendingEntryOffset, 8),
            "pendingTable": (Layout.Directory.pendingTableOffset, 8),
            "pendingObject": (Layout.Directory.pendingObjectOffset, 8), "lock": (Layout.Directory.lockOffset, ProcessMutex.size),
        ])
        #expect(Layout.Directory.lockOffset + ProcessMutex.size == Layout.Directory.size)
        #expect(Layout.Directory.magic == 0x444F_5049 && Layout.Directory.version == 1)
    }

    @Test func tableBlock() throws {
        try check("#### Table block", [
            "capacity": (Layout.Table.capacityOffset, 8), "used": (Layout.Table.usedOffset, 8),
        ], variable: ["slots": String(Layout.Table.slotsOffset)])
        #expect(Layout.Table.slotSize == 16 && Layout.Table.slotHashOffset == 0 && Layout.Table.slotEntryOffset == 8)
    }

    @Test func entryBlock() throws {
        try check("#### Entry block", [
            "magic": (Layout.Entry.magicOffset, 4), "state": (Layout.Entry.stateOffset, 4), "owner": (Layout.Entry.ownerOffset, 8),
            "object": (Layout.Entry.objectOffset, 8), "count": (Layout.Entry.countOffset, 8), "size": (Layout.Entry.sizeOffset, 4),
            "alignment": (Layout.Entry.alignmentOffset, 4), "stride": (Layout.Entry.strideOffset, 4), "kind": (Layout.Entry.kindOffset, 1),
            "nameLength": (Layout.Entry.nameLengthOffset, 2), "typeNameLength": (Layout.Entry.typeNameLengthOffset, 4),
        ], variable: ["name": String(Layout.Entry.namesOffset), "typeName": "56 + `nameLength`"])
        #expect(Layout.Entry.magic == 0x454F_5049)
        // ObjectEntry packs these fields into the words at sizeOffset and strideOffset.
        #expect(Layout.Entry.alignmentOffset == Layout.Entry.sizeOffset + 4)
        #expect(Layout.Entry.kindOffset == Layout.Entry.strideOffset + 4 && Layout.Entry.nameLengthOffset == Layout.Entry.strideOffset + 6)
        #expect(ObjectEntry.State.constructing.rawValue == 1 && ObjectEntry.State.ready.rawValue == 2)
        #expect(ObjectKind.named.rawValue == 1 && ObjectKind.unique.rawValue == 2)
    }
}
