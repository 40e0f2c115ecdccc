#if os(Linux)
import Synchronization

extension Subscriber {
    /// The samples as they arrive, as an `AsyncSequence` of ``HeldSample`` (see
    /// ``ServiceSamples``); takes the subscriber over.
    public consuming func samples() -> ServiceSamples {
        ServiceSamples(self)
    }

    /// Pins the next sample and wraps it in a ``HeldSample``, or nil when there is none.
    ///
    /// - Throws: `resourceLimit` when this subscriber already holds
    ///   ``ServiceConfiguration/maximumLoansPerSubscriber`` samples.
    mutating func tryReceiveHeld() throws(InterprocessError) -> HeldSample? {
        let held = SubscriberTable.word32(service.storage, seat.index, ServiceLayout.subscriberHeldOffset)
        let limit = service.configuration.maximumLoansPerSubscriber
        guard Int(held.pointee.load(ordering: .relaxed)) < limit else {
            throw InterprocessError(.resourceLimit, operation: "receive from service", name: service.name,
                                    reason: "this subscriber holds \(limit) samples (maximumLoansPerSubscriber): release one first")
        }
        guard let pinned = try _pinNext(until: nil) else { return nil }
        held.pointee.wrappingAdd(1, ordering: .relaxed)
        return HeldSample(seat: seat, pin: pinned.pin, bit: pinBit, payload: pinned.payload,
                          sequence: pinned.sequence, missedBefore: pinned.missedBefore)
    }
}

/// The samples of a subscriber as an `AsyncSequence` of ``HeldSample``: waiting parks on the
/// process's waiter thread (never a thread of the cooperative pool); cancelling the task ends
/// the iteration with `.cancelled`.
///
/// ```swift
/// for try await sample in subscriber.samples() {
///     print(sample.sequence, sample.missedBefore, sample.byteCount)
/// }
/// ```
///
/// Each element holds its sample until it is released or goes away (at the end of the loop's
/// iteration, unless kept): keep at most ``ServiceConfiguration/maximumLoansPerSubscriber`` at
/// once, or the next one throws `resourceLimit`. Iteration never ends by itself; after an error
/// `next()` returns nil. Iterators of one sequence share the subscriber (under a lock).
public struct ServiceSamples: AsyncSequence, Sendable {
    /// A sample held until released.
    public typealias Element = HeldSample
    /// Errors are typed.
    public typealias Failure = InterprocessError

    let box: Box

    init(_ subscriber: consuming Subscriber) { box = Box(subscriber) }

    /// Iterates the samples.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let box: Box

        /// The next sample.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(InterprocessError) -> HeldSample? {
            try await box.next()
        }

        /// The next sample.
        public mutating func next() async throws(InterprocessError) -> HeldSample? {
            try await box.next()
        }
    }

    /// An iterator over the samples.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(box: box) }

    /// Owns the subscriber for the sequence and its iterators.
    final class Box: Sendable {
        let subscriber: Mutex<Subscriber>
        let failed = Atomic<Bool>(false)
        let storage: ServiceStorage

        init(_ subscriber: consuming Subscriber) {
            storage = subscriber.service.storage
            self.subscriber = Mutex(subscriber)
        }

        /// What one look under the lock found.
        enum Step: Sendable {
            case sample(HeldSample)
            case wait(UnsafeSendable<UnsafeMutablePointer<Atomic<UInt64>>>, UInt64, UnsafeSendable<UnsafeMutablePointer<Atomic<UInt32>>>)
            /// A sample was published after the receive looked: look again.
            case retry
        }

        func next() async throws(InterprocessError) -> HeldSample? {
            if failed.load(ordering: .relaxed) { return nil }
            do {
                while true {
                    try ProcessWaiter.checkCancellation(operation: "receive from service", name: storage.name)
                    let step = try subscriber.withLock { (subscriber: inout Subscriber) throws(InterprocessError) -> Step in
                        if let held = try subscriber.tryReceiveHeld() { return .sample(held) }
                        let word = subscriber.sequenceWord(at: subscriber.cursor)
                        let observed = word.pointee.load(ordering: .acquiring)
                        // Sleep only while the entry still holds nothing new: one published since
                        // the receive looked would never change again while a `.block` publisher
                        // waits for this subscriber — neither side would move.
                        guard Subscriber.isNothingNew(observed, at: subscriber.cursor) else { return .retry }
                        return .wait(UnsafeSendable(word), observed, UnsafeSendable(subscriber.parkedWord))
                    }
                    switch step {
                    case .sample(let held): return held
                    case .retry: continue
                    case .wait(let word, let observed, let parked):
                        let outcome = try await Subscriber.awaitChange(of: word.value, from: observed, storage: storage,
                                                                       parked: parked.value, until: .never)
                        try ProcessWaiter.requireAcquired(outcome, operation: "receive from service", name: storage.name)
                    }
                }
            } catch {
                failed.store(true, ordering: .relaxed)
                throw error
            }
        }
    }
}
#endif
