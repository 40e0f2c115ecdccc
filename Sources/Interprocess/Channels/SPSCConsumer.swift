#if os(Linux)
public import Synchronization

/// The consuming end of an ``SPSCQueue``: at most one live per queue at a time, across all
/// processes. Made by ``SPSCQueue/makeConsumer()``.
///
/// Receives come in the forms every queue consumer shares (see ``QueueConsumer``): values,
/// bytes, strings, copies into a buffer, and the record lent in place as a `RawSpan`, each as
/// `tryReceive…`, `receive…`, `receive…(until:)` and `receive…(timeout:)`.
///
/// SPSC-only, for hot loops: the unsafe borrow ``tryPeek()`` / ``release(publish:)`` and
/// batched releases with ``publishReleases()``.
///
/// A record is released only when a receive completes (or by ``release(publish:)``): if the
/// consumer dies while it holds a record, the next consumer receives that record again.
@frozen
public struct SPSCConsumer: ~Copyable, QueueConsumer {
    @usableFromInline let mapping: SPSCMapping
    @usableFromInline let ring: UnsafeMutableRawPointer
    @usableFromInline let mask: Int
    @usableFromInline let capacity: Int
    /// The largest payload this queue accepts.
    public let maximumRecordSize: Int
    @usableFromInline let tail: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let head: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let consumerSleeping: UnsafeMutablePointer<Atomic<UInt32>>
    @usableFromInline let producerSleeping: UnsafeMutablePointer<Atomic<UInt32>>
    @usableFromInline let owner: UnsafeMutablePointer<Atomic<UInt64>>
    /// Where the next unread record starts.
    @usableFromInline var position: UInt64
    /// The index last published to the producer.
    @usableFromInline var released: UInt64
    /// The producer's tail as last read and checked: refreshed only when everything before it
    /// is consumed. Never ahead of `position` by more than the capacity, never behind it.
    @usableFromInline var cachedTail: UInt64
    /// Where the borrowed record ends (valid while `isBorrowing`).
    @usableFromInline var borrowedEnd: UInt64
    @usableFromInline var isBorrowing: Bool
    /// The pid of a dead consumer whose place this one took, if any.
    public let replacedConsumer: Int32?

    /// Claims the consumer's place in `mapping`'s queue (see ``SPSCQueue/makeConsumer()``).
    init(_ mapping: SPSCMapping) throws(InterprocessError) {
        let name = mapping.storage.name
        let owner = mapping.word64(SPSCLayout.consumerOwnerOffset)
        let replaced = try EndpointClaim.claim(owner, role: "consumer", name: name)
        let indices: (tail: UInt64, head: UInt64)
        do {
            indices = try mapping.attachIndices(operation: "make consumer of queue")
        } catch {
            EndpointClaim.release(owner)
            throw error
        }
        self.owner = owner
        replacedConsumer = replaced
        tail = mapping.word64(SPSCLayout.tailOffset)
        head = mapping.word64(SPSCLayout.headOffset)
        consumerSleeping = mapping.word32(SPSCLayout.consumerSleepingOffset)
        producerSleeping = mapping.word32(SPSCLayout.producerSleepingOffset)
        consumerSleeping.pointee.store(0, ordering: .relaxed)
        ring = mapping.ring
        capacity = mapping.capacity
        mask = mapping.capacity - 1
        maximumRecordSize = mapping.maximumRecordSize
        position = indices.head
        released = position
        cachedTail = indices.tail
        borrowedEnd = position
        isBorrowing = false
        self.mapping = mapping
    }

    deinit {
        EndpointClaim.release(owner)
    }

    // MARK: Zero-copy

    /// **Unsafe, SPSC-only, for hot loops** (the safe in-place form is
    /// ``QueueConsumer/tryReceive(_:)``): borrows the next record in place, or returns nil when
    /// the queue is empty. The bytes stay valid and unchanged only until ``release(publish:)``;
    /// reading them afterwards reads whatever the producer writes there next. Peeking again
    /// returns the same record.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` if the producer's `tail` or the next record
    ///   header cannot be right (see `docs/FORMAT.md`); the record stays where it is, so every
    ///   later peek reports the same.
    @inlinable @inline(__always)
    public mutating func tryPeek() throws(InterprocessError) -> UnsafeRawBufferPointer? {
        if position == cachedTail {
            let published = tail.pointee.load(ordering: .acquiring)
            if published == position { return nil }
            guard mapping.indicesAreValid(tail: published, head: position) else { throw tailError(published) }
            cachedTail = published
        }
        var offset = Int(truncatingIfNeeded: position) & mask
        // Length in the low half, flags in the high half: any flag makes it exceed the limit.
        var header = UInt64(littleEndian: (ring + offset).load(as: UInt64.self))
        if header > UInt64(truncatingIfNeeded: maximumRecordSize) {
            try skipPadding(header, at: offset)
            offset = 0
            header = UInt64(littleEndian: ring.load(as: UInt64.self))
            guard header <= UInt64(truncatingIfNeeded: maximumRecordSize) else { throw recordHeaderError(header, offset: 0) }
        }
        let length = Int(truncatingIfNeeded: header)
        let footprint = SPSCLayout.footprint(length)
        guard offset &+ footprint <= capacity, UInt64(truncatingIfNeeded: footprint) <= cachedTail &- position else {
            throw recordHeaderError(header, offset: offset)
        }
        borrowedEnd = position &+ UInt64(truncatingIfNeeded: footprint)
        isBorrowing = true
        return UnsafeRawBufferPointer(start: ring + offset + SPSCLayout.recordHeaderSize, count: length)
    }

    /// Releases the borrowed record, so its space can be reused, and (unless `publish` is
    /// false) tells the producer about everything released so far. Does nothing without a
    /// borrowed record. To batch, release with `publish: false` and call ``publishReleases()``.
    @inlinable
    public mutating func release(publish: Bool = true) {
        guard isBorrowing else { return }
        isBorrowing = false
        position = borrowedEnd
        if publish { publishReleases() }
    }

    /// Hands every released record's space back to the producer, waking it if it is parked.
    @inlinable
    public mutating func publishReleases() {
        guard position != released else { return }
        released = position
        // Sequentially consistent store, then load: the parking handshake, as in the producer's publish.
        head.pointee.store(position, ordering: .sequentiallyConsistent)
        if FutexParking.mayHaveSleepers(producerSleeping) { wakeProducer() }
    }

    // MARK: Receiving

    /// The one operation every ``QueueConsumer`` form goes through (see there).
    @inlinable @inline(__always)
    public mutating func _receiveRecord<Result>(
        accepting accepted: ClosedRange<Int>, until deadline: Deadline?,
        _ read: (UnsafeRawBufferPointer) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result? {
        while true {
            if let record = try tryPeek() {
                guard accepted.contains(record.count) else { try QueueFailure.raise(lengthError(record.count, accepted)) }
                defer { release() }
                return try read(record)
            }
            guard let deadline else { return nil }
            if !recordArrives(until: deadline) { try QueueFailure.raise(timedOutError()) }
        }
    }

    /// Waits until a record is available. SPSC-only: with ``tryPeek()``, a blocking unsafe
    /// borrow.
    ///
    /// - Throws: ``InterprocessError/Code/timedOut`` if none arrived before `deadline`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func waitForRecord(until deadline: Deadline = .never) throws(InterprocessError) {
        if !recordArrives(until: deadline) { try QueueFailure.raise(timedOutError()) }
    }

    /// Waits until a record is available or `deadline` passes; returns whether one is.
    @inlinable
    mutating func recordArrives(until deadline: Deadline) -> Bool {
        if position != cachedTail { return true }
        // Only tryPeek() caches the tail, after checking it.
        if tail.pointee.load(ordering: .acquiring) != position { return true }
        let ready = parkUntilRecord(until: deadline)
        cachedTail = position
        return ready
    }

    // MARK: Slow paths (not inlined)

    /// Publishes releases, then spins and parks until the producer publishes or the deadline passes.
    @usableFromInline
    mutating func parkUntilRecord(until deadline: Deadline) -> Bool {
        publishReleases()
        var spins = 0
        while true {
            cachedTail = tail.pointee.load(ordering: .acquiring)
            if position != cachedTail { return true }
            if spins < ChannelWaiting.spinLimit {
                spins += 1
                CPU.relax()
                if spins & 255 == 0, deadline.hasPassed { return false }
                continue
            }
            if deadline.hasPassed || mapping.storage.wasTruncated { return false }
            let awaited = position
            recordParking.sleepOnce(until: deadline) {
                let observed = tail.pointee.load(ordering: .sequentiallyConsistent)
                return observed == awaited ? UInt32(truncatingIfNeeded: observed) : nil
            }
        }
    }

    /// Where the consumer sleeps for a record: the low half of the tail index, announced in
    /// `consumerSleeping`; the producer's ``SPSCProducer/publish()`` is the waker.
    var recordParking: FutexParking {
        FutexParking(word: UnsafeMutableRawPointer(mapping.futexWord(SPSCLayout.tailOffset)), waiters: consumerSleeping, sleepers: .single)
    }

    @usableFromInline
    func wakeProducer() {
        Futex.wake(mapping.futexWord(SPSCLayout.headOffset))
    }

    /// Passes a padding header at ring offset `offset` (not 0): moves `position` to the ring's
    /// start, where the record published with the padding begins.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` if `header` is not a padding header, or is
    ///   one where none can be: at the ring's start, or with nothing published after it.
    @usableFromInline
    mutating func skipPadding(_ header: UInt64, at offset: Int) throws(InterprocessError) {
        let padding = UInt64(truncatingIfNeeded: capacity &- offset)
        // The producer publishes a padding record only together with the record after it.
        guard header == SPSCLayout.paddingHeader, offset != 0, padding < cachedTail &- position else {
            throw recordHeaderError(header, offset: offset)
        }
        position &+= padding
    }

    @usableFromInline
    func tailError(_ published: UInt64) -> InterprocessError {
        mapping.indexError(tail: published, head: position, headName: "read position (head)", operation: "receive from queue")
    }

    @usableFromInline
    func recordHeaderError(_ header: UInt64, offset: Int) -> InterprocessError {
        mapping.recordHeaderError(header, at: position, offset: offset, tail: cachedTail)
    }

    @usableFromInline
    func timedOutError() -> InterprocessError {
        mapping.storage.judged(InterprocessError(.timedOut, operation: "receive from queue", name: mapping.storage.name,
                          reason: "no record arrived before the deadline"))
    }

    @usableFromInline
    func lengthError(_ length: Int, _ accepted: ClosedRange<Int>) -> InterprocessError {
        InterprocessError(.invalidArgument, operation: "receive from queue", name: mapping.storage.name,
                          reason: QueueBytes.lengthMismatch(length, accepted))
    }
}
#endif
