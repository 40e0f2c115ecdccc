#if os(Linux)
public import Synchronization

/// The writing end of a ``BroadcastStream``: at most one live per stream at a time, across all
/// processes. Made by ``BroadcastStream/makeWriter()``.
///
/// Every send returns the record's sequence number (0, 1, 2, … over the stream's life, across
/// writers) and **never waits**: the writer overwrites the oldest records whether or not
/// readers have read them, which is why there are no `trySend`, `send(until:)` or
/// `send(timeout:)` forms. A send makes no system call unless a reader is parked.
///
/// ```swift
/// var writer = try stream.makeWriter()
/// try writer.send(UInt64(42))                        // a value
/// try writer.send("hello")                           // UTF-8 text
/// try writer.send(contentsOf: [0x01, 0x02, 0x03])    // bytes
/// let sequence = try writer.send(upTo: 64) { out in  // written in place
///     out.append(UInt32(7), as: UInt32.self)
/// }
/// ```
///
/// Per record: the header and payload, then `latest`, the next sequence number and `tail`, each
/// with release ordering; once per eighth of the ring, before writing, a new `tailIntent` (how
/// far the writer may overwrite) and a release fence (see `docs/FORMAT.md`).
@frozen
public struct BroadcastWriter: ~Copyable {
    @usableFromInline let mapping: BroadcastMapping
    @usableFromInline let ring: UnsafeMutableRawPointer
    @usableFromInline let mask: Int
    @usableFromInline let capacity: Int
    /// The largest payload this stream accepts.
    public let maximumRecordSize: Int
    @usableFromInline let tail: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let intent: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let latest: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let sequenceWord: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let oldestWord: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let parkedReaders: UnsafeMutablePointer<Atomic<UInt32>>
    @usableFromInline let owner: UnsafeMutablePointer<Atomic<UInt64>>
    /// Whether this process is registered for the asymmetric fence (see ``AsymmetricFence``);
    /// if not, each publish is a sequentially consistent store.
    @usableFromInline let fenceIsAsymmetric: Bool
    /// Where the next record goes: the published tail.
    @usableFromInline var position: UInt64
    /// The sequence number of the next record.
    @usableFromInline var sequence: UInt64
    /// The oldest record boundary readers can still read (mirrors `oldest` in the stream).
    @usableFromInline var oldest: UInt64
    /// The starts of the records at which this writer last announced an intent (a ring of
    /// ``BroadcastWriter/checkpointCount``): the candidates for `oldest`, so that keeping it
    /// reads nothing from the ring.
    @usableFromInline let checkpoints: UnsafeMutablePointer<UInt64>
    @usableFromInline var checkpointsKept: Int
    /// The tail intent last stored: no byte at or past it has been written since it was stored.
    @usableFromInline var announced: UInt64
    /// The pid of a dead writer whose place this one took, if any.
    public let replacedWriter: Int32?

    /// Claims the writer's place (see ``BroadcastStream/makeWriter()``).
    init(_ mapping: BroadcastMapping) throws(InterprocessError) {
        let owner = mapping.word64(BroadcastLayout.writerOwnerOffset)
        let replaced = try EndpointClaim.claim(owner, role: "writer", name: mapping.storage.name, of: "broadcast stream")
        let resumed: BroadcastTakeover.Resumed
        do {
            resumed = try BroadcastTakeover.resume(mapping)
        } catch {
            EndpointClaim.release(owner)
            throw error
        }
        self.owner = owner
        replacedWriter = replaced
        tail = mapping.word64(BroadcastLayout.tailOffset)
        intent = mapping.word64(BroadcastLayout.intentOffset)
        latest = mapping.word64(BroadcastLayout.latestOffset)
        sequenceWord = mapping.word64(BroadcastLayout.sequenceOffset)
        oldestWord = mapping.word64(BroadcastLayout.oldestOffset)
        parkedReaders = mapping.word32(BroadcastLayout.parkedReadersOffset)
        fenceIsAsymmetric = AsymmetricFence.registerFrequentSide()
        ring = mapping.ring
        capacity = mapping.capacity
        mask = mapping.capacity - 1
        maximumRecordSize = mapping.maximumRecordSize
        position = resumed.position
        sequence = resumed.sequence
        oldest = resumed.oldest
        announced = resumed.intent
        checkpoints = .allocate(capacity: BroadcastWriter.checkpointCount)
        checkpointsKept = 0
        self.mapping = mapping
    }

    deinit {
        EndpointClaim.release(owner)
        checkpoints.deallocate()
    }

    /// How many announcement points the writer remembers: more than a ring holds (an
    /// announcement comes at least a step, an eighth of the ring, after the one before).
    @usableFromInline static var checkpointCount: Int { 16 }

    /// The sequence number the next record sent gets.
    public var nextSequence: UInt64 { sequence }

    // MARK: The two steps of every send

    /// Makes room for a record of up to `count` payload bytes (padding the ring's end first if it
    /// does not fit there) and returns where its header goes and where it starts. `count` must
    /// already be within the limit.
    @inlinable @inline(__always)
    mutating func reserve(_ count: Int) -> (record: UnsafeMutableRawPointer, start: UInt64) {
        let footprint = BroadcastLayout.footprint(count)
        var start = position
        var offset = Int(truncatingIfNeeded: start) & mask
        let toEnd = capacity &- offset
        let padding = footprint > toEnd ? toEnd : 0
        let end = start &+ UInt64(truncatingIfNeeded: padding &+ footprint)
        // Only when the record would pass the announced intent: announce a step further.
        if Int64(bitPattern: end &- announced) > 0 { announce(past: end, recordStart: start &+ UInt64(truncatingIfNeeded: padding)) }
        if padding != 0 {
            (ring + offset).storeBytes(of: BroadcastLayout.paddingWord(padding).littleEndian, as: UInt64.self)
            start &+= UInt64(truncatingIfNeeded: padding)
            offset = 0
        }
        return (ring + offset, start)
    }

    /// Writes the header of the record reserved at `start` with `count` payload bytes and
    /// publishes it; returns its sequence number.
    @inlinable @inline(__always)
    mutating func commit(_ record: UnsafeMutableRawPointer, start: UInt64, count: Int) -> UInt64 {
        let sequence = self.sequence
        record.storeBytes(of: BroadcastLayout.dataWord(payload: count).littleEndian, as: UInt64.self)
        record.storeBytes(of: sequence.littleEndian, toByteOffset: 8, as: UInt64.self)
        let end = start &+ UInt64(truncatingIfNeeded: BroadcastLayout.footprint(count))
        self.sequence = sequence &+ 1
        position = end
        // In this order, so that a writer taking over after a crash finds them consistent.
        latest.pointee.store(start, ordering: .releasing)
        sequenceWord.pointee.store(sequence &+ 1, ordering: .releasing)
        // The waker's half of the parking handshake: store the tail, then look for sleepers.
        if fenceIsAsymmetric {
            tail.pointee.store(end, ordering: .releasing)
            AsymmetricFence.frequentSide()
        } else {
            tail.pointee.store(end, ordering: .sequentiallyConsistent)
        }
        if FutexParking.mayHaveSleepers(parkedReaders) { mapping.wakeReaders() }
        return sequence
    }

    // MARK: Sending

    /// Sends a copy of `value`'s bytes as one record; returns its sequence number.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` if `Value` is larger than the
    ///   stream's largest record.
    @inlinable @inline(__always) @discardableResult
    public mutating func send<Value: InterprocessValue>(_ value: Value) throws(InterprocessError) -> UInt64 {
        let size = MemoryLayout<Value>.size
        guard size <= maximumRecordSize else { try QueueFailure.raise(recordSizeError(size)) }
        let reserved = reserve(size)
        (reserved.record + BroadcastLayout.headerSize).storeBytes(of: value, as: Value.self)
        return commit(reserved.record, start: reserved.start, count: size)
    }

    /// Sends a copy of the bytes `bytes` points to as one record (its bytes, never its address).
    @inlinable @discardableResult
    public mutating func send(_ bytes: UnsafeRawBufferPointer) throws(InterprocessError) -> UInt64 {
        try send(contentsOf: bytes)
    }

    /// Sends the bytes of `bytes` as one record; returns its sequence number. Contiguous
    /// collections (`[UInt8]`, `Data`, slices) are copied in one step.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` if it holds more than the stream's
    ///   largest record.
    @inlinable @discardableResult
    public mutating func send(contentsOf bytes: some Collection<UInt8>) throws(InterprocessError) -> UInt64 {
        let count = bytes.count
        guard count <= maximumRecordSize else { try QueueFailure.raise(recordSizeError(count)) }
        let reserved = reserve(count)
        let space = UnsafeMutableRawBufferPointer(start: reserved.record + BroadcastLayout.headerSize, count: count)
        let copied = QueueBytes.copy(bytes, into: space)
        return commit(reserved.record, start: reserved.start, count: copied)
    }

    /// Sends `string`'s UTF-8 bytes (no terminator) as one record; returns its sequence number.
    /// Receive it with `receive(as: String.self)`.
    @inlinable @discardableResult
    public mutating func send(_ string: String) throws(InterprocessError) -> UInt64 {
        try send(contentsOf: string.utf8)
    }

    /// Lets `write` append a record of up to `byteCount` bytes straight into the ring; the bytes
    /// it appended become the record. Returns its sequence number. If `write` throws, nothing is
    /// delivered and no sequence number is used.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` if `byteCount` is negative or above
    ///   the stream's largest record; what `write` throws.
    @inlinable @discardableResult
    public mutating func send(
        upTo byteCount: Int, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void
    ) throws(InterprocessError) -> UInt64 {
        guard byteCount >= 0, byteCount <= maximumRecordSize else { try QueueFailure.raise(recordSizeError(byteCount)) }
        let reserved = reserve(byteCount)
        let space = UnsafeMutableRawBufferPointer(start: reserved.record + BroadcastLayout.headerSize, count: byteCount)
        let written: Int
        // If `write` throws, nothing was published: the next record is written over these bytes
        // (the intent already covers them, so readers are not misled about them).
        written = try QueueBytes.write(into: space, write)
        return commit(reserved.record, start: reserved.start, count: Swift.min(Swift.max(0, written), byteCount))
    }

    // MARK: Slow paths (not inlined)

    /// Announces a tail intent a step past `end` (the end of the record about to be written),
    /// after moving `oldest` to the first remembered record start that the announcement keeps
    /// readable. The release fence orders the announcement before every byte written after it,
    /// so a reader whose copy saw any of those bytes (and then fences with acquire) sees the
    /// announcement and throws the copy away.
    @usableFromInline
    mutating func announce(past end: UInt64, recordStart: UInt64) {
        let next = end &+ UInt64(truncatingIfNeeded: BroadcastLayout.announcementStep(capacity: capacity))
        let floor = next &- UInt64(truncatingIfNeeded: capacity)
        if Int64(bitPattern: floor &- oldest) > 0 {
            // The oldest checkpoint at or past the floor; none (just after taking over): this record.
            var boundary = recordStart
            for index in 0..<Swift.min(checkpointsKept, BroadcastWriter.checkpointCount) {
                let candidate = checkpoints[index]
                if Int64(bitPattern: candidate &- floor) >= 0, Int64(bitPattern: boundary &- candidate) > 0 { boundary = candidate }
            }
            oldest = boundary
            oldestWord.pointee.store(boundary, ordering: .releasing)
        }
        checkpoints[checkpointsKept & (BroadcastWriter.checkpointCount &- 1)] = recordStart
        // Published too, on the intent's line (which readers already read): where a lapped
        // reader resumes, half a ring behind, instead of at the writer's heels.
        let slot = checkpointsKept & (BroadcastLayout.publishedCheckpoints &- 1)
        (intent + 1 + slot).pointee.store(recordStart, ordering: .relaxed)
        checkpointsKept &+= 1
        intent.pointee.store(next, ordering: .relaxed)
        atomicMemoryFence(ordering: .releasing)
        announced = next
    }

    @usableFromInline
    func recordSizeError(_ count: Int) -> InterprocessError {
        InterprocessError(.invalidArgument, operation: "send to broadcast stream", name: mapping.storage.name,
                          reason: "a record of \(count) bytes is outside this stream's limit of 0...\(maximumRecordSize) bytes")
    }
}
#endif
