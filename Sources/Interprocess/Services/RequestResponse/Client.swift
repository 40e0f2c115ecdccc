#if os(Linux)
import Synchronization

/// A client of a ``RequestResponseService``: sends requests (written in place in its own seat of
/// the service) and receives the responses to each, matched by ``RequestID``.
///
/// ```swift
/// var client = try Client(open: "square", timeout: .seconds(5))
/// let square = try await client.request(12, as: Int.self, timeout: .seconds(1))
///
/// // a stream of responses
/// let id = try client.send(contentsOf: Array("list /tmp".utf8))
/// for try await response in client.responses(to: id) { print(response.count) }
/// ```
///
/// Up to ``RequestResponseConfiguration/requestsInFlightPerClient`` requests may wait for their
/// responses at once. The server may start after the client: a request waits for one. A server
/// that dies turns every request waiting on it into ``InterprocessError/Code/peerDied`` (within
/// 20 ms: the bound of every sleep in the library, not at the deadline).
public struct Client: ~Copyable {
    /// The service.
    public let service: RequestResponseService
    let storage: RequestResponseStorage
    /// This client's seat.
    let seat: UnsafeMutableRawPointer
    /// The seat's number (for tools and tests).
    public let seatIndex: Int
    /// The seat's epoch for this client (in every request id it sends).
    let epoch: UInt32
    /// Counts requests, for their ids.
    var counter: UInt32 = 0
    /// The slot the next send looks at first.
    var cursor = 0

    /// Attaches a client, taking the seat of a dead one if every seat was ever used.
    ///
    /// - Throws: `resourceLimit` when ``RequestResponseConfiguration/maximumClients`` live
    ///   clients are attached.
    public init(service: RequestResponseService) throws(InterprocessError) {
        self.service = service
        storage = service.storage
        let storage = storage
        guard let claimed = EndpointClaim.claimFree(count: storage.geometry.seatCount, {
            RequestResponseStorage.word64(storage.seat($0), RequestResponseLayout.seatClaimOffset)
        })?.index else {
            throw InterprocessError(.resourceLimit, operation: "make client of request-response service", name: service.name,
                                    reason: "its \(storage.geometry.seatCount) client seats (maximumClients) are taken by live processes")
        }
        seatIndex = claimed
        seat = storage.seat(claimed)
        let epochWord = RequestResponseStorage.word32(seat, RequestResponseLayout.seatEpochOffset)
        var next = (epochWord.pointee.load(ordering: .relaxed) &+ 1) & RequestID.epochMask
        if next == 0 { next = 1 }
        epoch = next
        epochWord.pointee.store(next, ordering: .sequentiallyConsistent)
        Client.settle(seat: seat, storage: storage)
        // Let the server scan this seat.
        let highWater = storage.seatHighWater
        var seen = highWater.pointee.load(ordering: .relaxed)
        while seen < UInt32(claimed + 1) {
            let (exchanged, original) = highWater.pointee.compareExchange(expected: seen, desired: UInt32(claimed + 1), ordering: .releasing)
            if exchanged { break }
            seen = original
        }
    }

    /// Attaches a client to the service `name`, waiting until `deadline` for the service to appear.
    ///
    /// - Throws: `timedOut` if it did not appear in time; otherwise as
    ///   ``RequestResponseService/init(open:)`` and ``init(service:)``.
    public init(open name: String, until deadline: Deadline) throws(InterprocessError) {
        try self.init(service: RequestResponseService(open: name, until: deadline))
    }

    /// Attaches a client to the service `name`, waiting up to `timeout` for it to appear.
    public init(open name: String, timeout: Duration) throws(InterprocessError) {
        try self.init(open: name, until: .after(timeout))
    }

    /// Attaches a client to the service `name`, which must exist.
    public init(open name: String) throws(InterprocessError) {
        try self.init(open: name, until: .now)
    }

    deinit {
        for index in 0..<storage.geometry.slotsPerSeat {
            let slot = slot(index)
            slot.abandon(slot.posted.pointee.load(ordering: .relaxed), in: storage)
        }
        EndpointClaim.release(RequestResponseStorage.word64(seat, RequestResponseLayout.seatClaimOffset))
    }

    /// Takes over the slots a previous client of the seat left: requests no server took are
    /// withdrawn, requests a server has are cancelled (the slot is reused once it is done).
    static func settle(seat: UnsafeMutableRawPointer, storage: RequestResponseStorage) {
        for index in 0..<storage.geometry.slotsPerSeat {
            let slot = RequestSlot(storage.slot(index, of: seat), geometry: storage.geometry)
            let posted = slot.posted.pointee.load(ordering: .acquiring)
            if posted == 0 || slot.isConsumed(posted) || slot.withdraw(posted) {
                slot.phase.pointee.store(RequestResponseLayout.Phase.free, ordering: .relaxed)
            } else {
                slot.cancelled.pointee.store(posted, ordering: .releasing)
                slot.phase.pointee.store(RequestResponseLayout.Phase.abandoned, ordering: .relaxed)
            }
        }
    }

    /// Slot `index` of this client's seat.
    func slot(_ index: Int) -> RequestSlot {
        RequestSlot(storage.slot(index, of: seat), geometry: storage.geometry)
    }

    /// How many of this client's requests wait for responses.
    public var requestsInFlight: Int {
        (0..<storage.geometry.slotsPerSeat).count { slot($0).phase.pointee.load(ordering: .relaxed) == RequestResponseLayout.Phase.waiting }
    }

    /// Gives up on request `id`: its remaining responses are dropped, and the server sees
    /// ``ReceivedRequest/isAbandoned``. Does nothing for a request that is complete.
    public func cancel(_ id: RequestID) {
        guard id.slot < storage.geometry.slotsPerSeat else { return }
        slot(id.slot).abandon(id.rawValue, in: storage)
    }

    // MARK: Sending

    /// A free slot for a new request, reclaiming abandoned ones the server is done with; nil
    /// when there is none yet and `deadline` is nil.
    mutating func freeSlot(until deadline: Deadline?, operation: String) throws(InterprocessError) -> Int? {
        let slots = storage.geometry.slotsPerSeat
        while true {
            var abandoned = false
            for step in 0..<slots {
                var index = cursor &+ step
                if index >= slots { index &-= slots }
                let slot = slot(index)
                let phase = slot.phase.pointee.load(ordering: .relaxed)
                if phase == RequestResponseLayout.Phase.waiting { continue }
                // Free, or abandoned (or a word no client writes, treated as abandoned).
                if phase == RequestResponseLayout.Phase.free || slot.isReclaimable(storage: storage) {
                    cursor = index &+ 1 == slots ? 0 : index &+ 1
                    return index
                }
                abandoned = true
            }
            guard abandoned else {
                throw InterprocessError(.resourceLimit, operation: operation, name: storage.name,
                                        reason: "this client has \(slots) requests in flight (requestsInFlightPerClient): receive their responses first")
            }
            guard let deadline else { return nil }
            if deadline.hasPassed || storage.wasTruncated {
                throw storage.waitEnded(operation, reason: "the server did not finish the requests this client gave up on before the deadline")
            }
            // The server wakes the client when it completes a request.
            storage.clientParking(seat).sleepOnce(until: deadline) { true }
        }
    }

    /// The one send: finds a free slot (waiting for one the server is finishing when a
    /// deadline is given), lets `write` fill up to `byteCount` bytes of it in place and return
    /// how many it wrote, posts the request and wakes the server if it sleeps.
    @usableFromInline
    mutating func _send(
        byteCount: Int, until deadline: Deadline?, _ write: (UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Int
    ) throws(InterprocessError) -> RequestID? {
        let operation = "send request to request-response service"
        let limit = storage.configuration.maximumRequestSize
        guard byteCount >= 0, byteCount <= limit else {
            throw InterprocessError(.invalidArgument, operation: operation, name: storage.name,
                                    reason: "a request of \(byteCount) bytes is outside this service's limit of 0...\(limit) bytes")
        }
        guard let index = try freeSlot(until: deadline, operation: operation) else { return nil }
        let slot = slot(index)
        let written = try write(UnsafeMutableRawBufferPointer(start: slot.requestData, count: byteCount))
        slot.byteCount.pointee.store(UInt32(truncatingIfNeeded: Swift.min(Swift.max(0, written), byteCount)), ordering: .relaxed)
        slot.head.pointee.store(0, ordering: .relaxed)
        slot.phase.pointee.store(RequestResponseLayout.Phase.waiting, ordering: .relaxed)
        counter &+= 1
        let id = RequestID(epoch: epoch, counter: counter, slot: index)
        // The waker's half of the server's parking handshake: a sequentially consistent store,
        // then (in wakeServer) a sequentially consistent load of the waiter flag.
        slot.posted.pointee.store(id.rawValue, ordering: .sequentiallyConsistent)
        storage.wakeServer()
        return id
    }
}

// A `~Copyable` endpoint has one owner at a time, which may hand it to another thread or task;
// its raw pointers point into the mapping that its storage keeps alive.
extension Client: @unchecked Sendable {}
#endif
