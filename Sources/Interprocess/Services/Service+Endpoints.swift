#if os(Linux)
/// The endpoints of a service, made the way every channel makes its endpoints
/// (`makeProducer()` of a queue, `makeWriter()` of a broadcast stream).
extension Service {
    /// Takes the service's publisher seat: the same as ``Publisher/init(service:)``.
    ///
    /// - Throws: `alreadyExists` while another live process publishes.
    public func makePublisher() throws(InterprocessError) -> Publisher {
        try Publisher(service: self)
    }

    /// Attaches a subscriber: the same as ``Subscriber/init(service:overrun:history:)``.
    ///
    /// - Throws: `resourceLimit` when ``ServiceConfiguration/maximumSubscribers`` live
    ///   subscribers are attached.
    public func makeSubscriber(overrun: OverrunPolicy? = nil, history: Bool = true) throws(InterprocessError) -> Subscriber {
        try Subscriber(service: self, overrun: overrun, history: history)
    }
}
#endif
