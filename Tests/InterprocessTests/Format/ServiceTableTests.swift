@testable import Interprocess
import Testing

/// docs/FORMAT.md's service tables against `ServiceLayout`.
@Suite struct ServiceTableTests {
    static let columns = ["Offset", "Size", "Field", "Type", "Meaning"]

    /// Checks every row of the table under `heading` against `code` (field → offset, size; a
    /// size of nil is not checked), and that the table documents exactly those fields.
    func check(_ heading: String, _ code: [String: (offset: Int, size: Int?)]) throws {
        let rows = try FormatDocument.load().table(under: heading, columns: Self.columns)
        var documented: Set<String> = []
        for row in rows {
            let field = try #require(FormatDocument.codeSpan(row[2]), "field cell \(row[2])")
            documented.insert(field)
            let entry = try #require(code[field], "\(field) is documented under \(heading) but not in the code's table")
            #expect(FormatDocument.integer(row[0]) == UInt64(entry.offset), "offset of \(field)")
            if let size = entry.size { #expect(FormatDocument.integer(row[1]) == UInt64(size), "size of \(field)") }
        }
        #expect(documented == Set(code.keys), "\(heading)")
    }

    @Test func controlSegment() throws {
        typealias L = ServiceLayout
        try check("### Service control segment", [
            "tag": (L.tagOffset, 4), "version": (L.versionOffset, 4), "payloadSize": (L.payloadSizeOffset, 8),
            "payloadAlignment": (L.payloadAlignmentOffset, 4), "payloadFlags": (L.payloadFlagsOffset, 4),
            "maximumSubscribers": (L.maximumSubscribersOffset, 4), "bufferCapacity": (L.bufferCapacityOffset, 4),
            "history": (L.historyOffset, 4), "maximumLoansPerSubscriber": (L.maximumLoansOffset, 4),
            "overrunPolicy": (L.overrunPolicyOffset, 4), "ringSize": (L.ringSizeOffset, 4), "slotCount": (L.slotCountOffset, 4),
            "recordStride": (L.recordStrideOffset, 4), "typeNameLength": (L.typeNameLengthOffset, 4), "poolMode": (L.poolModeOffset, 4),
            "typeName": (L.typeNameOffset, PayloadType.maximumTypeNameLength),
            "publisher": (L.publisherOffset, 8), "head": (L.headOffset, 8), "publicationWord": (L.publicationWordOffset, 4),
            "publicationWaiters": (L.publicationWaitersOffset, 4), "progressWord": (L.progressWordOffset, 4),
            "membership": (L.membershipOffset, 8), "progressWaiters": (L.progressWaitersOffset, 4),
            "currentGeneration": (L.currentGenerationOffset, 4), "poolNonce": (L.poolNonceOffset, 4),
            "generations": (L.generationTableOffset, L.maximumGenerations * L.generationEntrySize),
            "records": (L.recordsOffset, nil),
        ])
        #expect(ServiceLayout.tag == 0x4356_5253)
        // Words written by different processes are on different 128-byte lines.
        let lines = [L.publisherOffset, L.publicationWaitersOffset, L.progressWaitersOffset, L.currentGenerationOffset, L.recordsOffset]
        #expect(Set(lines.map { $0 / 128 }).count == lines.count)
        #expect(L.generationTableOffset + L.maximumGenerations * L.generationEntrySize <= L.recordsOffset)
    }

    @Test func generationEntry() throws {
        try check("### Generation entry", [
            "slotPayloadSize": (ServiceLayout.generationSlotSizeOffset, 8), "state": (ServiceLayout.generationStateOffset, 4),
        ])
    }

    @Test func slotRecord() throws {
        typealias L = ServiceLayout
        try check("### Slot record", [
            "entrySequence": (L.entrySequenceOffset, 8), "entrySlot": (L.entrySlotOffset, 4), "entryGeneration": (L.entryGenerationOffset, 4),
            "tag": (L.slotTagOffset, 8), "slotGeneration": (L.slotGenerationOffset, 4), "reserved": (L.slotGenerationOffset + 4, 4),
            "pins": (L.slotPinsOffset, nil),
        ])
        // A record is the ring entry's line and the slot state's line (two lines from 896
        // subscribers on).
        #expect(ServiceGeometry(ServiceConfiguration(maximumSubscribers: 64)).recordStride == 256)
        #expect(ServiceGeometry(ServiceConfiguration(maximumSubscribers: 1024)).recordStride == 384)
    }

    @Test func subscriberEntry() throws {
        typealias L = ServiceLayout
        try check("### Subscriber entry", [
            "claim": (L.subscriberClaimOffset, 8), "policy": (L.subscriberPolicyOffset, 4), "held": (L.subscriberHeldOffset, 4),
            "cursor": (L.subscriberCursorOffset, 8), "missed": (L.subscriberMissedOffset, 8), "received": (L.subscriberReceivedOffset, 8),
            "parked": (L.subscriberParkedOffset, 4),
        ])
    }

    @Test func poolSegment() throws {
        typealias L = ServiceLayout
        try check("### Sample pool segment", [
            "poolTag": (L.poolTagOffset, 4), "poolVersion": (L.poolVersionOffset, 4), "poolGeneration": (L.poolGenerationOffset, 4),
            "poolSlotCount": (L.poolSlotCountOffset, 4), "poolSlotPayloadSize": (L.poolSlotPayloadSizeOffset, 8),
            "poolSlotStride": (L.poolSlotStrideOffset, 8), "poolPayloadOffset": (L.poolPayloadOffsetOffset, 4),
            "poolSlotsOffset": (L.poolSlotsOffsetOffset, 4),
        ])
        let geometry = PoolGeometry(slotPayloadSize: 100, alignment: 4096, slotCount: 3)
        #expect((SegmentHeader.size + geometry.slotsOffset) % 4096 == 0 && geometry.payloadOffset == 4096 && geometry.slotStride % 4096 == 0)
    }

    @Test("the geometry in the document: ring size, slot count")
    func geometry() {
        let geometry = ServiceGeometry(ServiceConfiguration(maximumSubscribers: 16, bufferCapacity: 16, maximumLoansPerSubscriber: 2))
        #expect(geometry.ringSize == 32 && geometry.slotCount == 32 + 32 + 1)
        #expect(ServiceGeometry(ServiceConfiguration(bufferCapacity: 1)).ringSize == 2)
        #expect(ServiceGeometry(ServiceConfiguration(bufferCapacity: 15)).ringSize == 16)
    }
}
