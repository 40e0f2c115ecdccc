@testable import Interprocess
import Testing

/// docs/FORMAT.md's managed segment tables against `ManagedLayout` and `SlabClass`.
@Suite struct ManagedTableTests {
    static let headerOffsets: [String: (offset: Int, size: Int)] = [
        "chunkSize": (ManagedLayout.chunkSizeOffset, 4),
        "cacheCount": (ManagedLayout.cacheCountOffset, 4),
        "maximumSize": (ManagedLayout.maximumSizeOffset, 8),
        "heapStart": (ManagedLayout.heapStartOffset, 8),
        "size": (ManagedLayout.sizeOffset, 8),
        "generation": (ManagedLayout.generationOffset, 8),
        "directoryRoot": (ManagedLayout.directoryRootOffset, 8),
        "initialSize": (ManagedLayout.initialSizeOffset, 8),
        "heapLock": (ManagedLayout.heapLockOffset, ProcessMutex.size),
        "intent": (ManagedLayout.intentOffset, 32),
        "bins": (ManagedLayout.binsOffset, 8 * ManagedLayout.binCount),
        "cacheTable": (ManagedLayout.cacheTableOffset, ManagedLayout.cacheCount * ManagedLayout.cacheRecordSize),
    ]

    static let slabOffsets: [String: (offset: Int, size: Int)] = [
        "slabTag": (SlabClass.tagOffset, 4),
        "slabClass": (SlabClass.classOffset, 4),
        "slabOwner": (SlabClass.ownerOffset, 8),
        "slabHint": (SlabClass.hintOffset, 4),
    ]

    @Test func theManagedHeaderTableMatchesTheCode() throws {
        let rows = try FormatDocument.load().table(under: "## Managed segments", columns: ["Offset", "Size", "Field", "Type", "Meaning"])
        var documented: Set<String> = []
        for row in rows {
            let field = try #require(FormatDocument.codeSpan(row[2]))
            documented.insert(field)
            if field == "chunkMap" {
                #expect(FormatDocument.integer(row[0]) == UInt64(ManagedLayout.chunkMapOffset))
                continue
            }
            let code = try #require(Self.headerOffsets[field], "\(field) is documented but not in the code's table")
            #expect(FormatDocument.integer(row[0]) == UInt64(code.offset), "offset of \(field)")
            #expect(FormatDocument.integer(row[1]) == UInt64(code.size), "size of \(field)")
        }
        #expect(documented == Set(Self.headerOffsets.keys).union(["chunkMap"]))
    }

    @Test func theSlabTableMatchesTheCode() throws {
        let rows = try FormatDocument.load().table(under: "### Small blocks", columns: ["Offset", "Size", "Field", "Type", "Meaning"])
        for row in rows {
            let field = try #require(FormatDocument.codeSpan(row[2]))
            if field == "localFree" {
                #expect(FormatDocument.integer(row[0]) == UInt64(SlabClass.localBitmap))
                continue
            }
            let code = try #require(Self.slabOffsets[field], "\(field) is documented but not in the code's table")
            #expect(FormatDocument.integer(row[0]) == UInt64(code.offset), "offset of \(field)")
            #expect(FormatDocument.integer(row[1]) == UInt64(code.size), "size of \(field)")
        }
        #expect(SlabClass.sizes == [16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024])
        #expect(SlabClass.tag == 0x4241_4C53)
        #expect(LargeHeap.checkSalt == 0x4B4C_4250_4145_484D)
    }
}
