#if os(Linux)
import Synchronization

/// A snapshot of a ``RequestResponseService``: its configuration, server and clients, as
/// `interprocess inspect` shows it.
///
/// Taking it never throws: words no correct peer could have written are reported in
/// ``problem`` next to what could be read.
public struct RequestResponseState: Sendable, Codable {
    /// The service's name.
    public var name: String
    /// The configuration stored in the service.
    public var configuration: RequestResponseConfiguration
    /// The process holding the server seat, or nil when there is none.
    public var server: QueueEndpointState?
    /// How many requests servers have taken.
    public var servedCount: UInt64
    /// How many servers took over from a dead one.
    public var takeovers: UInt32
    /// Whether the server is (about to be) asleep waiting for requests.
    public var serverSleeping: Bool
    /// The clients attached (seats with a claim), by seat.
    public var clients: [RequestResponseClientState]
    /// What could not be trusted, if anything.
    public var problem: String?

    /// A snapshot from its fields.
    public init(name: String, configuration: RequestResponseConfiguration, server: QueueEndpointState?, servedCount: UInt64,
                takeovers: UInt32, serverSleeping: Bool, clients: [RequestResponseClientState], problem: String?) {
        self.name = name
        self.configuration = configuration
        self.server = server
        self.servedCount = servedCount
        self.takeovers = takeovers
        self.serverSleeping = serverSleeping
        self.clients = clients
        self.problem = problem
    }
}

/// One client seat in use, as ``RequestResponseState`` reports it.
public struct RequestResponseClientState: Sendable, Hashable, Codable {
    /// The seat's number.
    public var seat: Int
    /// The process, and whether it is alive.
    public var process: QueueEndpointState
    /// How many of its requests wait for responses (posted and not completed).
    public var pendingRequests: Int
    /// How many of its requests the server has taken and not completed.
    public var requestsInProgress: Int

    /// A client snapshot from its fields.
    public init(seat: Int, process: QueueEndpointState, pendingRequests: Int, requestsInProgress: Int) {
        self.seat = seat
        self.process = process
        self.pendingRequests = pendingRequests
        self.requestsInProgress = requestsInProgress
    }
}

extension RequestResponseService {
    /// The service as it is now.
    public var state: RequestResponseState {
        let storage = storage
        var problem: String?
        let highWater = Int(storage.seatHighWater.pointee.load(ordering: .acquiring))
        if highWater > storage.geometry.seatCount {
            problem = "its seat high-water mark \(highWater) is above its \(storage.geometry.seatCount) seats"
        }
        var clients: [RequestResponseClientState] = []
        for index in 0..<storage.scannedSeats {
            let seat = storage.seat(index)
            let claim = RequestResponseStorage.word64(seat, RequestResponseLayout.seatClaimOffset).pointee.load(ordering: .acquiring)
            guard let process = QueueEndpointState(claimWord: claim) else { continue }
            var pending = 0
            var inProgress = 0
            for slotIndex in 0..<storage.geometry.slotsPerSeat {
                let slot = RequestSlot(storage.slot(slotIndex, of: seat), geometry: storage.geometry)
                let posted = slot.posted.pointee.load(ordering: .acquiring)
                guard posted != 0, slot.phase.pointee.load(ordering: .relaxed) == RequestResponseLayout.Phase.waiting,
                      !slot.isConsumed(posted) else { continue }
                pending += 1
                if slot.taken.pointee.load(ordering: .relaxed) == posted { inProgress += 1 }
            }
            clients.append(RequestResponseClientState(seat: index, process: process, pendingRequests: pending, requestsInProgress: inProgress))
        }
        return RequestResponseState(
            name: storage.name, configuration: storage.configuration,
            server: QueueEndpointState(claimWord: storage.serverClaim.pointee.load(ordering: .acquiring)),
            servedCount: storage.served.pointee.load(ordering: .relaxed),
            takeovers: storage.takeovers.pointee.load(ordering: .relaxed),
            serverSleeping: storage.serverParking.waiterCount != 0,
            clients: clients, problem: problem)
    }
}
#endif
