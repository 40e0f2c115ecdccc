#if os(Linux)
public import SystemPackage
import Synchronization

/// The one server of a ``RequestResponseService``: receives the clients' requests in place and
/// answers each with `respond(contentsOf:)` (one response) or a stream of
/// `send(contentsOf:)` ended by ``ReceivedRequest/complete()``.
///
/// ```swift
/// var server = try Server(service: RequestResponseService(openOrCreate: "echo", configuration: .init()))
/// while true {
///     var request = try server.receive()
///     let bytes = request.withUnsafeBytes { [UInt8]($0) }
///     try request.send(contentsOf: bytes)          // a stream of two responses…
///     try request.respond(contentsOf: bytes.reversed())  // …the second one final
/// }
/// ```
///
/// A service has one server at a time: a second live one fails with `alreadyExists` naming the
/// live pid; a server that died is replaced, and the requests it had taken fail on their clients'
/// side with `peerDied` (requests it had not taken yet are served by the new server). Keep the
/// server while answering: a server that goes away gives its place up, and the requests it took
/// then fail on their clients' side too.
public struct Server: ~Copyable {
    /// The service served.
    public let service: RequestResponseService
    let storage: RequestResponseStorage
    /// This process's claim word (what request slots record as `takenBy`).
    let claim: UInt64
    /// Where the next scan starts, so that no client starves the others.
    var cursor: (seat: Int, slot: Int) = (0, 0)

    /// Becomes the service's server, taking over a dead server's place.
    ///
    /// - Throws: `alreadyExists` while a live server is attached.
    public init(service: RequestResponseService) throws(InterprocessError) {
        self.service = service
        storage = service.storage
        claim = EndpointClaim.word(for: .current)
        do throws(InterprocessError) {
            if try EndpointClaim.claim(storage.serverClaim, role: "server", name: service.name, of: "request-response service") != nil {
                storage.takeovers.pointee.wrappingAdd(1, ordering: .relaxed)
            }
        } catch {
            throw error.reported(as: "make server of request-response service")
        }
        settle()
    }

    /// Creates the service `name` and becomes its server.
    ///
    /// - Throws: as ``RequestResponseService/init(create:configuration:permissions:lifetime:)``.
    public init(
        create name: String, configuration: RequestResponseConfiguration,
        permissions: FilePermissions = .ownerReadWrite, lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        try self.init(service: RequestResponseService(create: name, configuration: configuration, permissions: permissions, lifetime: lifetime))
    }

    /// Makes the server of the service `name`, creating the service if there is none.
    ///
    /// - Throws: as ``RequestResponseService/init(openOrCreate:configuration:permissions:lifetime:)``
    ///   and ``init(service:)``.
    public init(
        openOrCreate name: String, configuration: RequestResponseConfiguration,
        permissions: FilePermissions = .ownerReadWrite, lifetime: Lifetime = .persistent
    ) throws(InterprocessError) {
        try self.init(service: RequestResponseService(openOrCreate: name, configuration: configuration,
                                                      permissions: permissions, lifetime: lifetime))
    }

    deinit {
        EndpointClaim.release(storage.serverClaim)
        wakeAllClients()
    }

    /// Finishes what a previous server left: every request it had taken and not completed is
    /// marked dropped (`consumed` = id | aborted bit), so that its client gets `peerDied` and can
    /// reuse the slot; requests not taken yet stay for this server, except those of dead clients
    /// (judged from /proc here, once per server: the per-request path never reads it), which are
    /// dropped.
    private func settle() {
        let claim = claim
        var judgedSeat = -1
        var clientIsDead = false
        storage.firstSlot { seat, seatIndex, slot in
            let taken = slot.taken.pointee.load(ordering: .acquiring)
            if taken != 0, !slot.isConsumed(taken), slot.takenBy.pointee.load(ordering: .relaxed) != claim {
                slot.consumed.pointee.store(taken | RequestID.abortedBit, ordering: .releasing)
            }
            // A request a dead client left and no server took: nobody waits for its answer.
            let posted = slot.posted.pointee.load(ordering: .acquiring)
            guard posted != 0, posted != taken else { return false }
            if judgedSeat != seatIndex {
                judgedSeat = seatIndex
                clientIsDead = EndpointClaim.isDead(RequestResponseStorage.word64(seat, RequestResponseLayout.seatClaimOffset)
                    .pointee.load(ordering: .acquiring))
            }
            if clientIsDead, slot.taken.pointee.compareExchange(expected: taken, desired: posted, ordering: .acquiringAndReleasing).exchanged {
                slot.consumed.pointee.store(posted, ordering: .releasing)
            }
            return false
        }
        wakeAllClients()
    }

    /// Wakes every client that may sleep, so that it looks at the server again at once.
    private func wakeAllClients() {
        for seatIndex in 0..<storage.scannedSeats { storage.clientParking(storage.seat(seatIndex)).advanceAndWakeIfWaiting() }
    }

    // MARK: Taking requests

    /// Takes the next posted request, or returns nil when there is none. Scans the seats that
    /// were ever claimed, from where the last scan stopped.
    mutating func takeNext(operation: String) -> ReceivedRequest? {
        let slots = storage.geometry.slotsPerSeat
        let seats = storage.scannedSeats
        let total = seats &* slots
        guard total > 0 else { return nil }
        // The cursor is kept as a seat and a slot, not one number: a spinning server calls this
        // in a loop, and dividing to split a position costs more than the rest of a look.
        if cursor.seat >= seats || cursor.slot >= slots { cursor = (0, 0) }
        var (seatIndex, index) = cursor
        for _ in 0..<total {
            let seat = storage.seat(seatIndex)
            let slotIndex = index
            index &+= 1
            if index == slots {
                index = 0
                seatIndex &+= 1
                if seatIndex == seats { seatIndex = 0 }
            }
            let slot = RequestSlot(storage.slot(slotIndex, of: seat), geometry: storage.geometry)
            let posted = slot.posted.pointee.load(ordering: .acquiring)
            let taken = slot.taken.pointee.load(ordering: .relaxed)
            guard posted != 0, posted != taken else { continue }
            // `takenBy` before `taken` (released by the exchange): a client that sees its
            // request taken must see who took it, not the server before, which it would judge
            // gone. Put back if the exchange loses (the client withdrew the request).
            let previousOwner = slot.takenBy.pointee.load(ordering: .relaxed)
            slot.takenBy.pointee.store(claim, ordering: .relaxed)
            guard slot.taken.pointee.compareExchange(expected: taken, desired: posted, ordering: .acquiringAndReleasing).exchanged else {
                slot.takenBy.pointee.store(previousOwner, ordering: .relaxed)
                continue
            }
            slot.tail.pointee.store(0, ordering: .relaxed)
            if let request = admit(posted, slot: slot, seat: seat, index: slotIndex) {
                cursor = (seatIndex, index)
                // Only the one live server writes it: a load and a store, not a locked add.
                storage.served.pointee.store(storage.served.pointee.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
                return request
            }
        }
        return nil
    }

    /// The request `id` just taken from `slot`, or nil (and the request dropped) when it is not
    /// one to answer: written by a client that has since died or been replaced, cancelled, or
    /// with words no client writes.
    private func admit(_ id: UInt64, slot: RequestSlot, seat: UnsafeMutableRawPointer, index: Int) -> ReceivedRequest? {
        let request = RequestID(rawValue: id)
        let epoch = RequestResponseStorage.word32(seat, RequestResponseLayout.seatEpochOffset).pointee.load(ordering: .acquiring)
        let count = Int(slot.byteCount.pointee.load(ordering: .relaxed))
        guard request.slot == index, request.epoch == epoch & RequestID.epochMask,
              slot.cancelled.pointee.load(ordering: .relaxed) != id,
              count <= storage.configuration.maximumRequestSize
        else {
            slot.consumed.pointee.store(id, ordering: .releasing)
            storage.wakeClient(seat)
            return nil
        }
        let client = RequestResponseStorage.word64(seat, RequestResponseLayout.seatClaimOffset).pointee.load(ordering: .relaxed)
        return ReceivedRequest(id: request, clientPID: EndpointClaim.pid(of: client), storage: storage, seat: seat, slot: slot,
                               payload: UnsafeRawBufferPointer(start: slot.requestData, count: count))
    }

    /// Whether a request is posted and not taken (sequentially consistent loads: the waiter's
    /// re-check of the parking handshake).
    static func hasPending(_ storage: RequestResponseStorage) -> Bool {
        storage.firstSlot { _, _, slot in
            let posted = slot.posted.pointee.load(ordering: .sequentiallyConsistent)
            return posted != 0 && posted != slot.taken.pointee.load(ordering: .relaxed)
        }
    }

    /// The one receive: takes a request; without a deadline returns nil at once when there is
    /// none, with one spins briefly, then sleeps (bounded slices) until a client posts one.
    mutating func _receive(until deadline: Deadline?) throws(InterprocessError) -> ReceivedRequest? {
        let operation = "receive from request-response service"
        if let request = takeNext(operation: operation) { return request }
        guard let deadline else { return nil }
        var spins = 0
        while spins < RequestResponseStorage.spinLimit {
            CPU.relax()
            if let request = takeNext(operation: operation) { return request }
            spins &+= 1
        }
        let parking = storage.serverParking
        let storage = storage
        while true {
            if deadline.hasPassed || storage.wasTruncated {
                throw storage.waitEnded(operation, reason: "no request arrived before the deadline")
            }
            parking.sleepOnce(until: deadline) { !Server.hasPending(storage) }
            if let request = takeNext(operation: operation) { return request }
        }
    }
}

extension RequestResponseStorage {
    /// How many times a waiter looks again (with a CPU pause) before it sleeps: a round trip
    /// answered by an awake peer takes well under this.
    static let spinLimit = 4096
}

// A `~Copyable` endpoint has one owner at a time, which may hand it to another thread or task;
// its raw pointers point into the mapping that its storage keeps alive.
extension Server: @unchecked Sendable {}
#endif
