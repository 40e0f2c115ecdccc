#if os(Linux)
import Synchronization

/// One request slot of a client seat, as raw addresses: the request record (client-written),
/// the server's progress line and the ring of response entries. Both sides go through it, so
/// that the protocol of `docs/FORMAT.md` ("Request/response services") is written once.
struct RequestSlot: @unchecked Sendable {
    // @unchecked: addresses in a mapping kept alive by whoever holds the storage.
    let address: UnsafeMutableRawPointer
    /// Where the server's progress line starts.
    let server: UnsafeMutableRawPointer
    let responseRecordSize: Int
    let responses: Int

    init(_ address: UnsafeMutableRawPointer, geometry: RequestResponseGeometry) {
        self.address = address
        server = address + geometry.requestRecordSize
        responseRecordSize = geometry.responseRecordSize
        responses = geometry.responsesPerSlot
    }

    // The client's words.
    var posted: UnsafeMutablePointer<Atomic<UInt64>> { RequestResponseStorage.word64(address, RequestResponseLayout.postedOffset) }
    var byteCount: UnsafeMutablePointer<Atomic<UInt32>> { RequestResponseStorage.word32(address, RequestResponseLayout.requestByteCountOffset) }
    var phase: UnsafeMutablePointer<Atomic<UInt32>> { RequestResponseStorage.word32(address, RequestResponseLayout.phaseOffset) }
    var cancelled: UnsafeMutablePointer<Atomic<UInt64>> { RequestResponseStorage.word64(address, RequestResponseLayout.cancelledOffset) }
    var head: UnsafeMutablePointer<Atomic<UInt64>> { RequestResponseStorage.word64(address, RequestResponseLayout.headOffset) }
    var requestData: UnsafeMutableRawPointer { address + RequestResponseLayout.requestDataOffset }

    // The server's words.
    var taken: UnsafeMutablePointer<Atomic<UInt64>> { RequestResponseStorage.word64(server, RequestResponseLayout.takenOffset) }
    var takenBy: UnsafeMutablePointer<Atomic<UInt64>> { RequestResponseStorage.word64(server, RequestResponseLayout.takenByOffset) }
    var consumed: UnsafeMutablePointer<Atomic<UInt64>> { RequestResponseStorage.word64(server, RequestResponseLayout.consumedOffset) }
    var tail: UnsafeMutablePointer<Atomic<UInt64>> { RequestResponseStorage.word64(server, RequestResponseLayout.tailOffset) }

    /// The response entry for response number `position` of the slot's request.
    func entry(_ position: UInt64) -> UnsafeMutableRawPointer {
        server + RequestResponseLayout.progressLineSize + Int(truncatingIfNeeded: position % UInt64(responses)) &* responseRecordSize
    }

    /// The stamp that publishes response `position` to request `id`: the id, and in the top
    /// byte the lap of the ring, so that an entry left from the lap before never passes for it.
    func stamp(_ id: UInt64, _ position: UInt64) -> UInt64 {
        id | ((position / UInt64(responses)) & 0x7F) << 56
    }

    /// Whether the server is done with request `id` (completed it, or a new server dropped it).
    func isConsumed(_ id: UInt64) -> Bool {
        consumed.pointee.load(ordering: .acquiring) & ~RequestID.abortedBit == id
    }

    /// The client takes request `id` back before any server took it: true if it did (no server
    /// will ever read it), false if a server has it.
    func withdraw(_ id: UInt64) -> Bool {
        let current = taken.pointee.load(ordering: .acquiring)
        if current == id { return false }
        return taken.pointee.compareExchange(expected: current, desired: id, ordering: .acquiringAndReleasing).exchanged
    }

    /// Why a request `id` the client waits for will never be answered, if the server that took
    /// it (or, for one not taken yet, the current server) is gone. `checkLiveness` reads
    /// `/proc` (a system call): only on slow paths.
    func serverFailure(_ id: UInt64, storage: RequestResponseStorage, checkLiveness: Bool, operation: String) -> InterprocessError? {
        if consumed.pointee.load(ordering: .acquiring) == id | RequestID.abortedBit {
            return InterprocessError(.peerDied, operation: operation, name: storage.name,
                                     reason: "the server that took request \(RequestID(rawValue: id)) died before it completed it")
        }
        let takenID = taken.pointee.load(ordering: .acquiring)
        let owner = takenBy.pointee.load(ordering: .acquiring)
        // The claim after `taken` and `takenBy`: one read before them may predate the server
        // that has just claimed the service and taken the request, which would look gone.
        let current = storage.serverClaim.pointee.load(ordering: .acquiring)
        if takenID == id {
            if owner != current || (checkLiveness && EndpointClaim.isDead(owner)) {
                return InterprocessError(.peerDied, operation: operation, name: storage.name,
                                         reason: "the server (pid \(EndpointClaim.pid(of: owner))) that took request \(RequestID(rawValue: id)) is gone")
            }
        } else if checkLiveness, current != 0, EndpointClaim.isDead(current) {
            return InterprocessError(.peerDied, operation: operation, name: storage.name,
                                     reason: "its server (pid \(EndpointClaim.pid(of: current))) died")
        }
        return nil
    }

    /// The client gives up on request `id`: withdrawn if no server took it (the slot is free at
    /// once), else marked cancelled (the server drops what it still sends, and the slot is free
    /// once it is done).
    /// A server waiting for room to answer it is woken (`storage`'s server parking): it drops
    /// the request at once instead of at its next bounded re-check.
    func abandon(_ id: UInt64, in storage: RequestResponseStorage) {
        guard phase.pointee.load(ordering: .relaxed) == RequestResponseLayout.Phase.waiting,
              posted.pointee.load(ordering: .relaxed) == id else { return }
        if withdraw(id) {
            phase.pointee.store(RequestResponseLayout.Phase.free, ordering: .relaxed)
        } else {
            // Sequentially consistent: the server's room check loads it after announcing sleep.
            cancelled.pointee.store(id, ordering: .sequentiallyConsistent)
            phase.pointee.store(RequestResponseLayout.Phase.abandoned, ordering: .relaxed)
            storage.wakeServer()
        }
    }

    /// Whether a slot the client abandoned can take a new request: the server is done with the
    /// old one, or never took it, or the server that took it is gone.
    func isReclaimable(storage: RequestResponseStorage) -> Bool {
        let id = posted.pointee.load(ordering: .acquiring)
        if id == 0 || isConsumed(id) || withdraw(id) { return true }
        let owner = takenBy.pointee.load(ordering: .acquiring)
        return owner != storage.serverClaim.pointee.load(ordering: .acquiring) || EndpointClaim.isDead(owner)
    }
}
#endif
