#if os(Linux)
/// The byte layout of a request/response service's segment body (kind 15, offsets from the
/// start of the body, which is 128-byte aligned). Documented in `docs/FORMAT.md`
/// ("Request/response services"); all fields little-endian.
///
/// Words written by different processes live on different 128-byte lines: the server's line, its
/// parking line, the clients' shared line; in each client seat the client's line and the line the
/// server bumps to wake it; in each request slot the request (client-written), the server's
/// progress line, and the response entries (server-written).
enum RequestResponseLayout {
    /// `"RQRS"` read as a little-endian UInt32: marks an initialized body.
    static let tag: UInt32 = 0x5352_5152
    /// The body layout version (also the segment header's kind version).
    static let version: UInt32 = 2

    // Configuration line (written once, by the creator).
    static let tagOffset = 0                        // UInt32
    static let versionOffset = 4                    // UInt32
    static let maximumRequestSizeOffset = 8         // UInt32
    static let maximumResponseSizeOffset = 12       // UInt32
    static let maximumClientsOffset = 16            // UInt32
    static let requestsInFlightOffset = 20          // UInt32
    static let responsesPerRequestOffset = 24       // UInt32
    static let seatStrideOffset = 32                // UInt64
    static let slotStrideOffset = 40                // UInt64

    // Server line: written by the server.
    static let serverClaimOffset = 128              // UInt64: claim word, 0 = no server
    static let requestWordOffset = 136              // UInt32: futex word the server sleeps on (clients bump it)
    static let servedOffset = 144                   // UInt64: requests taken, for tools
    static let takeoversOffset = 152                // UInt32: servers that replaced a dead one
    // Server parking line.
    static let serverWaitersOffset = 256            // UInt32: 1 while the server is (about to be) asleep
    // Clients' line.
    static let seatHighWaterOffset = 384            // UInt32: seats ever claimed are below it

    /// Where seat 0 starts.
    static let seatsOffset = 512

    // A client seat.
    static let seatClaimOffset = 0                  // UInt64: the client's claim word, 0 = free
    static let seatEpochOffset = 8                  // UInt32: bumped by each client that claims the seat
    static let seatWaitersOffset = 12               // UInt32: the client's tasks (about to be) asleep
    static let seatResponseWordOffset = 128         // UInt32: futex word the server bumps after a response
    /// Where slot 0 starts in a seat.
    static let slotsOffset = 256

    // A request slot: the request record (client-written).
    static let postedOffset = 0                     // UInt64: id of the request last posted, 0 = none
    static let requestByteCountOffset = 8           // UInt32
    static let phaseOffset = 12                     // UInt32: the client's view of the slot (Phase)
    static let cancelledOffset = 16                 // UInt64: id the client gave up on
    static let headOffset = 24                      // UInt64: responses to `posted` the client has read
    /// In the posted word's 64-byte line: a small request crosses to the server with it.
    static let requestDataOffset = 32
    // The server's progress line, after the request record.
    static let takenOffset = 0                      // UInt64: id last taken (by the server, or withdrawn by the client)
    static let takenByOffset = 8                    // UInt64: the server claim word that took it
    static let consumedOffset = 16                  // UInt64: id the server is done with
    static let tailOffset = 24                      // UInt64: responses written for `taken`
    /// The server's progress line's size: the response entries start after it.
    static let progressLineSize = 128
    // A response entry.
    static let stampOffset = 0                      // UInt64: request id | lap << 56, stored last
    static let responseByteCountOffset = 8          // UInt32
    static let flagsOffset = 12                     // UInt32: ResponseFlags
    /// In the stamp's 64-byte line: a small response crosses to the client with it.
    static let responseDataOffset = 16

    /// Bits of a response entry's flags word.
    enum ResponseFlags {
        /// The last response to its request: the server is done with the request.
        static let final: UInt32 = 1
        /// Carries no response: the end of a stream (always with `final`).
        static let endOfStream: UInt32 = 2
    }

    /// The client's view of a request slot (the phase word; only the client writes it).
    enum Phase {
        /// Free for a new request.
        static let free: UInt32 = 0
        /// A request waits for its responses.
        static let waiting: UInt32 = 1
        /// The client gave up on its request; the slot is free once the server is done with it.
        static let abandoned: UInt32 = 2
    }

    /// The 128-byte multiple at or above `size`.
    static func lines(_ size: Int) -> Int { (size + 127) & ~127 }
}

/// Where everything is, from a configuration: computed the same way by the creator and every
/// opener (which checks the stored strides against it).
struct RequestResponseGeometry: Sendable, Equatable {
    let requestRecordSize: Int
    let responseRecordSize: Int
    let slotStride: Int
    let seatStride: Int
    let seatCount: Int
    let slotsPerSeat: Int
    let responsesPerSlot: Int

    init(_ configuration: RequestResponseConfiguration) {
        requestRecordSize = RequestResponseLayout.lines(RequestResponseLayout.requestDataOffset + max(0, configuration.maximumRequestSize))
        responseRecordSize = RequestResponseLayout.lines(RequestResponseLayout.responseDataOffset + max(0, configuration.maximumResponseSize))
        responsesPerSlot = max(1, configuration.responsesPerRequest)
        slotsPerSeat = max(1, configuration.requestsInFlightPerClient)
        seatCount = max(1, configuration.maximumClients)
        // Validated ranges keep these far from overflow (at most 4096 × 64 × 1025 × 16 MiB < 2^63);
        // the saturating forms only matter for a configuration about to be rejected.
        slotStride = RequestResponseGeometry.saturating(requestRecordSize + RequestResponseLayout.progressLineSize, responseRecordSize, responsesPerSlot)
        seatStride = RequestResponseGeometry.saturating(RequestResponseLayout.slotsOffset, slotStride, slotsPerSeat)
        bodySize = RequestResponseGeometry.saturating(RequestResponseLayout.seatsOffset, seatStride, seatCount)
    }

    /// The body size.
    let bodySize: Int

    /// `base + unit × count`, or Int.max when that overflows.
    static func saturating(_ base: Int, _ unit: Int, _ count: Int) -> Int {
        let (product, overflow) = unit.multipliedReportingOverflow(by: count)
        let (sum, overflowed) = base.addingReportingOverflow(product)
        return overflow || overflowed ? Int.max : sum
    }
}
#endif
