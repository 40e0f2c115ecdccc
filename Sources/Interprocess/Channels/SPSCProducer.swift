#if os(Linux)
public import Synchronization

/// The producing end of an ``SPSCQueue``: at most one live per queue at a time, across all
/// processes. Made by ``SPSCQueue/makeProducer()``.
///
/// Sends come in the forms every queue producer shares (see ``QueueProducer``): values, bytes,
/// strings, buffers, and records written in place through an `OutputRawSpan`, each as
/// `trySend…`, `send…`, `send…(until:)` and `send…(timeout:)`. Blocking spins briefly, then
/// parks on a futex; the consumer only makes a system call to wake it when it is parked.
///
/// SPSC-only, for hot loops: batching with `trySend(_:publish:)` and ``publish()``
/// (many records, one index store), and the unsafe zero-copy pair ``tryReserve(_:)`` /
/// ``commit(_:publish:)``.
@frozen
public struct SPSCProducer: ~Copyable, QueueProducer {
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
    /// Where the next record goes (committed records end here; published ones end at `published`).
    @usableFromInline var position: UInt64
    @usableFromInline var published: UInt64
    /// The consumer's head as last read: refreshed only when the ring looks full.
    @usableFromInline var cachedHead: UInt64
    /// The reserved record: its header's ring offset (-1: none), index, and capacity.
    @usableFromInline var reservedOffset: Int
    @usableFromInline var reservedPosition: UInt64
    @usableFromInline var reservedCount: Int
    /// The pid of a dead producer whose place this one took, if any.
    public let replacedProducer: Int32?

    /// Claims the producer's place in `mapping`'s queue (see ``SPSCQueue/makeProducer()``).
    init(_ mapping: SPSCMapping) throws(InterprocessError) {
        let name = mapping.storage.name
        let owner = mapping.word64(SPSCLayout.producerOwnerOffset)
        let replaced = try EndpointClaim.claim(owner, role: "producer", name: name)
        let indices: (tail: UInt64, head: UInt64)
        do {
            indices = try mapping.attachIndices(operation: "make producer of queue")
        } catch {
            EndpointClaim.release(owner)
            throw error
        }
        self.owner = owner
        replacedProducer = replaced
        tail = mapping.word64(SPSCLayout.tailOffset)
        head = mapping.word64(SPSCLayout.headOffset)
        consumerSleeping = mapping.word32(SPSCLayout.consumerSleepingOffset)
        producerSleeping = mapping.word32(SPSCLayout.producerSleepingOffset)
        // A dead producer may have left its sleeping flag set.
        producerSleeping.pointee.store(0, ordering: .relaxed)
        ring = mapping.ring
        capacity = mapping.capacity
        mask = mapping.capacity - 1
        maximumRecordSize = mapping.maximumRecordSize
        position = indices.tail
        published = position
        cachedHead = indices.head
        reservedOffset = -1
        reservedPosition = 0
        reservedCount = 0
        self.mapping = mapping
    }

    deinit {
        EndpointClaim.release(owner)
    }

    // MARK: Zero-copy

    /// **Unsafe, SPSC-only, for hot loops** (the safe in-place form is
    /// ``QueueProducer/trySend(upTo:_:)``): reserves space for a record of `count` bytes and
    /// returns it for writing in place, or nil when the queue is full. The buffer is valid only
    /// until ``commit(_:publish:)``; writing through it afterwards corrupts other records. Nothing is visible to the consumer until ``commit(_:publish:)``.
    /// A second reservation before committing replaces the first.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` when `count` exceeds
    ///   ``maximumRecordSize`` or is negative; ``InterprocessError/Code/corrupt`` when the
    ///   consumer's `head`, read when the ring looks full, cannot be right (see `docs/FORMAT.md`).
    @inlinable @inline(__always)
    public mutating func tryReserve(_ count: Int) throws(InterprocessError) -> UnsafeMutableRawBufferPointer? {
        guard count >= 0, count <= maximumRecordSize else { try QueueFailure.raise(recordSizeError(count)) }
        let offset = Int(truncatingIfNeeded: position) & mask
        let needed = SPSCLayout.footprint(count)
        let contiguous = capacity &- offset
        // A record never wraps: if it does not fit before the ring's end, a padding record fills
        // the end and the record starts at offset 0.
        let padding = needed > contiguous ? contiguous : 0
        let end = position &+ UInt64(truncatingIfNeeded: padding &+ needed)
        if end &- cachedHead > UInt64(truncatingIfNeeded: capacity) {
            let released = head.pointee.load(ordering: .acquiring)
            guard mapping.indicesAreValid(tail: position, head: released) else { try QueueFailure.raise(headError(released)) }
            cachedHead = released
            if end &- cachedHead > UInt64(truncatingIfNeeded: capacity) { return nil }
        }
        var recordOffset = offset
        reservedPosition = position
        if padding != 0 {
            (ring + offset).storeBytes(of: (UInt64(SPSCLayout.paddingFlag) << 32).littleEndian, as: UInt64.self)
            recordOffset = 0
            reservedPosition = position &+ UInt64(truncatingIfNeeded: padding)
        }
        reservedOffset = recordOffset
        reservedCount = count
        return UnsafeMutableRawBufferPointer(start: ring + recordOffset + SPSCLayout.recordHeaderSize, count: count)
    }

    /// Commits the reserved record with its first `count` bytes (at most the reserved count)
    /// and, unless `publish` is false, publishes it and everything committed before it.
    @inlinable @inline(__always)
    public mutating func commit(_ count: Int, publish: Bool = true) {
        precondition(reservedOffset >= 0, "commit without a reservation")
        precondition(count >= 0 && count <= reservedCount, "commit of more bytes than were reserved")
        // Length in the low half, flags (none) in the high half: one store.
        (ring + reservedOffset).storeBytes(of: UInt64(truncatingIfNeeded: count).littleEndian, as: UInt64.self)
        position = reservedPosition &+ UInt64(truncatingIfNeeded: SPSCLayout.footprint(count))
        reservedOffset = -1
        if publish { self.publish() }
    }

    /// Makes every committed record visible to the consumer, and wakes it if it is parked.
    @inlinable
    public mutating func publish() {
        guard position != published else { return }
        published = position
        // The waker's half of the parking handshake (FutexParking): a sequentially consistent
        // store (one locked instruction), then a sequentially consistent load of the flag (a
        // plain load on x86), or a consumer going to sleep at this moment could miss the wake-up.
        tail.pointee.store(position, ordering: .sequentiallyConsistent)
        if FutexParking.mayHaveSleepers(consumerSleeping) { wakeConsumer() }
    }

    // MARK: Sending

    /// The one operation every ``QueueProducer`` form goes through (see there).
    @inlinable @inline(__always)
    public mutating func _sendRecord(
        byteCount: Int, until deadline: Deadline?,
        _ write: (UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Int
    ) throws(InterprocessError) -> Bool {
        while true {
            if let space = try tryReserve(byteCount) {
                // Public entry point: a count outside what was reserved is clamped, never a trap.
                commit(Swift.min(Swift.max(0, try write(space)), byteCount))
                return true
            }
            guard let deadline else { return false }
            if !spaceFrees(byteCount, until: deadline) { try QueueFailure.raise(timedOutError()) }
        }
    }

    /// Sends a copy of `value`'s bytes if there is room, publishing it only if `publish` is
    /// true; returns false when the queue is full. SPSC-only, for batching: send many with
    /// `publish: false`, then call ``publish()`` once.
    @inlinable @inline(__always)
    public mutating func trySend<Value: InterprocessValue>(_ value: Value, publish: Bool) throws(InterprocessError) -> Bool {
        guard let space = try tryReserve(MemoryLayout<Value>.size) else { return false }
        space.baseAddress!.storeBytes(of: value, as: Value.self)
        commit(MemoryLayout<Value>.size, publish: publish)
        return true
    }

    /// Sends a copy of the bytes `bytes` points to if there is room, publishing it only if
    /// `publish` is true; returns false when the queue is full. SPSC-only, for batching.
    @inlinable @inline(__always)
    public mutating func trySend(_ bytes: UnsafeRawBufferPointer, publish: Bool) throws(InterprocessError) -> Bool {
        guard let space = try tryReserve(bytes.count) else { return false }
        commit(QueueBytes.copy(bytes, into: space), publish: publish)
        return true
    }

    // MARK: Slow paths (not inlined)

    /// Publishes what is committed, then waits until a record of `count` bytes fits: spinning
    /// first, then parked on the consumer's index. SPSC-only: with ``tryReserve(_:)``, a
    /// blocking unsafe zero-copy send. (A consumer index no consumer writes also ends the wait:
    /// the following ``tryReserve(_:)`` reports it.)
    ///
    /// - Parameters:
    ///   - count: the record's size, in 0...``maximumRecordSize`` (a larger record never fits).
    ///   - deadline: when to give up waiting.
    /// - Throws: ``InterprocessError/Code/timedOut`` if there was no room before `deadline`;
    ///   ``InterprocessError/Code/invalidArgument`` when `count` is outside 0...``maximumRecordSize``.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func waitForSpace(_ count: Int, until deadline: Deadline = .never) throws(InterprocessError) {
        guard count >= 0, count <= maximumRecordSize else { try QueueFailure.raise(recordSizeError(count)) }
        if !spaceFrees(count, until: deadline) { try QueueFailure.raise(timedOutError()) }
    }

    /// Publishes what is committed, then waits until a record of `count` bytes fits or the
    /// deadline passes; returns whether it fits (or whether the consumer's index is corrupt).
    @usableFromInline
    mutating func spaceFrees(_ count: Int, until deadline: Deadline) -> Bool {
        publish()
        let offset = Int(truncatingIfNeeded: position) & mask
        let needed = SPSCLayout.footprint(count)
        let padding = needed > capacity &- offset ? capacity &- offset : 0
        let end = position &+ UInt64(truncatingIfNeeded: padding &+ needed)
        let limit = UInt64(truncatingIfNeeded: capacity)
        var spins = 0
        while true {
            let released = head.pointee.load(ordering: .acquiring)
            // A head no consumer writes (ahead of the tail, unaligned, more than a lap behind) is
            // never cached: returning true sends the caller to tryReserve, which reads it again
            // and reports it as corrupt.
            guard mapping.indicesAreValid(tail: position, head: released) else { return !deadline.hasPassed }
            cachedHead = released
            if end &- cachedHead <= limit { return true }
            if spins < ChannelWaiting.spinLimit {
                spins += 1
                CPU.relax()
                if spins & 255 == 0, deadline.hasPassed { return false }
                continue
            }
            if deadline.hasPassed || mapping.storage.wasTruncated { return false }
            spaceParking.sleepOnce(until: deadline) {
                let observed = head.pointee.load(ordering: .sequentiallyConsistent)
                return end &- observed > limit ? UInt32(truncatingIfNeeded: observed) : nil
            }
        }
    }

    /// Where the producer sleeps for room: the low half of the head index, announced in
    /// `producerSleeping`; the consumer's ``SPSCConsumer/publishReleases()`` is the waker.
    var spaceParking: FutexParking {
        FutexParking(word: UnsafeMutableRawPointer(mapping.futexWord(SPSCLayout.headOffset)), waiters: producerSleeping, sleepers: .single)
    }

    @usableFromInline
    func wakeConsumer() {
        Futex.wake(mapping.futexWord(SPSCLayout.tailOffset))
    }

    @usableFromInline
    func headError(_ released: UInt64) -> InterprocessError {
        mapping.indexError(tail: position, head: released, headName: "head", operation: "send to queue")
    }

    @usableFromInline
    func timedOutError() -> InterprocessError {
        mapping.storage.judged(InterprocessError(.timedOut, operation: "send to queue", name: mapping.storage.name,
                          reason: "the queue stayed full until the deadline"))
    }

    @usableFromInline
    func recordSizeError(_ count: Int) -> InterprocessError {
        InterprocessError(.invalidArgument, operation: "send to queue", name: mapping.storage.name,
                          reason: "a record of \(count) bytes is outside this queue's limit of 0...\(maximumRecordSize) bytes")
    }
}

/// Tuning shared by the channels' blocking paths.
@usableFromInline
enum ChannelWaiting {
    /// How many times a blocked side polls (with a CPU pause) before parking on a futex. About
    /// 20–60 µs on current x86: around the cost of one sleep/wake-up pair, so spinning never costs
    /// much more than parking would.
    @usableFromInline static let spinLimit = 1024

    /// How many times one non-blocking MPMC claim retries (lost races, helping a lagging index
    /// on) before it gives up for now. Far above what contention causes; it bounds the work of
    /// one call when a peer keeps rewriting the slots, and the blocking forms then check their
    /// deadline before trying again.
    @usableFromInline static let claimAttempts = 1024

    /// The same bound inside a waiting loop, which checks its deadline every 256 spins: at most
    /// 1024 claim iterations pass between two looks at the clock.
    @usableFromInline static let waitingClaimAttempts = 4
}
#endif
