#if os(Linux)
public import Synchronization

/// One of the processes that receive a ``Service``'s samples.
///
/// Each sample is lent in place, read-only, for the length of a closure — the memory the
/// publisher wrote, never a copy:
///
/// ```swift
/// var subscriber = try Subscriber(service: service)
/// let checksum = try subscriber.receive { sample in
///     sample.withUnsafeBytes { bytes in bytes.reduce(0, &+) }
/// }
/// let text = try subscriber.receive(as: String.self, timeout: .seconds(1))   // copies
/// for try await sample in subscriber.samples() { … }                         // async
/// ```
///
/// A subscriber that falls behind either misses the oldest samples and is told how many
/// (``OverrunPolicy/dropOldest``) or holds the publisher back (``OverrunPolicy/block``).
/// Received + missed always equals what was published since it joined.
///
/// Receiving pins the sample's slot (one bit in the control segment), so the publisher does
/// not reuse it while it is read; a receive makes no system call and allocates nothing unless
/// it has to sleep, or meets a pool generation it has not mapped yet.
@frozen
public struct Subscriber: ~Copyable {
    /// The service this subscriber receives from.
    public let service: Service
    /// What this subscriber does when it falls a full buffer behind.
    public let overrunPolicy: OverrunPolicy
    @usableFromInline let seat: SubscriberSeat
    @usableFromInline let records: UnsafeMutableRawPointer
    @usableFromInline let recordStride: Int
    @usableFromInline let mask: Int
    @usableFromInline let slotCount: Int
    /// Offset of this subscriber's pin word in a slot record, and its bit there.
    @usableFromInline let pinOffset: Int
    @usableFromInline let pinBit: UInt64
    @usableFromInline let pools: UnsafeMutablePointer<PoolView>
    /// Per ring entry, the slot and generation (`slot | generation << 32`) that held its last
    /// sample received here, or `SubscriberSeat.noGuess`: where the next sample of that entry
    /// is looked for first.
    @usableFromInline let guesses: UnsafeMutablePointer<UInt64>
    @usableFromInline let cursorWord: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let receivedWord: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let missedWord: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let progressWaiters: UnsafeMutablePointer<Atomic<UInt32>>
    @usableFromInline let isBlocking: Bool
    /// The sequence of the next sample to read.
    @usableFromInline var cursor: UInt64
    @usableFromInline var received: UInt64
    @usableFromInline var missed: UInt64
    /// Missed since the last sample delivered (that sample's `missedBefore`).
    @usableFromInline var missedPending: UInt64

    /// Attaches to the service.
    ///
    /// - Parameters:
    ///   - service: the service to receive from.
    ///   - overrun: what happens when it falls a full buffer behind; nil for the service's
    ///     ``ServiceConfiguration/overrunPolicy``.
    ///   - history: whether to receive the service's last ``ServiceConfiguration/history``
    ///     samples first.
    /// - Throws: `resourceLimit` when ``ServiceConfiguration/maximumSubscribers`` live
    ///   subscribers are attached (dead ones' entries are reclaimed first).
    public init(service: Service, overrun: OverrunPolicy? = nil, history: Bool = true) throws(InterprocessError) {
        let storage = service.storage
        let index = try SubscriberTable.join(storage)
        let seat = SubscriberSeat(storage, index: index, claim: EndpointClaim.word(for: .current))
        let policy = overrun ?? storage.configuration.overrunPolicy
        let head = storage.word64(ServiceLayout.headOffset).pointee.load(ordering: .acquiring)
        let back = history ? UInt64(storage.configuration.history) : 0
        let start = head >= back ? head - back : 0
        SubscriberTable.word32(storage, index, ServiceLayout.subscriberHeldOffset).pointee.store(0, ordering: .relaxed)
        SubscriberTable.word64(storage, index, ServiceLayout.subscriberMissedOffset).pointee.store(0, ordering: .relaxed)
        SubscriberTable.word64(storage, index, ServiceLayout.subscriberReceivedOffset).pointee.store(0, ordering: .relaxed)
        SubscriberTable.word64(storage, index, ServiceLayout.subscriberCursorOffset).pointee.store(start, ordering: .sequentiallyConsistent)
        // Last: until now snapshots and gating skipped the entry (policy "joining").
        SubscriberTable.word32(storage, index, ServiceLayout.subscriberPolicyOffset).pointee
            .store(policy == .block ? 1 : 0, ordering: .sequentiallyConsistent)
        // The publisher rescans the table when this counter moves: a `.block` subscriber is
        // gated from the publisher's next send on.
        storage.word64(ServiceLayout.membershipOffset).pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
        // Map the live generations now rather than on the first sample that names them, so that
        // a `Service.remove` after the attach (which unlinks the pool names) leaves this
        // subscriber working, as a removed name does for every other handle.
        seat.mapLiveGenerations()
        self.service = service
        self.seat = seat
        overrunPolicy = policy
        records = storage.base + ServiceLayout.recordsOffset
        recordStride = storage.geometry.recordStride
        mask = storage.geometry.ringSize - 1
        slotCount = storage.geometry.slotCount
        pinOffset = ServiceLayout.slotPinsOffset + (index / 64) * 8
        pinBit = UInt64(1) << UInt64(index % 64)
        pools = seat.pools.views
        guesses = seat.guesses(ringSize: storage.geometry.ringSize)
        cursorWord = SubscriberTable.word64(storage, index, ServiceLayout.subscriberCursorOffset)
        receivedWord = SubscriberTable.word64(storage, index, ServiceLayout.subscriberReceivedOffset)
        missedWord = SubscriberTable.word64(storage, index, ServiceLayout.subscriberMissedOffset)
        progressWaiters = storage.word32(ServiceLayout.progressWaitersOffset)
        isBlocking = policy == .block
        cursor = start
        received = 0
        missed = 0
        missedPending = 0
    }

    /// How many samples this subscriber missed since it joined.
    public var missedCount: UInt64 { missed }
    /// How many samples this subscriber received since it joined.
    public var receivedCount: UInt64 { received }
    /// The sequence number of the next sample this subscriber reads.
    public var position: UInt64 { cursor }

    /// A snapshot of this subscriber, as ``ServiceState`` lists it.
    public var state: SubscriberState {
        SubscriberState.read(service.storage, index: seat.index)
            ?? SubscriberState(index: seat.index, process: QueueEndpointState(claimWord: seat.claim)!, overrunPolicy: overrunPolicy,
                               position: cursor, depth: 0, receivedCount: received, missedCount: missed, heldSamples: 0)
    }

    // MARK: The one receive

    /// A sample pinned for this subscriber: where its pin is, its bytes, its sequence.
    @frozen @usableFromInline
    struct Pinned {
        @usableFromInline let pin: UnsafeMutablePointer<Atomic<UInt64>>
        @usableFromInline let payload: UnsafeRawBufferPointer
        @usableFromInline let sequence: UInt64
        @usableFromInline let missedBefore: UInt64

        @inlinable
        init(pin: UnsafeMutablePointer<Atomic<UInt64>>, payload: UnsafeRawBufferPointer, sequence: UInt64, missedBefore: UInt64) {
            self.pin = pin
            self.payload = payload
            self.sequence = sequence
            self.missedBefore = missedBefore
        }
    }

    /// Pins the next sample and moves past it; nil when there is none and `deadline` is nil,
    /// else waits for one until `deadline` (`.timedOut`). The caller unpins it.
    ///
    /// Finding the slot: the slot this ring entry named a lap ago is where the publisher
    /// normally puts the sample again, so the subscriber first looks at that slot's sample
    /// header (whose sequence store is the publication, on the payload's first line: one line
    /// crosses between the cores, as in the C spin floor). When it does not say the cursor, the
    /// ring entry does the finding, as it does for a subscriber that has no guess yet.
    ///
    /// The pin handshake: set this subscriber's bit in the slot's pins, then read the slot's
    /// tag (both sequentially consistent, against the publisher's exchange of the tag and
    /// load of the pins): the tag still says this sequence → the slot is held; anything else →
    /// the sample is gone (counted missed, once the ring entry confirms it).
    @inlinable @inline(__always)
    mutating func _pinNext(until deadline: Deadline?) throws(InterprocessError) -> Pinned? {
        var guessing = true
        while true {
            let index = Int(truncatingIfNeeded: cursor) & mask
            var slot = -1
            if guessing {
                let guess = guesses[index]
                if guess != SubscriberSeat.noGuess {
                    let candidate = Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: guess))
                    let published = pools[Int(truncatingIfNeeded: guess >> 32)].sequenceWord(candidate).pointee.load(ordering: .acquiring)
                    if published == cursor {
                        slot = candidate
                    } else if deadline == nil, published < cursor, cursor &- published == UInt64(truncatingIfNeeded: mask &+ 1) {
                        // The slot still holds the entry's previous sample, and the publisher
                        // marks it before it puts the entry's next one elsewhere: nothing new.
                        return nil
                    }
                }
            }
            if slot < 0 {
                let entry = records + index &* recordStride
                let sequenceWord = (entry + ServiceLayout.entrySequenceOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
                let sequence = sequenceWord.pointee.load(ordering: .acquiring)
                if sequence != cursor {
                    if sequence == ServiceLayout.noSequence || Int64(bitPattern: sequence &- cursor) < 0 {
                        guard let deadline else { return nil }
                        try awaitPublication(sequenceWord, observed: sequence, until: deadline)
                        guessing = true
                        continue
                    }
                    try skipLapped(sequence)
                    guessing = true
                    continue
                }
                let location = (entry + ServiceLayout.entrySlotOffset).assumingMemoryBound(to: Atomic<UInt64>.self).pointee
                    .load(ordering: .relaxed)
                slot = Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: location))
                if slot >= slotCount { try ServiceFailure.raise(slotError(slot)) }
                // Start fetching the payload now, so that its line crosses while the pin does
                // (the entry names the generation too; the slot state, read after the pin, decides).
                let named = Int(truncatingIfNeeded: location >> 32)
                if named < ServiceLayout.maximumGenerations, pools[named].headers != nil {
                    CPU.prefetch(pools[named].header(slot))
                }
                guessing = false
            }
            let sequence = cursor
            let state = records + slot &* recordStride
            let pin = (state + pinOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
            pin.pointee.bitwiseOr(pinBit, ordering: .sequentiallyConsistent)
            if (state + ServiceLayout.slotTagOffset).assumingMemoryBound(to: Atomic<UInt64>.self).pointee
                .load(ordering: .sequentiallyConsistent) == sequence {
                let generation = Int(truncatingIfNeeded: (state + ServiceLayout.slotGenerationOffset)
                    .assumingMemoryBound(to: Atomic<UInt32>.self).pointee.load(ordering: .relaxed))
                var view = generation < ServiceLayout.maximumGenerations ? pools[generation] : PoolView()
                if view.base == nil { view = try poolView(generation, slot: slot, pin: pin) }
                // Ordered by the acquire of the header's or the entry's sequence, both stored after it.
                let count = Int(truncatingIfNeeded: (view.header(slot) + ServiceLayout.sampleByteCountOffset)
                    .assumingMemoryBound(to: UInt32.self).pointee)
                if count > view.payloadSize { try ServiceFailure.raise(byteCountError(count, slot: slot, generation: generation, view: view, pin: pin)) }
                guesses[index] = ServiceLayout.location(slot: slot, generation: generation)
                let pinned = Pinned(pin: pin, payload: UnsafeRawBufferPointer(start: view.base.unsafelyUnwrapped + slot &* view.stride, count: count),
                                    sequence: sequence, missedBefore: missedPending)
                missedPending = 0
                received &+= 1
                receivedWord.pointee.store(received, ordering: .relaxed)
                advance(to: sequence &+ 1)
                return pinned
            }
            pin.pointee.bitwiseAnd(~pinBit, ordering: .releasing)
            if guessing {
                // The guessed slot held the sample and was reused since: the ring entry says
                // whether the sample is gone or elsewhere.
                guessing = false
                continue
            }
            // Reused between the entry's read and the pin: it left the window.
            countMissed(1)
            advance(to: cursor &+ 1)
            guessing = true
        }
    }

    /// Receives through ``_pinNext(until:)`` and unpins when `body` returns or throws.
    @inlinable @inline(__always)
    mutating func _receive<Result>(
        until deadline: Deadline?, _ body: (borrowing ReceivedSample) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result? {
        guard let pinned = try _pinNext(until: deadline) else { return nil }
        defer {
            pinned.pin.pointee.bitwiseAnd(~pinBit, ordering: .releasing)
            askForNextPin()
        }
        return try body(ReceivedSample(sequence: pinned.sequence, missedBefore: pinned.missedBefore, payload: pinned.payload))
    }

    /// Asks for the line of the next sample's pins (in the slot guessed for it) for writing,
    /// while the publisher is not writing it: the pin then finds it here instead of waiting
    /// for a transfer after the sample is seen.
    @inlinable @inline(__always)
    func askForNextPin() {
        let guess = guesses[Int(truncatingIfNeeded: cursor) & mask]
        guard guess != SubscriberSeat.noGuess else { return }
        CPU.prefetchForWriting(records + (Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: guess)) &* recordStride &+ pinOffset))
    }

    /// Moves the cursor; a `.block` subscriber publishes it with the waker's half of the
    /// parking handshake and wakes the publisher if it sleeps.
    @inlinable @inline(__always)
    mutating func advance(to position: UInt64) {
        cursor = position
        if isBlocking {
            cursorWord.pointee.store(position, ordering: .sequentiallyConsistent)
            if FutexParking.mayHaveSleepers(progressWaiters) { wakePublisher() }
        } else {
            cursorWord.pointee.store(position, ordering: .relaxed)
        }
    }

    @inlinable @inline(__always)
    mutating func countMissed(_ count: UInt64) {
        missed &+= count
        missedPending &+= count
        missedWord.pointee.store(missed, ordering: .relaxed)
    }
}
// A `~Copyable` endpoint has one owner at a time, which may hand it to another thread or task;
// its raw pointers point into mappings that the endpoint's own references keep alive.
extension Subscriber: @unchecked Sendable {}
#endif
