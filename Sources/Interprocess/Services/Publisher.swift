#if os(Linux)
public import Synchronization

/// The one process that publishes a ``Service``'s samples.
///
/// Loan, write in place, send: the closure of `send(byteCount:_:)` writes straight into a
/// slot of the shared pool, and every subscriber then reads that memory — nothing is copied.
///
/// ```swift
/// var publisher = try Publisher(service: service)
/// try publisher.send(byteCount: frame.count) { payload in
///     payload.withUnsafeMutableBytes { $0.copyMemory(from: frame) }
/// }
/// try publisher.send("hello")                  // copies: values, bytes, strings
/// let sequence = try publisher.trySend(contentsOf: [1, 2, 3])   // nil while a .block subscriber lags
/// ```
///
/// One live publisher per service: a second fails with `alreadyExists`; the seat of a dead
/// one is taken over (a sample it was writing is never published). Every send returns the
/// sample's sequence number. `send` waits only while a `.block` subscriber is a full buffer
/// behind; `trySend` returns nil instead, and the deadline forms throw `.timedOut`.
///
/// A send larger than the pool's current slots grows the pool (a new pool generation that
/// subscribers map when they first meet it); above the configured maximum it is
/// `invalidArgument`. In steady state a send makes no system call and allocates nothing: it
/// writes the payload, stores the ring entry, and prepares the slot of the next sample.
@frozen
public struct Publisher: ~Copyable {
    /// The service this publisher publishes.
    public let service: Service
    @usableFromInline let book: PublisherBook
    @usableFromInline let records: UnsafeMutableRawPointer
    @usableFromInline let recordStride: Int
    @usableFromInline let mask: Int
    @usableFromInline let slotCount: Int
    @usableFromInline let pinWords: Int
    @usableFromInline let head: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let publicationWaiters: UnsafeMutablePointer<Atomic<UInt32>>
    @usableFromInline let membership: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let maximumByteCount: Int
    @usableFromInline let isFixedSize: Bool
    /// The sequence the next sample gets.
    @usableFromInline var next: UInt64
    /// The slot prepared for `next` (its tag already says `next`), or -1.
    @usableFromInline var loanSlot: Int
    /// The current pool generation, and where its slots are.
    @usableFromInline var generation: Int
    @usableFromInline var pool: PoolView
    /// Sequences below this may be published without looking at `.block` subscribers (the
    /// lowest `.block` cursor plus the buffer capacity, as last scanned: the gating cache).
    @usableFromInline var gateLimit: UInt64
    /// The membership counter when the gating cache was filled.
    @usableFromInline var seenMembership: UInt64
    /// The pid of a dead publisher whose seat this one took, if any.
    public let replacedPublisher: Int32?

    /// Takes the service's publisher seat.
    ///
    /// - Throws: `alreadyExists` while another live process publishes; `corrupt` for a damaged
    ///   control segment.
    public init(service: Service) throws(InterprocessError) {
        let storage = service.storage
        let claim = storage.word64(ServiceLayout.publisherOffset)
        let replaced = try EndpointClaim.claim(claim, role: "publisher", name: storage.name, of: "service")
        let book: PublisherBook
        let resume: PublisherBook.Resumption
        do throws(InterprocessError) {
            book = PublisherBook(storage)
            resume = try book.resume()
        } catch {
            EndpointClaim.release(claim)
            throw error
        }
        replacedPublisher = replaced
        self.book = book
        self.service = service
        records = storage.base + ServiceLayout.recordsOffset
        recordStride = storage.geometry.recordStride
        mask = storage.geometry.ringSize - 1
        slotCount = storage.geometry.slotCount
        pinWords = storage.geometry.pinWords
        head = storage.word64(ServiceLayout.headOffset)
        publicationWaiters = storage.word32(ServiceLayout.publicationWaitersOffset)
        membership = storage.word64(ServiceLayout.membershipOffset)
        maximumByteCount = storage.configuration.payload.size
        isFixedSize = storage.configuration.payload.isFixedSize
        next = resume.next
        generation = resume.generation
        pool = book.pools.views[resume.generation]
        loanSlot = -1
        gateLimit = 0
        seenMembership = 0
        // A dead publisher may have left its sleeping flag set.
        storage.word32(ServiceLayout.progressWaitersOffset).pointee.store(0, ordering: .relaxed)
        preloan()
    }

    deinit {
        EndpointClaim.release(service.storage.word64(ServiceLayout.publisherOffset))
    }

    /// The sequence number the next sample will get (how many were published before).
    public var nextSequence: UInt64 { next }

    // MARK: The one send

    /// The operation every send form goes through: loans the prepared slot, lets `write` fill
    /// (a prefix of) `byteCount` bytes and return how many it wrote, publishes the sample and
    /// prepares the next slot. Without a deadline it returns nil at once when a `.block`
    /// subscriber is a full buffer behind; with one it waits, and throws `.timedOut` when it
    /// passes. If `write` throws, nothing is published and the slot stays prepared.
    @inlinable @inline(__always)
    mutating func _send(
        byteCount: Int, until deadline: Deadline?,
        _ write: (UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Int
    ) throws(InterprocessError) -> UInt64? {
        if byteCount < 0 || byteCount > maximumByteCount || (isFixedSize && byteCount != maximumByteCount) {
            try ServiceFailure.raise(sizeError(byteCount))
        }
        if next >= gateLimit || membership.pointee.load(ordering: .relaxed) != seenMembership {
            guard try gate(until: deadline) else { return nil }
        }
        if loanSlot < 0 || byteCount > pool.payloadSize {
            try prepareSlot(for: byteCount)
        }
        let slot = loanSlot
        let offset = slot &* pool.stride
        let written = try write(UnsafeMutableRawBufferPointer(start: pool.base.unsafelyUnwrapped + offset, count: byteCount))
        let count = Swift.min(Swift.max(0, written), byteCount)
        let sequence = next
        // The sample header, on the payload's first line: its sequence store publishes the
        // sample (a subscriber that watches it finds the payload's first bytes in the same line).
        pool.header(slot).storeBytes(of: UInt64(truncatingIfNeeded: count) | UInt64(truncatingIfNeeded: generation) << 32,
                                     toByteOffset: ServiceLayout.sampleByteCountOffset, as: UInt64.self)
        pool.sequenceWord(slot).pointee.store(sequence, ordering: .releasing)
        // The ring entry: for subscribers that do not know the slot yet, and for waiters.
        let entry = records + (Int(truncatingIfNeeded: sequence) & mask) &* recordStride
        (entry + ServiceLayout.entrySlotOffset).assumingMemoryBound(to: Atomic<UInt64>.self).pointee
            .store(ServiceLayout.location(slot: slot, generation: generation), ordering: .relaxed)
        // The waker's half of the parking handshake (FutexParking): a sequentially consistent
        // store of the state, then a sequentially consistent load of the waiter count.
        (entry + ServiceLayout.entrySequenceOffset).assumingMemoryBound(to: Atomic<UInt64>.self).pointee
            .store(sequence, ordering: .sequentiallyConsistent)
        head.pointee.store(sequence &+ 1, ordering: .releasing)
        if FutexParking.mayHaveSleepers(publicationWaiters) { wakeSubscribers() }
        next = sequence &+ 1
        loanSlot = -1
        preloan()
        return sequence
    }

    /// Prepares the slot of sample `next`: the slot its ring entry names, if no subscriber
    /// holds it (the reuse handshake: exchange the tag, then look at the pins), else a spare.
    @inlinable @inline(__always)
    mutating func preloan() {
        let entry = records + (Int(truncatingIfNeeded: next) & mask) &* recordStride
        let slot = Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: (entry + ServiceLayout.entrySlotOffset)
            .assumingMemoryBound(to: Atomic<UInt64>.self).pointee.load(ordering: .relaxed)))
        guard slot < slotCount else { return preloanSpare(bound: -1) }
        let state = records + slot &* recordStride
        let tag = (state + ServiceLayout.slotTagOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
        let old = tag.pointee.exchange(next, ordering: .sequentiallyConsistent)
        var word = 0
        while word < pinWords {
            if (state + (ServiceLayout.slotPinsOffset &+ word &* 8)).assumingMemoryBound(to: Atomic<UInt64>.self).pointee
                .load(ordering: .sequentiallyConsistent) != 0 {
                tag.pointee.store(old, ordering: .releasing)
                return preloanSpare(bound: slot)
            }
            word &+= 1
        }
        let slotGeneration = (state + ServiceLayout.slotGenerationOffset).assumingMemoryBound(to: Atomic<UInt32>.self)
        if old == ServiceLayout.freeTag || Int(truncatingIfNeeded: slotGeneration.pointee.load(ordering: .relaxed)) != generation {
            moveContent(of: slot, from: old == ServiceLayout.freeTag ? nil : Int(slotGeneration.pointee.load(ordering: .relaxed)))
        }
        loanSlot = slot
    }

    // MARK: Slow paths (not inlined)

    /// Bumps the publication word and wakes every sleeping subscriber. A wake that finds
    /// nobody while the count says someone sleeps may be a subscriber killed asleep: every
    /// 256 such wakes, dead sleepers' entries are reclaimed (which takes them out of the count),
    /// so that a killed subscriber does not cost every later publish a system call.
    @usableFromInline
    func wakeSubscribers() {
        let parking = service.storage.publicationParking
        parking.word.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
        if Futex.wake(parking.futexWord) == 0 { book.noteFruitlessWake() }
    }

    @usableFromInline
    func sizeError(_ count: Int) -> InterprocessError {
        let reason = isFixedSize
            ? "a sample of this service holds exactly \(maximumByteCount) bytes (got \(count))"
            : "a sample of \(count) bytes is outside this service's limit of 0...\(maximumByteCount) bytes"
        return InterprocessError(.invalidArgument, operation: "send to service", name: service.name, reason: reason)
    }
}

/// Throwing from inlinable hot paths goes through this non-inlined call (see ``QueueFailure``).
@usableFromInline
enum ServiceFailure {
    /// Throws `error`.
    @usableFromInline
    static func raise(_ error: InterprocessError) throws(InterprocessError) -> Never {
        throw error
    }
}
// A `~Copyable` endpoint has one owner at a time, which may hand it to another thread or task;
// its raw pointers point into mappings that the endpoint's own references keep alive.
extension Publisher: @unchecked Sendable {}
#endif
