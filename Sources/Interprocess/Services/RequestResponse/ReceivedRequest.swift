#if os(Linux)
import Synchronization

/// A request a ``Server`` received: its bytes, read in place in the client's slot, and the way
/// to answer it — one response (`respond(contentsOf:)`), or a stream of responses
/// (`send(contentsOf:)`) ended by ``complete()``. A request dropped without a final response
/// is completed then: its client sees the end of the responses.
///
/// ```swift
/// var request = try server.receive()
/// let n = try request.load(as: Int.self)
/// for i in 0..<n { try request.send(i) }   // a stream of n responses…
/// request.complete()                       // …and its end
/// ```
///
/// Responses to a client that died or gave up on the request are dropped: the send forms
/// return normally and ``isAbandoned`` says so.
public struct ReceivedRequest: ~Copyable {
    /// The request's id (also carried by each response).
    public let id: RequestID
    /// The pid of the client that sent it.
    public let clientPID: Int32
    let storage: RequestResponseStorage
    let seat: UnsafeMutableRawPointer
    let slot: RequestSlot
    /// The request's bytes, in the client's slot (untouched until this request is completed).
    @usableFromInline let payload: UnsafeRawBufferPointer
    /// Responses sent so far.
    var sent: UInt64 = 0
    /// Whether the final response or the completion was sent.
    var finished = false
    /// Whether the client died while this server waited for it: what is left is dropped.
    var dropped = false

    init(id: RequestID, clientPID: Int32, storage: RequestResponseStorage, seat: UnsafeMutableRawPointer, slot: RequestSlot,
         payload: UnsafeRawBufferPointer) {
        self.id = id
        self.clientPID = clientPID
        self.storage = storage
        self.seat = seat
        self.slot = slot
        self.payload = payload
    }

    deinit {
        if !finished { RequestCompletion.finish(slot: slot, id: id.rawValue, seat: seat, storage: storage) }
    }

    // MARK: Reading

    /// The request's size in bytes.
    public var byteCount: Int { payload.count }

    /// Calls `body` with the request's bytes as a `RawSpan`.
    public func withBytes<Result, Failure: Error>(_ body: (RawSpan) throws(Failure) -> Result) throws(Failure) -> Result {
        try body(RawSpan(_unsafeBytes: payload))
    }

    /// Calls `body` with the request's bytes, in place.
    public func withUnsafeBytes<Result, Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> Result) throws(Failure) -> Result {
        try body(payload)
    }

    /// A copy of the request's bytes.
    public var bytes: [UInt8] { [UInt8](payload) }

    /// Copies a value out of the request at `offset`.
    ///
    /// - Throws: `invalidArgument` when the value does not fit there.
    @inlinable
    public func load<Value: InterprocessValue>(fromByteOffset offset: Int = 0, as type: Value.Type) throws(InterprocessError) -> Value {
        try MessageBytes.load(payload, offset: offset, as: type, what: "request")
    }

    /// Whether the client gave up on this request or went away (responses are then dropped).
    public var isAbandoned: Bool {
        dropped || slot.cancelled.pointee.load(ordering: .relaxed) == id.rawValue
            || RequestResponseStorage.word32(seat, RequestResponseLayout.seatEpochOffset).pointee.load(ordering: .relaxed) & RequestID.epochMask
                != id.epoch
    }

    /// Whether the final response or the completion was sent.
    public var isComplete: Bool { finished }

    // MARK: Answering

    /// Ends the responses without another one (the end of a stream). Does nothing once done.
    public mutating func complete() {
        guard !finished else { return }
        finished = true
        RequestCompletion.finish(slot: slot, id: id.rawValue, seat: seat, storage: storage)
    }

    /// The one send: waits (without a deadline: not at all) for room in the request's response
    /// ring, lets `write` fill up to `byteCount` bytes in place and return how many it wrote,
    /// publishes the response. Returns false when a `tryX` found no room.
    @usableFromInline
    mutating func _send(
        byteCount: Int, final: Bool, until deadline: Deadline?,
        _ write: (UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Int
    ) throws(InterprocessError) -> Bool {
        let operation = "respond to request"
        guard !finished else {
            throw InterprocessError(.invalidArgument, operation: operation, name: storage.name,
                                    reason: "request \(id) is already complete")
        }
        let limit = storage.configuration.maximumResponseSize
        guard byteCount >= 0, byteCount <= limit else {
            throw InterprocessError(.invalidArgument, operation: operation, name: storage.name,
                                    reason: "a response of \(byteCount) bytes is outside this service's limit of 0...\(limit) bytes")
        }
        let responses = UInt64(storage.geometry.responsesPerSlot)
        if sent &- slot.head.pointee.load(ordering: .acquiring) >= responses, !isAbandoned {
            guard let deadline else { return false }
            if try waitForRoom(until: deadline, operation: operation) { dropped = true }
        }
        if isAbandoned {
            if final { complete() }
            return true
        }
        let entry = slot.entry(sent)
        let written = try write(UnsafeMutableRawBufferPointer(start: entry + RequestResponseLayout.responseDataOffset, count: byteCount))
        let count = Swift.min(Swift.max(0, written), byteCount)
        RequestResponseStorage.word32(entry, RequestResponseLayout.responseByteCountOffset).pointee
            .store(UInt32(truncatingIfNeeded: count), ordering: .relaxed)
        RequestResponseStorage.word32(entry, RequestResponseLayout.flagsOffset).pointee
            .store(final ? RequestResponseLayout.ResponseFlags.final : 0, ordering: .relaxed)
        // The waker's half of the parking handshake: a sequentially consistent store of the
        // state, then (in wakeClient) a sequentially consistent load of the waiter count.
        RequestResponseStorage.word64(entry, RequestResponseLayout.stampOffset).pointee
            .store(slot.stamp(id.rawValue, sent), ordering: .sequentiallyConsistent)
        if final {
            finished = true
            // After the stamp: a client that sees `consumed` before the final response would take
            // the request for one completed without it. (The client reuses the slot on seeing the
            // final response; this late store of the old id then changes nothing for the new one.)
            slot.consumed.pointee.store(id.rawValue, ordering: .releasing)
        }
        sent &+= 1
        slot.tail.pointee.store(sent, ordering: .relaxed)
        storage.wakeClient(seat)
        return true
    }

    /// Waits until the client has read enough of this request's responses to make room for one
    /// more, gave up on the request, or died (the last two drop the response). Returns true
    /// when the client died.
    private func waitForRoom(until deadline: Deadline, operation: String) throws(InterprocessError) -> Bool {
        let responses = UInt64(storage.geometry.responsesPerSlot)
        let head = slot.head
        let sent = sent
        let clientClaim = RequestResponseStorage.word64(seat, RequestResponseLayout.seatClaimOffset)
        let parking = storage.serverParking
        while sent &- head.pointee.load(ordering: .acquiring) >= responses, !isAbandoned {
            if EndpointClaim.isDead(clientClaim.pointee.load(ordering: .relaxed)) {
                // A dead client reads nothing more: drop what is left of this request.
                return true
            }
            if deadline.hasPassed || storage.wasTruncated {
                throw storage.waitEnded(operation, reason: "the client did not read its earlier responses before the deadline")
            }
            parking.sleepOnce(until: deadline) { ReceivedRequest.roomBlocked(sent: sent, slot: slot, id: id.rawValue, responses: responses) }
        }
        return false
    }

    /// Whether response `sent` of request `id` still has to wait: the ring is full and the
    /// client has not given the request up. Both loads sequentially consistent: the check a
    /// server makes after announcing that it sleeps (the client stores `head` or `cancelled`,
    /// then looks for sleepers).
    static func roomBlocked(sent: UInt64, slot: RequestSlot, id: UInt64, responses: UInt64) -> Bool {
        sent &- slot.head.pointee.load(ordering: .sequentiallyConsistent) >= responses
            && slot.cancelled.pointee.load(ordering: .sequentiallyConsistent) != id
    }

    /// Whether the response ring is full and the client still wants the responses.
    var needsRoom: Bool {
        sent &- slot.head.pointee.load(ordering: .acquiring) >= UInt64(storage.geometry.responsesPerSlot) && !isAbandoned
    }

    /// Suspends the task until there is room for a response (or the client gave up or died, or
    /// `deadline` passed: the caller re-checks).
    mutating func awaitRoom(until deadline: Deadline, operation: String) async throws(InterprocessError) {
        if try await ReceivedRequest.awaitRoom(storage: storage, seat: seat, slot: slot, id: id.rawValue, sent: sent, until: deadline, operation: operation) {
            dropped = true
        }
    }

    /// Suspends the task for a bounded slice while response `sent` has no room; returns true
    /// when the client is dead (what is left of the request is then dropped).
    static func awaitRoom(
        storage: RequestResponseStorage, seat: UnsafeMutableRawPointer, slot: RequestSlot, id: UInt64, sent: UInt64, until deadline: Deadline,
        operation: String
    ) async throws(InterprocessError) -> Bool {
        try ProcessWaiter.checkCancellation(operation: operation, name: storage.name)
        if EndpointClaim.isDead(RequestResponseStorage.word64(seat, RequestResponseLayout.seatClaimOffset).pointee.load(ordering: .relaxed)) {
            return true
        }
        if deadline.hasPassed || storage.wasTruncated {
            throw storage.waitEnded(operation, reason: "the client did not read its earlier responses before the deadline")
        }
        let parking = storage.serverParking
        let responses = UInt64(storage.geometry.responsesPerSlot)
        let outcome = try await ProcessWaiter.shared.wait(
            on: parking, until: Deadline.after(FutexParking.recheckInterval).earlier(than: deadline), operation: operation, name: storage.name,
            check: parking.blockedCheck { ReceivedRequest.roomBlocked(sent: sent, slot: slot, id: id, responses: responses) })
        if outcome == .cancelled { try ProcessWaiter.requireAcquired(outcome, operation: operation, name: storage.name) }
        return false
    }
}

/// Completing a request from the server's side, shared by ``ReceivedRequest/complete()`` and a
/// request dropped unanswered.
enum RequestCompletion {
    /// Marks request `id` consumed (the server is done with its bytes and sends nothing more)
    /// and wakes its client.
    static func finish(slot: RequestSlot, id: UInt64, seat: UnsafeMutableRawPointer, storage: RequestResponseStorage) {
        slot.consumed.pointee.store(id, ordering: .sequentiallyConsistent)
        storage.wakeClient(seat)
    }
}

// A `~Copyable` request has one owner at a time, which may hand it to another thread or task;
// its raw pointers point into the mapping that its storage keeps alive.
extension ReceivedRequest: @unchecked Sendable {}
#endif
