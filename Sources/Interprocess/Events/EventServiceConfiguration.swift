#if os(Linux)
/// What an ``EventService`` carries: its event ids and how many listeners and notifiers may be
/// attached at once. Stored in the service when it is created and compared field by field by
/// ``EventService/init(openOrCreate:configuration:permissions:lifetime:)``.
///
/// ```swift
/// let configuration = EventServiceConfiguration(maximumEventID: 15, maximumListeners: 256)
/// let service = try EventService(openOrCreate: "jobs", configuration: configuration)
/// ```
public struct EventServiceConfiguration: Sendable, Hashable, Codable {
    /// The largest event id, in ``EventService/maximumEventIDRange``: ids run from 0 to it.
    public var maximumEventID: Int
    /// How many listeners may be attached at once, in ``EventService/maximumListenersRange``.
    public var maximumListeners: Int
    /// How many notifiers may be attached at once, in ``EventService/maximumNotifiersRange``.
    public var maximumNotifiers: Int

    /// A configuration; every value is checked when a service is created with it.
    public init(maximumEventID: Int = 63, maximumListeners: Int = 256, maximumNotifiers: Int = 16) {
        self.maximumEventID = maximumEventID
        self.maximumListeners = maximumListeners
        self.maximumNotifiers = maximumNotifiers
    }

    /// Throws `invalidArgument`, naming the field and the range, for a value out of range.
    func validate(operation: String, name: String) throws(InterprocessError) {
        func check(_ value: Int, _ range: ClosedRange<Int>, _ field: String) throws(InterprocessError) {
            guard range.contains(value) else {
                throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                        reason: "\(field) must be in \(range.lowerBound)...\(range.upperBound) (got \(value))")
            }
        }
        try check(maximumEventID, EventService.maximumEventIDRange, "maximumEventID")
        try check(maximumListeners, EventService.maximumListenersRange, "maximumListeners")
        try check(maximumNotifiers, EventService.maximumNotifiersRange, "maximumNotifiers")
    }

    /// The first field in which `other` differs, as "field: a vs b" (this one's value first).
    func firstDifference(from other: EventServiceConfiguration) -> String? {
        if maximumEventID != other.maximumEventID { return "maximumEventID: \(maximumEventID) vs \(other.maximumEventID)" }
        if maximumListeners != other.maximumListeners { return "maximumListeners: \(maximumListeners) vs \(other.maximumListeners)" }
        if maximumNotifiers != other.maximumNotifiers { return "maximumNotifiers: \(maximumNotifiers) vs \(other.maximumNotifiers)" }
        return nil
    }
}
#endif
