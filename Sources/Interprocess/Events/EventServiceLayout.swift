#if os(Linux)
/// The byte layout of an ``EventService`` segment's body (offsets from the body's start, which
/// is 128-byte aligned; little-endian). Documented in `docs/FORMAT.md` ("Event services and
/// wait sets").
///
/// The configuration line, the listener occupancy bitmap, one 128-byte entry per notifier, then
/// one entry per listener: its control line and its pending-event words, each entry on lines of
/// its own (notifiers write into a listener's entry, the listener drains it).
@usableFromInline
enum EventServiceLayout {
    /// `"EVNT"` read as a little-endian UInt32.
    static let tag: UInt32 = 0x544E_5645
    /// The body layout version (also the segment header's kind version).
    static let version: UInt32 = 2

    // Configuration line (written once, by the creator).
    static let tagOffset = 0                    // UInt32
    static let versionOffset = 4                // UInt32
    static let maximumEventIDOffset = 8         // UInt32
    static let maximumListenersOffset = 12      // UInt32
    static let maximumNotifiersOffset = 16      // UInt32
    static let eventWordsOffset = 20            // UInt32: (maximumEventID + 64) / 64
    static let listenerStrideOffset = 24        // UInt32

    /// The listener occupancy bitmap: bit i of word i/64 set while entry i may be claimed.
    static let occupancyOffset = 128

    static let notifierEntrySize = 128
    static let notifierClaimOffset = 0          // UInt64: claim word, 0 = free
    static let notifierCountOffset = 8          // UInt64: notifications sent

    // A listener entry.
    @usableFromInline static let listenerClaimOffset = 0        // UInt64: claim word, 0 = free
    @usableFromInline static let listenerNonceOffset = 8        // UInt64: its wait set's wake socket nonce, 0 = none
    @usableFromInline static let listenerFutexOffset = 16       // UInt32: wake sequence blocked waits sleep on
    @usableFromInline static let listenerWaitersOffset = 20     // UInt32: blocked waits (about to be) asleep
    @usableFromInline static let listenerArmedOffset = 24       // UInt32: 1 = send a datagram on the next notify
    @usableFromInline static let listenerSummaryOffset = 32     // UInt64: bit k = event word k may be non-zero
    @usableFromInline static let listenerTakenOffset = 40       // UInt64: waits that returned events (for tools)
    @usableFromInline static let listenerTagOffset = 48         // UInt64: what a notifier sends to the wake socket
    /// Where the pending-event words start in a listener entry.
    @usableFromInline static let listenerEventsOffset = 128     // UInt64 × eventWords: bit = event pending
}

/// Sizes that follow from a configuration, computed alike by the creator and every opener.
@usableFromInline
struct EventServiceGeometry: Sendable, Equatable {
    let eventWords: Int
    let occupancyWords: Int
    let notifiersOffset: Int
    let listenersOffset: Int
    let listenerStride: Int
    let bodySize: Int

    init(_ configuration: EventServiceConfiguration) {
        eventWords = (configuration.maximumEventID + 64) / 64
        occupancyWords = (configuration.maximumListeners + 63) / 64
        notifiersOffset = EventServiceLayout.occupancyOffset + (occupancyWords * 8 + 127) / 128 * 128
        listenersOffset = notifiersOffset + configuration.maximumNotifiers * EventServiceLayout.notifierEntrySize
        listenerStride = EventServiceLayout.listenerEventsOffset + (eventWords * 8 + 127) / 128 * 128
        bodySize = listenersOffset + configuration.maximumListeners * listenerStride
    }
}
#endif
