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
    /// The producer's tail as last read: refreshed only when everything before it is consumed.
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
    public init(attachingTo name: String, timeout: Duration = .seconds(5)) throws(InterprocessError) {
        let mapping = try SPSCMapping(opening: name, timeout: timeout)
        let owner = mapping.word64(SPSCLayout.consumerOwnerOffset)
        let replaced = try EndpointClaim.claim(owner, role: "consumer", name: name)
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
        position = head.pointee.load(ordering: .acquiring)
        released = position
        cachedTail = tail.pointee.load(ordering: .acquiring)
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
    /// - Throws: ``InterprocessError/Code/corrupt`` if the ring holds a record header that
    ///   cannot be right (a length past the limit or past what the producer published).
    @inlinable @inline(__always)
    public mutating func tryPeek() throws(InterprocessError) -> UnsafeRawBufferPointer? {
        while true {
            if position == cachedTail {
                cachedTail = tail.pointee.load(ordering: .acquiring)
                if position == cachedTail { return nil }
            }
            let offset = Int(truncatingIfNeeded: position) & mask
            let word = UInt64(littleEndian: (ring + offset).load(as: UInt64.self))
            if UInt32(truncatingIfNeeded: word >> 32) & SPSCLayout.paddingFlag != 0 {
                position &+= UInt64(truncatingIfNeeded: capacity &- offset)
                continue
            }
            let length = Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: word))
            let end = position &+ UInt64(truncatingIfNeeded: SPSCLayout.footprint(length))
            guard length <= maximumRecordSize, offset &+ SPSCLayout.footprint(length) <= capacity,
                  end &- position <= cachedTail &- position
            else { throw corruptRecordError(length: length, at: position) }
            borrowedEnd = end
            isBorrowing = true
            return UnsafeRawBufferPointer(start: ring + offset + SPSCLayout.recordHeaderSize, count: length)
        }
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
    public mutating func waitForRecord(until deadline: MonotonicDeadline = .never) -> Bool {
        if position != cachedTail { return true }
        cachedTail = tail.pointee.load(ordering: .acquiring)
        if position != cachedTail { return true }
        return parkUntilRecord(until: deadline)
    }

    /// Receives the next record as a `Value`, waiting until `deadline`; nil if it passed.
    @inlinable
    public mutating func receive<Value: BitwiseCopyable>(as type: Value.Type, until deadline: MonotonicDeadline) throws(InterprocessError) -> Value? {
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
    public mutating func receive(into buffer: UnsafeMutableRawBufferPointer, until deadline: MonotonicDeadline = .never) throws(InterprocessError) -> Int? {
        while true {
            if let count = try tryReceive(into: buffer) { return count }
            if !waitForRecord(until: deadline) { return nil }
        }
    }

    // MARK: Slow paths (not inlined)

    /// Publishes releases, then spins and parks until the producer publishes or the deadline passes.
    @usableFromInline
    mutating func parkUntilRecord(until deadline: MonotonicDeadline) -> Bool {
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

    @usableFromInline
    func corruptRecordError(length: Int, at index: UInt64) -> InterprocessError {
        InterprocessError(.corrupt, operation: "receive", name: mapping.segment.name.rawValue,
                          reason: "the record at index \(index) claims \(length) bytes, past the limit of \(maximumRecordSize) or past what the producer published")
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
