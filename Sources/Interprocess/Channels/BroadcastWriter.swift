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
/// Per record: store `tailIntent` (how far this record may overwrite), a release fence, the
/// header and payload, then `latest`, the next sequence number and `tail`, each with release
/// ordering (see `docs/FORMAT.md`).
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
    /// The oldest record boundary not yet overwritten (mirrors `oldest` in the stream).
    @usableFromInline var oldest: UInt64
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
        self.mapping = mapping
    }

    deinit {
        EndpointClaim.release(owner)
    }

    /// The sequence number the next record sent gets.
    public var nextSequence: UInt64 { sequence }

    // MARK: The two steps of every send

    /// Announces a record of up to `count` payload bytes (padding the ring's end first if it
    /// does not fit there) and returns where its header goes; the bytes up to the returned end
    /// may be overwritten from now on. `count` must already be within the limit.
    @inlinable @inline(__always)
    mutating func reserve(_ count: Int) -> (record: UnsafeMutableRawPointer, start: UInt64, end: UInt64) {
        let footprint = BroadcastLayout.footprint(count)
        var start = position
        var offset = Int(truncatingIfNeeded: start) & mask
        let toEnd = capacity &- offset
        let padding = footprint > toEnd ? toEnd : 0
        let end = start &+ UInt64(truncatingIfNeeded: padding &+ footprint)
        let floor = end &- UInt64(truncatingIfNeeded: capacity)
        if Int64(bitPattern: floor &- oldest) > 0 {
            // Usually one whole data record (this writer's, a lap ago) leaves the ring: step over
            // it here; anything else (padding, several records, a damaged header) goes the slow way.
            let offset = Int(truncatingIfNeeded: oldest) & mask
            let word = UInt64(littleEndian: (ring + offset).loadUnaligned(as: UInt64.self))
            let payload = Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: word)) &- BroadcastLayout.headerSize
            let stepped = oldest &+ UInt64(truncatingIfNeeded: BroadcastLayout.footprint(payload))
            if word >> 32 == UInt64(BroadcastLayout.dataType), payload >= 0, payload <= maximumRecordSize,
               offset &+ BroadcastLayout.footprint(payload) <= capacity, Int64(bitPattern: stepped &- floor) >= 0,
               Int64(bitPattern: position &- oldest) > 0 {
                oldest = stepped
                oldestWord.pointee.store(stepped, ordering: .relaxed)
            } else {
                advanceOldest(before: end, recordStart: start &+ UInt64(truncatingIfNeeded: padding))
            }
        }
        // Announce, then write: a release fence orders the announcement before every byte
        // written after it, so a reader that sees any of those bytes (and then fences with
        // acquire) sees the announcement, and throws its copy away.
        intent.pointee.store(end, ordering: .relaxed)
        atomicMemoryFence(ordering: .releasing)
        if padding != 0 {
            (ring + offset).storeBytes(of: BroadcastLayout.paddingWord(padding).littleEndian, as: UInt64.self)
            start &+= UInt64(truncatingIfNeeded: padding)
            offset = 0
        }
        return (ring + offset, start, end)
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
    /// delivered (the space it had is skipped) and no sequence number is used.
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
        do {
            written = try QueueBytes.write(into: space, write)
        } catch {
            abandon(from: reserved.start, to: reserved.end)
            throw error
        }
        return commit(reserved.record, start: reserved.start, count: Swift.min(Swift.max(0, written), byteCount))
    }

    // MARK: Slow paths (not inlined)

    /// Moves `oldest` past the records the reservation ending at `end` overwrites. Reads the
    /// headers this writer wrote a lap ago (the lines it is about to write anyway); a header a
    /// peer damaged ends the walk at `recordStart`, losing the history rather than trusting it.
    @usableFromInline
    mutating func advanceOldest(before end: UInt64, recordStart: UInt64) {
        let floor = end &- UInt64(truncatingIfNeeded: capacity)
        var boundary = oldest
        while Int64(bitPattern: floor &- boundary) > 0 {
            let offset = Int(truncatingIfNeeded: boundary) & mask
            let word = UInt64(littleEndian: (ring + offset).loadUnaligned(as: UInt64.self))
            let footprint: Int
            switch BroadcastRecordHeader.judge(word, at: offset, capacity: capacity, maximumRecordSize: maximumRecordSize) {
            case .data(_, let size), .padding(let size): footprint = size
            case .invalid: footprint = 0
            }
            guard footprint > 0, Int64(bitPattern: position &- boundary) > 0 else {
                boundary = recordStart
                break
            }
            boundary &+= UInt64(truncatingIfNeeded: footprint)
        }
        oldest = boundary
        oldestWord.pointee.store(boundary, ordering: .releasing)
    }

    /// Skips the space of a record whose `write` threw: a padding record over it, published, so
    /// that `tail` catches up with `tailIntent` again (readers must never see the intent move
    /// back over bytes that may have been written).
    @usableFromInline
    mutating func abandon(from start: UInt64, to end: UInt64) {
        BroadcastTakeover.pad(ring: ring, mask: mask, capacity: capacity, from: start, to: end)
        position = end
        tail.pointee.store(end, ordering: .sequentiallyConsistent)
        if FutexParking.mayHaveSleepers(parkedReaders) { mapping.wakeReaders() }
    }

    @usableFromInline
    func recordSizeError(_ count: Int) -> InterprocessError {
        InterprocessError(.invalidArgument, operation: "send to broadcast stream", name: mapping.storage.name,
                          reason: "a record of \(count) bytes is outside this stream's limit of 0...\(maximumRecordSize) bytes")
    }
}
#endif
