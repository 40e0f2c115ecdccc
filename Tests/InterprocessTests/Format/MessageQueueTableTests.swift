@testable import Interprocess
import Testing

/// docs/FORMAT.md's message queue table against `MessageQueueLayout`.
@Suite struct MessageQueueTableTests {
    static let codeOffsets: [String: (offset: Int, size: Int)] = [
        "tag": (MessageQueueLayout.tagOffset, 4),
        "version": (MessageQueueLayout.versionOffset, 4),
        "capacity": (MessageQueueLayout.capacityOffset, 4),
        "maximumSize": (MessageQueueLayout.maximumSizeOffset, 4),
        "slotStride": (MessageQueueLayout.slotStrideOffset, 4),
        "nextSequence": (MessageQueueLayout.nextSequenceOffset, 8),
        "count": (MessageQueueLayout.countOffset, 4),
        "repairs": (MessageQueueLayout.repairsOffset, 8),
        "lock": (MessageQueueLayout.lockOffset, ProcessMutex.size),
        "receiversWaiting": (MessageQueueLayout.receiversWaitingOffset, 4),
        "notEmpty": (MessageQueueLayout.notEmptyOffset, 4),
        "sendersWaiting": (MessageQueueLayout.sendersWaitingOffset, 4),
        "notFull": (MessageQueueLayout.notFullOffset, 4),
    ]

    @Test func everyDocumentedFieldMatchesTheCode() throws {
        let rows = try FormatDocument.load().table(
            under: "## Message queue", columns: ["Offset", "Size", "Field", "Type", "Meaning"])
        var documented: Set<String> = []
        for row in rows {
            let field = try #require(FormatDocument.codeSpan(row[2]), "field cell \(row[2])")
            documented.insert(field)
            if field == "order" {
                #expect(FormatDocument.integer(row[0]) == UInt64(MessageQueueLayout.orderOffset))
                continue
            }
            if field == "slotArray" { continue }
            let code = try #require(Self.codeOffsets[field], "\(field) is documented but not in the code's table")
            #expect(FormatDocument.integer(row[0]) == UInt64(code.offset), "offset of \(field)")
            #expect(FormatDocument.integer(row[1]) == UInt64(code.size), "size of \(field)")
        }
        #expect(documented == Set(Self.codeOffsets.keys).union(["order", "slotArray"]))
        #expect(MessageQueueLayout.tag == 0x5147_534D && MessageQueueLayout.version == 1)
    }

    @Test func entriesAndSlotsAreAsDocumented() {
        #expect(MessageQueueLayout.entryStride == 16)
        #expect(MessageQueueLayout.entrySequenceOffset == 0 && MessageQueueLayout.entryPriorityOffset == 8 && MessageQueueLayout.entrySlotOffset == 12)
        #expect(MessageQueueLayout.slotSequenceOffset == 0 && MessageQueueLayout.slotPriorityOffset == 8)
        #expect(MessageQueueLayout.slotLengthOffset == 12 && MessageQueueLayout.slotPayloadOffset == 16)
        #expect(MessageQueueLayout.slotStride(forMaximumSize: 8) == 32 && MessageQueueLayout.slotStride(forMaximumSize: 17) == 48)
        #expect(MessageQueueLayout.slotsOffset(capacity: 4) == 448 && MessageQueueLayout.slotsOffset(capacity: 1) == 448)
        #expect(MessageQueueLayout.bodySize(capacity: 4, maximumSize: 8) == 448 + 4 * 32)
    }
}
