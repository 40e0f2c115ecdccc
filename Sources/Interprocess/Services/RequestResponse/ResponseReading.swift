#if os(Linux)
import Synchronization

/// Reading the responses to one request, shared by ``Client`` and ``ResponseStream``: the
/// client's half of the protocol in `docs/FORMAT.md` ("Request/response services").
enum ResponseReading {
    /// What one look at a request's next response found.
    enum Poll {
        /// Response number `position` is there, in `entry`.
        case ready(entry: UnsafeMutableRawPointer, position: UInt64)
        /// The request is not in flight (any more): its responses are over.
        case complete
        /// Nothing yet.
        case pending
    }

    /// What a receive did.
    enum Step<Result> {
        case response(Result)
        case complete
        /// Nothing yet, and the caller asked not to wait.
        case notYet
    }

    /// Looks for the next response to `id` in `slot`. Only the stamp of the entry is read in
    /// the common case: one cache line, written by the server once per response.
    @inline(__always)
    static func poll(_ slot: RequestSlot, _ id: UInt64) -> Poll {
        guard slot.phase.pointee.load(ordering: .relaxed) == RequestResponseLayout.Phase.waiting,
              slot.posted.pointee.load(ordering: .relaxed) == id else { return .complete }
        let position = slot.head.pointee.load(ordering: .relaxed)
        let entry = slot.entry(position)
        if RequestResponseStorage.word64(entry, RequestResponseLayout.stampOffset).pointee.load(ordering: .acquiring) == slot.stamp(id, position) {
            return .ready(entry: entry, position: position)
        }
        return .pending
    }

    /// Lends response `position` (in `entry`) to `body`, then consumes it: the slot is free
    /// after a final response; otherwise the head moves on and a server waiting for room wakes.
    static func deliver<Result>(
        _ entry: UnsafeMutableRawPointer, position: UInt64, slot: RequestSlot, id: UInt64, storage: RequestResponseStorage,
        operation: String, _ body: (borrowing Response) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        let count = Int(RequestResponseStorage.word32(entry, RequestResponseLayout.responseByteCountOffset).pointee.load(ordering: .relaxed))
        guard count <= storage.configuration.maximumResponseSize else {
            slot.abandon(id, in: storage)
            throw storage.corruptError("a response to request \(RequestID(rawValue: id)) claims \(count) bytes, more than the maximum response size \(storage.configuration.maximumResponseSize)",
                                       operation: operation)
        }
        let final = RequestResponseStorage.word32(entry, RequestResponseLayout.flagsOffset).pointee.load(ordering: .relaxed)
            & RequestResponseLayout.ResponseFlags.final != 0
        let response = Response(request: RequestID(rawValue: id), isFinal: final,
                                payload: UnsafeRawBufferPointer(start: entry + RequestResponseLayout.responseDataOffset, count: count))
        let result: Result
        do {
            result = try body(response)
        } catch {
            consume(final: final, position: position, slot: slot, storage: storage)
            throw error
        }
        consume(final: final, position: position, slot: slot, storage: storage)
        return result
    }

    /// Moves past response `position`.
    @inline(__always)
    private static func consume(final: Bool, position: UInt64, slot: RequestSlot, storage: RequestResponseStorage) {
        if final {
            slot.phase.pointee.store(RequestResponseLayout.Phase.free, ordering: .relaxed)
        } else {
            // The waker's half of the server's parking handshake (it may wait for room).
            slot.head.pointee.store(position &+ 1, ordering: .sequentiallyConsistent)
            storage.wakeServer()
        }
    }

    /// Whether the responses to `id` are over although none is pending: throws `peerDied` when
    /// the server that has (or would take) the request is gone, and returns true when the server
    /// completed the request with no further response (the slot is then free).
    static func isOver(_ slot: RequestSlot, _ id: UInt64, storage: RequestResponseStorage, checkLiveness: Bool,
                       operation: String) throws(InterprocessError) -> Bool {
        // Completed first: a server that completed the request and then went away is no failure.
        if slot.consumed.pointee.load(ordering: .acquiring) == id {
            // Acquiring `consumed` made every response sent before it visible: look once more.
            guard case .pending = poll(slot, id) else { return false }
            slot.phase.pointee.store(RequestResponseLayout.Phase.free, ordering: .relaxed)
            return true
        }
        if let failure = slot.serverFailure(id, storage: storage, checkLiveness: checkLiveness, operation: operation) {
            // The words above were read before the server was judged, and judging it (in /proc)
            // takes long enough for a server to take the request, answer, complete it and exit
            // meanwhile. What a dead server wrote is all visible now: a response or a completion
            // found on this second look is delivered (the caller looks again), not lost.
            if slot.consumed.pointee.load(ordering: .acquiring) == id { return false }
            if case .ready = poll(slot, id) { return false }
            slot.abandon(id, in: storage)
            throw failure
        }
        return false
    }

    /// The one receive: the next response to `id` lent to `body`; without a deadline
    /// ``Step/notYet`` at once when there is none, with one spins briefly, then sleeps in
    /// bounded slices, looking for a dead server after each.
    static func receive<Result>(
        seat: UnsafeMutableRawPointer, slot: RequestSlot, id: UInt64, storage: RequestResponseStorage, until deadline: Deadline?,
        _ body: (borrowing Response) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Step<Result> {
        let operation = "receive response from request-response service"
        var spins = 0
        while true {
            switch poll(slot, id) {
            case .ready(let entry, let position):
                return .response(try deliver(entry, position: position, slot: slot, id: id, storage: storage, operation: operation, body))
            case .complete:
                // A segment shrunk under this mapping reads as zeros, which look like a request
                // no longer in flight: that is no completion (a rare path: one load).
                if storage.wasTruncated, let problem = storage.segment.memory.truncationProblem(operation: operation) { throw problem }
                return .complete
            case .pending:
                break
            }
            // Off the spin's fast path: the server's line is read every 64 looks, not every one,
            // and a waiting form skips it on the first look: right after a send the server is
            // about to write that line (it takes the request there), and a read then would pull
            // it away from it. The try form (one look) always reads it.
            if deadline == nil || spins & 63 == 63 || spins >= RequestResponseStorage.spinLimit {
                if try isOver(slot, id, storage: storage, checkLiveness: spins >= RequestResponseStorage.spinLimit, operation: operation) {
                    return .complete
                }
            }
            guard let deadline else { return .notYet }
            if spins < RequestResponseStorage.spinLimit {
                spins &+= 1
                CPU.relax()
                continue
            }
            if deadline.hasPassed || storage.wasTruncated {
                throw storage.waitEnded(operation, reason: "no response to request \(RequestID(rawValue: id)) arrived before the deadline")
            }
            storage.clientParking(seat).sleepOnce(until: deadline) { isPending(slot, id) }
        }
    }

    /// Whether nothing new is there for `id` (sequentially consistent: the waiter's re-check).
    static func isPending(_ slot: RequestSlot, _ id: UInt64) -> Bool {
        guard case .pending = poll(slot, id) else { return false }
        return slot.consumed.pointee.load(ordering: .sequentiallyConsistent) & ~RequestID.abortedBit != id
    }

    /// The async receive: as ``receive(seat:slot:id:storage:until:_:)``, suspending the task on
    /// the process's waiter thread in bounded slices instead of sleeping.
    static func receive<Result>(
        seat: UnsafeMutableRawPointer, slot: RequestSlot, id: UInt64, storage: RequestResponseStorage, until deadline: Deadline,
        _ body: (borrowing Response) throws(InterprocessError) -> Result
    ) async throws(InterprocessError) -> Step<Result> {
        let operation = "receive response from request-response service"
        while true {
            let step = try receive(seat: seat, slot: slot, id: id, storage: storage, until: nil, body)
            if case .notYet = step {} else { return step }
            if try isOver(slot, id, storage: storage, checkLiveness: true, operation: operation) { return .complete }
            try ProcessWaiter.checkCancellation(operation: operation, name: storage.name)
            if deadline.hasPassed || storage.wasTruncated {
                throw storage.waitEnded(operation, reason: "no response to request \(RequestID(rawValue: id)) arrived before the deadline")
            }
            let parking = storage.clientParking(seat)
            let watched = UnsafeSendable(slot)
            let outcome = try await ProcessWaiter.shared.wait(
                on: parking, until: Deadline.after(FutexParking.recheckInterval).earlier(than: deadline), operation: operation,
                name: storage.name, check: parking.blockedCheck { isPending(watched.value, id) })
            if outcome == .cancelled { try ProcessWaiter.requireAcquired(outcome, operation: operation, name: storage.name) }
        }
    }
}
#endif
