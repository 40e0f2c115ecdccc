@testable import Interprocess
import Testing

/// docs/FORMAT.md's container tables against the code's offsets.
@Suite struct ContainerTableTests {
    /// The objects' table check: field → (offset, size) against the table under a heading.
    func check(_ heading: String, _ code: [String: (offset: Int, size: Int)], variable: [String: String] = [:]) throws {
        try ObjectDirectoryTableTests().check(heading, code, variable: variable)
    }

    @Test func vectorHeader() throws {
        typealias Field = ContainerBuffer.Field
        try check("#### Vector and string header", [
            "magic": (0, 4), "version": (4, 4), "elementSize": (Field.elementSize, 4),
            "elementAlignment": (Field.elementAlignment, 4), "storage": (Field.storage, 8),
            "lock": (ContainerHeader.locksOffset, ProcessRWLock.size),
        ])
        #expect(SharedVector<UInt8>.magic == 0x4345_5653 && SharedString.magic == 0x5254_5353)
        #expect(ContainerBuffer.headerSize == ContainerHeader.locksOffset + ProcessRWLock.size)
    }

    @Test func vectorStorage() throws {
        try check("#### Vector storage block", [
            "capacity": (ContainerBuffer.Storage.capacity, 8), "count": (ContainerBuffer.Storage.count, 8),
        ], variable: ["elements": "E"])
        #expect(ContainerBuffer.elementsStart(alignment: 4) == 16 && ContainerBuffer.elementsStart(alignment: 64) == 64)
    }

    @Test func dictionaryHeader() throws {
        typealias Field = DictionaryTable.Field
        try check("#### Dictionary header", [
            "magic": (0, 4), "version": (4, 4), "bucketCount": (Field.bucketCount, 4), "stripeCount": (Field.stripeCount, 4),
            "buckets": (Field.buckets, 8), "counts": (DictionaryTable.countsOffset, DictionaryTable.maximumStripeCount * 8),
        ], variable: ["locks": String(DictionaryTable.locksOffset)])
        #expect(SharedDictionary<UInt8, UInt8>.magic == 0x4349_4453 && ProcessRWLock.size == 4352)
        #expect(DictionaryTable.locksOffset % ProcessRWLock.alignment == 0)
    }

    @Test func dictionaryNode() throws {
        typealias Node = DictionaryTable.Node
        try check("#### Dictionary node", [
            "next": (Node.next, 8), "hash": (Node.hash, 8), "keyLength": (Node.keyLength, 4), "valueLength": (Node.valueLength, 4),
        ], variable: ["key": String(Node.key), "value": "24 + `keyLength`"])
        // The hash is fixed: any change breaks every dictionary already in a segment.
        let hash = "key".utf8.withContiguousStorageIfAvailable { StableHash.hash(UnsafeRawBufferPointer($0)) }
        #expect(hash == expectedKeyHash)
    }

    /// FNV-1a 64 of "key" and the finalizer, computed independently.
    var expectedKeyHash: UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "key".utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        h ^= h >> 33; h = h &* 0xff51_afd7_ed55_8ccd; h ^= h >> 33; h = h &* 0xc4ce_b9fe_1a85_ec53; h ^= h >> 33
        return h
    }
}
