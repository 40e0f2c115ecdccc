#if os(Linux)
/// A snapshot of a ``Service``: its configuration, publisher, subscribers and pool, as
/// `interprocess services` and `interprocess inspect` show it.
///
/// Taking it never throws: a derived value that cannot be trusted (words no correct peer could
/// have written) is reported in ``problem`` next to what could be read.
public struct ServiceState: Sendable, Codable {
    /// The service's name.
    public var name: String
    /// The configuration stored in the service.
    public var configuration: ServiceConfiguration
    /// The process holding the publisher seat, or nil when none ever did or it was released.
    public var publisher: QueueEndpointState?
    /// How many samples have been published (the next sample's sequence number).
    public var publishedCount: UInt64
    /// The attached subscribers, by table entry.
    public var subscribers: [SubscriberState]
    /// The pool generations that exist, oldest first.
    public var pools: [SamplePoolState]
    /// How many subscribers (all together) wait asleep for the next sample.
    public var sleepingSubscribers: UInt32
    /// What could not be trusted, if anything.
    public var problem: String?

    /// A snapshot from its fields.
    public init(name: String, configuration: ServiceConfiguration, publisher: QueueEndpointState?, publishedCount: UInt64,
                subscribers: [SubscriberState], pools: [SamplePoolState], sleepingSubscribers: UInt32, problem: String?) {
        self.name = name
        self.configuration = configuration
        self.publisher = publisher
        self.publishedCount = publishedCount
        self.subscribers = subscribers
        self.pools = pools
        self.sleepingSubscribers = sleepingSubscribers
        self.problem = problem
    }
}

/// One attached subscriber, as ``ServiceState`` reports it.
public struct SubscriberState: Sendable, Hashable, Codable {
    /// The subscriber table entry it holds.
    public var index: Int
    /// The process, and whether it is alive.
    public var process: QueueEndpointState
    /// What happens when it falls behind.
    public var overrunPolicy: OverrunPolicy
    /// The sequence number of the next sample it will read.
    public var position: UInt64
    /// How many published samples it has not read yet (at most the buffer capacity are still
    /// readable).
    public var depth: UInt64
    /// How many samples it received.
    public var receivedCount: UInt64
    /// How many samples it missed (overrun, `.dropOldest`).
    public var missedCount: UInt64
    /// How many samples it holds pinned now.
    public var heldSamples: Int

    /// A subscriber snapshot from its fields.
    public init(index: Int, process: QueueEndpointState, overrunPolicy: OverrunPolicy, position: UInt64, depth: UInt64,
                receivedCount: UInt64, missedCount: UInt64, heldSamples: Int) {
        self.index = index
        self.process = process
        self.overrunPolicy = overrunPolicy
        self.position = position
        self.depth = depth
        self.receivedCount = receivedCount
        self.missedCount = missedCount
        self.heldSamples = heldSamples
    }
}

/// One generation of a service's sample pool.
public struct SamplePoolState: Sendable, Hashable, Codable {
    /// The generation number (0 for the first pool; each growth adds one).
    public var generation: UInt32
    /// The pool segment's name.
    public var segmentName: String
    /// The largest payload a slot of this generation holds, in bytes.
    public var slotPayloadSize: Int
    /// How many slots it has.
    public var slotCount: Int
    /// How many slots hold content in this generation now.
    public var slotsInUse: Int

    /// A pool snapshot from its fields.
    public init(generation: UInt32, segmentName: String, slotPayloadSize: Int, slotCount: Int, slotsInUse: Int) {
        self.generation = generation
        self.segmentName = segmentName
        self.slotPayloadSize = slotPayloadSize
        self.slotCount = slotCount
        self.slotsInUse = slotsInUse
    }
}
#endif
