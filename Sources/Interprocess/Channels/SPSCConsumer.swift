import CInterprocessShim
public import Synchronization

/// The consuming end of an ``SPSCQueue``: at most one per queue at a time, across all processes.
///
/// Zero-copy: ``tryPeek()`` borrows the next record in place, and ``release(publish:)`` hands its
/// space back to the producer; ``tryReceive(_:)`` does both around a closure. Or copy out with
/// ``tryReceive(into:)`` and ``tryReceive(as:)``. Every receive comes non-blocking, blocking and
/// with a deadline.
///
/// A record is released only by ``release(publish:)``: if the consumer dies while it holds a
/// borrowed record, the next consumer to attach receives that record again.
@frozen
public struct SPSCConsumer: ~Copyable {
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

    /// Attaches as the queue's consumer, continuing after the last record released.
    ///
    /// - Throws: ``InterprocessError/Code/alreadyExists`` while another live process is the
    ///   consumer; the errors of ``Segment/init(open:kind:kindVersion:access:timeout:)``.
    public init(attachingTo name: String, timeout: Duration = .zero) throws(InterprocessError) {
        let mapping = try SPSCMapping(opening: name, timeout: timeout)
        let owner = mapping.word64(SPSCLayout.consumerOwnerOffset)
        let replaced = try EndpointClaim.claim(owner, role: "consumer", name: name)
        let indices: (tail: UInt64, head: UInt64)
        do {
            indices = try mapping.attachIndices(operation: "attach a consumer to queue")
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

    /// Borrows the next record in place, or returns nil when the queue is empty. The bytes stay
    /// valid and unchanged until ``release(publish:)``; peeking again returns the same record.
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

    /// Calls `body` with the next record in place and releases it afterwards (also when `body`
    /// throws); returns nil without calling `body` when the queue is empty.
    @inlinable
    public mutating func tryReceive<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws -> Result? {
        guard let record = try tryPeek() else { return nil }
        defer { release() }
        return try body(record)
    }

    // MARK: Copying receives

    /// Copies the next record into `buffer` and returns its length, or nil when the queue is
    /// empty. A record longer than `buffer` is an ``InterprocessError/Code/invalidArgument``
    /// error and stays in the queue.
    @inlinable
    public mutating func tryReceive(into buffer: UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Int? {
        guard let record = try tryPeek() else { return nil }
        guard record.count <= buffer.count else { throw bufferTooSmallError(record.count, buffer.count) }
        if let source = record.baseAddress, record.count > 0 {
            buffer.baseAddress!.copyMemory(from: source, byteCount: record.count)
        }
        release()
        return record.count
    }

    /// Receives the next record as a value of type `Value`, or nil when the queue is empty. A
    /// record whose length is not `MemoryLayout<Value>.size` is an error and stays in the queue.
    @inlinable
    public mutating func tryReceive<Value: BitwiseCopyable>(as type: Value.Type) throws(InterprocessError) -> Value? {
        guard let record = try tryPeek() else { return nil }
        guard record.count == MemoryLayout<Value>.size else { throw typeSizeError(record.count, MemoryLayout<Value>.size) }
        let value = record.baseAddress!.loadUnaligned(as: Value.self)
        release()
        return value
    }

    /// Waits until a record is available or `deadline` passes; returns whether one is.
    @inlinable
    public mutating func waitForRecord(until deadline: Deadline = .never) -> Bool {
        if position != cachedTail { return true }
        // Only tryPeek() caches the tail, after checking it.
        if tail.pointee.load(ordering: .acquiring) != position { return true }
        let ready = parkUntilRecord(until: deadline)
        cachedTail = position
        return ready
    }

    /// Receives the next record as a `Value`, waiting until `deadline`; nil if it passed.
    @inlinable
    public mutating func receive<Value: BitwiseCopyable>(as type: Value.Type, until deadline: Deadline) throws(InterprocessError) -> Value? {
        while true {
            if let value = try tryReceive(as: type) { return value }
            if !waitForRecord(until: deadline) { return nil }
        }
    }

    /// Receives the next record as a `Value`, waiting as long as it takes.
    @inlinable
    public mutating func receive<Value: BitwiseCopyable>(as type: Value.Type) throws(InterprocessError) -> Value {
        while true {
            if let value = try tryReceive(as: type) { return value }
            _ = waitForRecord(until: .never)
        }
    }

    /// Copies the next record into `buffer`, waiting until `deadline`; returns its length, or
    /// nil if the deadline passed.
    @inlinable
    public mutating func receive(into buffer: UnsafeMutableRawBufferPointer, until deadline: Deadline = .never) throws(InterprocessError) -> Int? {
        while true {
            if let count = try tryReceive(into: buffer) { return count }
            if !waitForRecord(until: deadline) { return nil }
        }
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
                ipc_cpu_relax()
                if spins & 255 == 0, deadline.hasPassed { return false }
                continue
            }
            if deadline.hasPassed { return false }
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
        mapping.indexError(tail: published, head: position, headName: "read position (head)", operation: "receive")
    }

    @usableFromInline
    func recordHeaderError(_ header: UInt64, offset: Int) -> InterprocessError {
        mapping.recordHeaderError(header, at: position, offset: offset, tail: cachedTail)
    }

    @usableFromInline
    func bufferTooSmallError(_ needed: Int, _ available: Int) -> InterprocessError {
        InterprocessError(.invalidArgument, operation: "receive", name: mapping.segment.name.rawValue,
                          reason: "the next record is \(needed) bytes, but the buffer holds \(available)")
    }

    @usableFromInline
    func typeSizeError(_ length: Int, _ expected: Int) -> InterprocessError {
        InterprocessError(.invalidArgument, operation: "receive", name: mapping.segment.name.rawValue,
                          reason: "the next record is \(length) bytes, not the \(expected) bytes of the requested type")
    }
}
