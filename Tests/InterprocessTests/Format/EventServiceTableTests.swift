@testable import Interprocess
import Testing

/// docs/FORMAT.md's event service tables against `EventServiceLayout`.
@Suite struct EventServiceTableTests {
    typealias L = EventServiceLayout

    @Test func body() throws {
        try ServiceTableTests().check("### Event service body", [
            "tag": (L.tagOffset, 4), "version": (L.versionOffset, 4), "maximumEventID": (L.maximumEventIDOffset, 4),
            "maximumListeners": (L.maximumListenersOffset, 4), "maximumNotifiers": (L.maximumNotifiersOffset, 4),
            "eventWords": (L.eventWordsOffset, 4), "listenerStride": (L.listenerStrideOffset, 4), "occupancy": (L.occupancyOffset, nil),
        ])
        #expect(L.tag == 0x544E_5645)
        let geometry = EventServiceGeometry(.init(maximumEventID: 4095, maximumListeners: 4096, maximumNotifiers: 3))
        #expect(geometry.eventWords == 64 && geometry.notifiersOffset == 128 + 512 && geometry.listenerStride == 128 + 512)
        #expect(geometry.listenersOffset == geometry.notifiersOffset + 3 * 128)
    }

    @Test func notifierEntry() throws {
        try ServiceTableTests().check("### Notifier entry", [
            "claim": (L.notifierClaimOffset, 8), "notifications": (L.notifierCountOffset, 8),
        ])
        #expect(L.notifierEntrySize == 128)
    }

    @Test func listenerEntry() throws {
        try ServiceTableTests().check("### Listener entry", [
            "claim": (L.listenerClaimOffset, 8), "wakeNonce": (L.listenerNonceOffset, 8), "wakeWord": (L.listenerFutexOffset, 4),
            "waiters": (L.listenerWaitersOffset, 4), "armed": (L.listenerArmedOffset, 4), "summary": (L.listenerSummaryOffset, 8),
            "waitsTaken": (L.listenerTakenOffset, 8), "wakeTag": (L.listenerTagOffset, 8), "pending": (L.listenerEventsOffset, nil),
        ])
        #expect(L.version == 2)
    }
}
