#if os(Linux)
/// What a request/response service carries and how many clients and requests it serves at once:
/// stored in the service's shared memory when it is created, and compared field by field when it
/// is opened with a configuration
/// (``RequestResponseService/init(openOrCreate:configuration:permissions:lifetime:)``).
///
/// ```swift
/// let configuration = RequestResponseConfiguration(maximumRequestSize: 256, maximumResponseSize: 64 << 10,
///                                                  maximumClients: 512, responsesPerRequest: 8)
/// let service = try RequestResponseService(openOrCreate: "thumbnails", configuration: configuration)
/// ```
///
/// Every client gets a seat with ``requestsInFlightPerClient`` request slots, and every slot
/// room for ``responsesPerRequest`` unread responses, all allocated when the service is created:
/// the segment holds `maximumClients × requestsInFlightPerClient × (maximumRequestSize +
/// responsesPerRequest × maximumResponseSize)` bytes and a little more (pages of `/dev/shm` are
/// only used once touched).
public struct RequestResponseConfiguration: Sendable, Hashable, Codable {
    /// The largest request, in bytes, in ``RequestResponseService/messageSizeRange``.
    public var maximumRequestSize: Int
    /// The largest response, in bytes, in ``RequestResponseService/messageSizeRange``.
    public var maximumResponseSize: Int
    /// How many clients may be attached at once, in ``RequestResponseService/maximumClientsRange``.
    public var maximumClients: Int
    /// How many requests one client may have waiting for their responses at once, in
    /// ``RequestResponseService/requestsInFlightRange``.
    public var requestsInFlightPerClient: Int
    /// How many responses to one request the server may send ahead of the client reading them,
    /// in ``RequestResponseService/responsesPerRequestRange``: a server streaming more waits for
    /// the client.
    public var responsesPerRequest: Int

    /// A configuration; every value is checked when a service is created with it.
    public init(
        maximumRequestSize: Int = 1024,
        maximumResponseSize: Int = 1024,
        maximumClients: Int = 256,
        requestsInFlightPerClient: Int = 4,
        responsesPerRequest: Int = 4
    ) {
        self.maximumRequestSize = maximumRequestSize
        self.maximumResponseSize = maximumResponseSize
        self.maximumClients = maximumClients
        self.requestsInFlightPerClient = requestsInFlightPerClient
        self.responsesPerRequest = responsesPerRequest
    }

    /// Throws `invalidArgument`, naming the field and the range, for a value out of range, and
    /// for a configuration whose segment would be larger than ``RequestResponseService/maximumBodySize``.
    func validate(operation: String, name: String) throws(InterprocessError) {
        func check(_ value: Int, _ range: ClosedRange<Int>, _ field: String) throws(InterprocessError) {
            guard range.contains(value) else {
                throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                        reason: "\(field) must be in \(range.lowerBound)...\(range.upperBound) (got \(value))")
            }
        }
        try check(maximumRequestSize, RequestResponseService.messageSizeRange, "maximumRequestSize")
        try check(maximumResponseSize, RequestResponseService.messageSizeRange, "maximumResponseSize")
        try check(maximumClients, RequestResponseService.maximumClientsRange, "maximumClients")
        try check(requestsInFlightPerClient, RequestResponseService.requestsInFlightRange, "requestsInFlightPerClient")
        try check(responsesPerRequest, RequestResponseService.responsesPerRequestRange, "responsesPerRequest")
        let size = RequestResponseGeometry(self).bodySize
        guard size <= RequestResponseService.maximumBodySize else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "this configuration needs \(size) bytes of shared memory, more than \(RequestResponseService.maximumBodySize): lower maximumClients, requestsInFlightPerClient, responsesPerRequest or the message sizes")
        }
    }

    /// The first field in which `other` differs from this configuration, as "field: a vs b"
    /// (this configuration's value first), or nil when they are the same.
    func firstDifference(from other: RequestResponseConfiguration) -> String? {
        let fields: [(String, Int, Int)] = [
            ("maximumRequestSize", maximumRequestSize, other.maximumRequestSize),
            ("maximumResponseSize", maximumResponseSize, other.maximumResponseSize),
            ("maximumClients", maximumClients, other.maximumClients),
            ("requestsInFlightPerClient", requestsInFlightPerClient, other.requestsInFlightPerClient),
            ("responsesPerRequest", responsesPerRequest, other.responsesPerRequest),
        ]
        for (field, mine, theirs) in fields where mine != theirs { return "\(field): \(mine) vs \(theirs)" }
        return nil
    }
}
#endif
