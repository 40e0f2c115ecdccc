@testable import Interprocess
import Testing

/// docs/FORMAT.md's request/response tables against `RequestResponseLayout`.
@Suite struct RequestResponseTableTests {
    typealias L = RequestResponseLayout

    @Test func controlBlock() throws {
        try ServiceTableTests().check("### Request/response control block", [
            "tag": (L.tagOffset, 4), "version": (L.versionOffset, 4),
            "maximumRequestSize": (L.maximumRequestSizeOffset, 4), "maximumResponseSize": (L.maximumResponseSizeOffset, 4),
            "maximumClients": (L.maximumClientsOffset, 4), "requestsInFlightPerClient": (L.requestsInFlightOffset, 4),
            "responsesPerRequest": (L.responsesPerRequestOffset, 4), "seatStride": (L.seatStrideOffset, 8), "slotStride": (L.slotStrideOffset, 8),
            "serverClaim": (L.serverClaimOffset, 8), "requestWord": (L.requestWordOffset, 4), "served": (L.servedOffset, 8),
            "takeovers": (L.takeoversOffset, 4), "serverWaiters": (L.serverWaitersOffset, 4), "seatHighWater": (L.seatHighWaterOffset, 4),
            "seats": (L.seatsOffset, nil),
        ])
        #expect(L.tag == 0x5352_5152 && L.version == 2)
    }

    @Test func seatSlotAndEntry() throws {
        try ServiceTableTests().check("### Client seat", [
            "claim": (L.seatClaimOffset, 8), "epoch": (L.seatEpochOffset, 4), "responseWaiters": (L.seatWaitersOffset, 4),
            "responseWord": (L.seatResponseWordOffset, 4), "slots": (L.slotsOffset, nil),
        ])
        try ServiceTableTests().check("### Response entry", [
            "stamp": (L.stampOffset, 8), "byteCount": (L.responseByteCountOffset, 4), "flags": (L.flagsOffset, 4),
            "response": (L.responseDataOffset, nil),
        ])
        try ServiceTableTests().check("### Request slot", [
            "posted": (L.postedOffset, 8), "byteCount": (L.requestByteCountOffset, 4), "phase": (L.phaseOffset, 4),
            "cancelled": (L.cancelledOffset, 8), "head": (L.headOffset, 8), "request": (L.requestDataOffset, nil),
        ])
        try ServiceTableTests().check("### Request slot: the server's line", [
            "taken": (L.takenOffset, 8), "takenBy": (L.takenByOffset, 8), "consumed": (L.consumedOffset, 8), "tail": (L.tailOffset, 8),
        ])
    }

    @Test func geometryAndIDs() {
        let geometry = RequestResponseGeometry(.init(maximumRequestSize: 100, maximumResponseSize: 200, maximumClients: 3,
                                                     requestsInFlightPerClient: 2, responsesPerRequest: 5))
        #expect(geometry.requestRecordSize == 256 && geometry.responseRecordSize == 256)
        #expect(geometry.slotStride == 256 + 128 + 5 * 256)
        #expect(geometry.seatStride == 256 + 2 * geometry.slotStride)
        #expect(geometry.bodySize == 512 + 3 * geometry.seatStride)
        let id = RequestID(epoch: 0xAB_CDEF, counter: 0x12_3456, slot: 7)
        #expect(id.rawValue == 0x00AB_CDEF_1234_5607 && id.slot == 7 && id.epoch == 0xAB_CDEF)
    }
}
