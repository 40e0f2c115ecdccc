#if os(Linux)
import Synchronization

/// The mapping of one request/response service, validated, shared by a ``RequestResponseService``
/// value and the endpoints made from it.
///
/// The one place where the service's shared words are judged: the configuration block when the
/// segment is opened, and every index that comes from shared memory (a seat high-water mark, a
/// slot number in a request id, a byte count) in the accessors below or right where it is read,
/// with the same bounds. Any process that maps the segment can write any word: a bad value is a
/// `.corrupt` error or a request dropped, never a trap or an access outside the mapping.
final class RequestResponseStorage: @unchecked Sendable {
    // @unchecked: immutable after init; the pointers are into the mapping `segment` keeps alive,
    // and every access through them is atomic or part of the protocol in docs/FORMAT.md.
    let segment: Segment
    let configuration: RequestResponseConfiguration
    let geometry: RequestResponseGeometry
    let base: UnsafeMutableRawPointer

    init(_ segment: consuming Segment, operation: String) throws(InterprocessError) {
        let body = segment.body
        let (configuration, geometry) = try RequestResponseStorage.readConfiguration(body, name: segment.name.rawValue, operation: operation)
        self.base = body.baseAddress!
        self.configuration = configuration
        self.geometry = geometry
        self.segment = segment
    }

    var name: String { segment.name.rawValue }

    /// Whether a peer shrank the segment under this mapping: its words now read as zeros that
    /// never change, so a wait on them must end (a load of a counter: for the moment before a sleep).
    var wasTruncated: Bool { segment.memory.region.wasTruncated }

    /// The error of a wait that ended before what it waited for: `truncated` when the segment
    /// was shrunk under it, else `timedOut` for `reason`.
    func waitEnded(_ operation: String, reason: @autoclosure () -> String) -> InterprocessError {
        segment.memory.truncationProblem(operation: operation)
            ?? InterprocessError(.timedOut, operation: operation, name: name, reason: reason())
    }

    /// Writes a new service's configuration into its zero-filled body (every other word starts at 0).
    static func initialize(_ base: UnsafeMutableRawPointer, configuration: RequestResponseConfiguration, geometry: RequestResponseGeometry) {
        func put32(_ value: Int, _ offset: Int) {
            base.storeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian, toByteOffset: offset, as: UInt32.self)
        }
        put32(Int(RequestResponseLayout.tag), RequestResponseLayout.tagOffset)
        put32(Int(RequestResponseLayout.version), RequestResponseLayout.versionOffset)
        put32(configuration.maximumRequestSize, RequestResponseLayout.maximumRequestSizeOffset)
        put32(configuration.maximumResponseSize, RequestResponseLayout.maximumResponseSizeOffset)
        put32(configuration.maximumClients, RequestResponseLayout.maximumClientsOffset)
        put32(configuration.requestsInFlightPerClient, RequestResponseLayout.requestsInFlightOffset)
        put32(configuration.responsesPerRequest, RequestResponseLayout.responsesPerRequestOffset)
        base.storeBytes(of: UInt64(geometry.seatStride).littleEndian, toByteOffset: RequestResponseLayout.seatStrideOffset, as: UInt64.self)
        base.storeBytes(of: UInt64(geometry.slotStride).littleEndian, toByteOffset: RequestResponseLayout.slotStrideOffset, as: UInt64.self)
    }

    /// Reads and checks the configuration block of an opened segment.
    static func readConfiguration(
        _ body: UnsafeMutableRawBufferPointer, name: String, operation: String
    ) throws(InterprocessError) -> (RequestResponseConfiguration, RequestResponseGeometry) {
        func corrupt(_ reason: String) -> InterprocessError {
            InterprocessError(.corrupt, operation: operation, name: name, reason: reason)
        }
        guard body.count >= RequestResponseLayout.seatsOffset, let base = body.baseAddress else {
            throw corrupt("its body of \(body.count) bytes is too small for a request-response service")
        }
        func get32(_ offset: Int) -> Int { Int(UInt32(littleEndian: base.load(fromByteOffset: offset, as: UInt32.self))) }
        func get64(_ offset: Int) -> UInt64 { UInt64(littleEndian: base.load(fromByteOffset: offset, as: UInt64.self)) }
        guard UInt32(get32(RequestResponseLayout.tagOffset)) == RequestResponseLayout.tag else {
            throw corrupt("its body does not start with the request-response tag")
        }
        let configuration = RequestResponseConfiguration(
            maximumRequestSize: get32(RequestResponseLayout.maximumRequestSizeOffset),
            maximumResponseSize: get32(RequestResponseLayout.maximumResponseSizeOffset),
            maximumClients: get32(RequestResponseLayout.maximumClientsOffset),
            requestsInFlightPerClient: get32(RequestResponseLayout.requestsInFlightOffset),
            responsesPerRequest: get32(RequestResponseLayout.responsesPerRequestOffset))
        do throws(InterprocessError) {
            try configuration.validate(operation: operation, name: name)
        } catch {
            throw corrupt("its stored configuration is out of range: \(error.reason)")
        }
        let geometry = RequestResponseGeometry(configuration)
        guard get64(RequestResponseLayout.seatStrideOffset) == UInt64(geometry.seatStride),
              get64(RequestResponseLayout.slotStrideOffset) == UInt64(geometry.slotStride)
        else {
            throw corrupt("its seat or slot stride does not follow from its configuration")
        }
        guard body.count >= geometry.bodySize else {
            throw corrupt("its body of \(body.count) bytes is smaller than its configuration needs (\(geometry.bodySize))")
        }
        return (configuration, geometry)
    }

    // MARK: Words

    /// The atomic 64-bit word at `offset` from `address`.
    @inline(__always)
    static func word64(_ address: UnsafeMutableRawPointer, _ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (address + offset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// The atomic 32-bit word at `offset` from `address`.
    @inline(__always)
    static func word32(_ address: UnsafeMutableRawPointer, _ offset: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (address + offset).assumingMemoryBound(to: Atomic<UInt32>.self)
    }

    var serverClaim: UnsafeMutablePointer<Atomic<UInt64>> { Self.word64(base, RequestResponseLayout.serverClaimOffset) }
    var served: UnsafeMutablePointer<Atomic<UInt64>> { Self.word64(base, RequestResponseLayout.servedOffset) }
    var takeovers: UnsafeMutablePointer<Atomic<UInt32>> { Self.word32(base, RequestResponseLayout.takeoversOffset) }
    var seatHighWater: UnsafeMutablePointer<Atomic<UInt32>> { Self.word32(base, RequestResponseLayout.seatHighWaterOffset) }

    /// The seats a server scans: the high-water mark, clamped to the seat count (a peer may
    /// have written anything there).
    var scannedSeats: Int {
        min(Int(seatHighWater.pointee.load(ordering: .acquiring)), geometry.seatCount)
    }

    /// Parking for the server: clients bump the request word after posting a request or reading
    /// a streamed response.
    var serverParking: FutexParking {
        FutexParking(word: Self.word32(base, RequestResponseLayout.requestWordOffset),
                     waiters: Self.word32(base, RequestResponseLayout.serverWaitersOffset), sleepers: .single)
    }

    /// Seat `index` (which must be below the seat count).
    func seat(_ index: Int) -> UnsafeMutableRawPointer {
        base + RequestResponseLayout.seatsOffset + index &* geometry.seatStride
    }

    /// Calls `body` with every slot of the seats a server scans (seat address, seat number,
    /// slot), until it returns true; returns whether one did.
    @discardableResult
    func firstSlot(where body: (UnsafeMutableRawPointer, Int, RequestSlot) -> Bool) -> Bool {
        for seatIndex in 0..<scannedSeats {
            let seat = seat(seatIndex)
            for index in 0..<geometry.slotsPerSeat where body(seat, seatIndex, RequestSlot(slot(index, of: seat), geometry: geometry)) {
                return true
            }
        }
        return false
    }

    /// Slot `slot` of the seat at `seat` (`slot` below the slots per seat).
    func slot(_ slot: Int, of seat: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        seat + RequestResponseLayout.slotsOffset + slot &* geometry.slotStride
    }

    /// Parking for the client of the seat at `seat`: the server bumps its response word after
    /// each response.
    func clientParking(_ seat: UnsafeMutableRawPointer) -> FutexParking {
        FutexParking(word: Self.word32(seat, RequestResponseLayout.seatResponseWordOffset),
                     waiters: Self.word32(seat, RequestResponseLayout.seatWaitersOffset))
    }

    /// Wakes the server if it sleeps: after a sequentially consistent update it may be waiting for.
    @inline(__always)
    func wakeServer() {
        let parking = serverParking
        if FutexParking.mayHaveSleepers(parking.waiters) { parking.advanceAndWakeIfWaiting() }
    }

    /// Wakes the client of the seat at `seat` if any of its tasks sleeps.
    @inline(__always)
    func wakeClient(_ seat: UnsafeMutableRawPointer) {
        let waiters = Self.word32(seat, RequestResponseLayout.seatWaitersOffset)
        if FutexParking.mayHaveSleepers(waiters) { clientParking(seat).advanceAndWakeIfWaiting() }
    }

    /// A `.corrupt` error naming the service.
    func corruptError(_ reason: String, operation: String) -> InterprocessError {
        InterprocessError(.corrupt, operation: operation, name: name, reason: reason)
    }
}
#endif
