#if os(Linux)
public import Synchronization

/// The writing end of a ``ByteStream``: at most one live per stream, across all processes.
/// Made by ``ByteStream/makeWriter()``.
///
/// Each write lends `body` one contiguous span of free space — at least `atLeast` bytes, at most
/// `upTo`, never split at the ring's end — and commits the bytes `body` says it wrote, waking
/// the reader only if it sleeps. Forms: ``tryWrite(atLeast:upTo:_:)`` (nil when less is free),
/// ``write(atLeast:upTo:_:)`` (blocks), `write(…, until:)`, `write(…, timeout:)`, and `async`.
///
/// ```swift
/// var writer = try stream.makeWriter()
/// try writer.write(atLeast: 64) { space in
///     space.copyBytes(from: header)       // `space` holds every free byte, contiguously
///     return header.count
/// }
/// try writer.write(contentsOf: payload)    // copies all of it, waiting for room as needed
/// ```
@frozen
public struct ByteStreamWriter: ~Copyable {
    @usableFromInline let storage: ByteStreamStorage
    @usableFromInline let data: UnsafeMutableRawPointer
    @usableFromInline let mask: Int
    /// The ring's size in bytes.
    public let capacity: Int
    @usableFromInline let written: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let read: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let readerSleeping: UnsafeMutablePointer<Atomic<UInt32>>
    let owner: UnsafeMutablePointer<Atomic<UInt64>>
    /// Bytes committed, ever: the next byte goes to `position % capacity`.
    @usableFromInline var position: UInt64
    /// The reader's index as last read and checked: refreshed only when the ring looks full.
    @usableFromInline var cachedRead: UInt64
    /// The pid of a dead writer whose place this one took, if any.
    public let replacedWriter: Int32?

    init(_ storage: ByteStreamStorage) throws(InterprocessError) {
        let owner = storage.word64(ByteStreamLayout.writerOwnerOffset)
        let replaced = try EndpointClaim.claim(owner, role: "writer", name: storage.name, of: "byte stream")
        let indices: (written: UInt64, read: UInt64)
        do {
            indices = try storage.attachIndices(operation: "make writer of byte stream")
        } catch {
            EndpointClaim.release(owner)
            throw error
        }
        self.owner = owner
        replacedWriter = replaced
        written = storage.word64(ByteStreamLayout.writtenOffset)
        read = storage.word64(ByteStreamLayout.readOffset)
        readerSleeping = storage.word32(ByteStreamLayout.readerSleepingOffset)
        // A dead writer may have left its sleeping flag set; a finished one, the end of the
        // stream, which this writer reopens.
        storage.word32(ByteStreamLayout.writerSleepingOffset).pointee.store(0, ordering: .relaxed)
        storage.word32(ByteStreamLayout.finishedOffset).pointee.store(0, ordering: .sequentiallyConsistent)
        data = storage.data
        capacity = storage.capacity
        mask = storage.capacity - 1
        position = indices.written
        cachedRead = indices.read
        self.storage = storage
    }

    deinit {
        EndpointClaim.release(owner)
    }

    /// Ends the stream: the reader's blocking and async reads return 0 (and `read(upTo:)` an
    /// empty array) once it has consumed everything committed, instead of waiting for more.
    /// Gives the writer's place up; a writer made later reopens the stream.
    ///
    /// A writer that goes away without finishing (dropped, or its process killed) is not an
    /// end: the reader drains what was committed, then waits for a new writer (throwing
    /// ``InterprocessError/Code/peerDied`` if the old one's process died).
    ///
    /// ```swift
    /// try writer.write(contentsOf: lastChunk)
    /// writer.finish()
    /// ```
    public consuming func finish() {
        // After the last commit's store (sequentially consistent), so a reader that sees the
        // flag sees every byte; then the waker's half of the parking handshake.
        storage.word32(ByteStreamLayout.finishedOffset).pointee.store(1, ordering: .sequentiallyConsistent)
        wakeReader()
    }

    /// Bytes committed to the stream over its whole life, by this writer and those before it:
    /// the stream index of the next byte written.
    public var bytesWritten: UInt64 { position }

    /// Bytes that can be written now without waiting (reads the reader's index).
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` for a reader index no reader could store.
    public mutating func freeByteCount() throws(InterprocessError) -> Int {
        try refreshRead()
        return capacity &- Int(truncatingIfNeeded: position &- cachedRead)
    }

    // MARK: Fast path

    /// Lends `body` the free space if at least `minimum` bytes are free — one contiguous span
    /// of `min(free, maximum)` bytes — and commits the bytes `body` returns (clamped to the span;
    /// nothing if it throws); returns that count, or nil at once when less than `minimum` is free.
    ///
    /// - Parameters:
    ///   - minimum: the least space worth writing into, in 1...``capacity``.
    ///   - maximum: the most to lend, at least `minimum`.
    ///   - body: fills a prefix of the span in place and returns how many bytes it wrote.
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for bounds outside those ranges;
    ///   ``InterprocessError/Code/corrupt`` for a reader index no reader could store; what
    ///   `body` throws.
    @inlinable @inline(__always)
    public mutating func tryWrite(
        atLeast minimum: Int = 1, upTo maximum: Int = .max,
        _ body: (UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Int
    ) throws(InterprocessError) -> Int? {
        guard minimum >= 1, minimum <= capacity, maximum >= minimum else { try QueueFailure.raise(boundsError(minimum, maximum)) }
        var free = capacity &- Int(truncatingIfNeeded: position &- cachedRead)
        if free < minimum {
            try refreshRead()
            free = capacity &- Int(truncatingIfNeeded: position &- cachedRead)
            if free < minimum { return nil }
        }
        let count = Swift.min(free, maximum)
        let wrote = try body(UnsafeMutableRawBufferPointer(start: data + (Int(truncatingIfNeeded: position) & mask), count: count))
        let committed = Swift.min(Swift.max(0, wrote), count)
        commit(committed)
        return committed
    }

    /// Copies as much of `bytes` as fits now; returns the count copied (0 when full).
    @inlinable
    public mutating func tryWrite(contentsOf bytes: UnsafeRawBufferPointer) throws(InterprocessError) -> Int {
        guard !bytes.isEmpty else { return 0 }
        return try tryWrite(upTo: bytes.count) { space in
            space.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<space.count]))
            return space.count
        } ?? 0
    }

    /// Publishes `count` more bytes and wakes the reader if it sleeps.
    @inlinable @inline(__always)
    mutating func commit(_ count: Int) {
        guard count > 0 else { return }
        position &+= UInt64(truncatingIfNeeded: count)
        // The waker's half of FutexParking's handshake: a sequentially consistent store, then a
        // sequentially consistent load of the reader's flag (a plain load on x86).
        written.pointee.store(position, ordering: .sequentiallyConsistent)
        if FutexParking.mayHaveSleepers(readerSleeping) { wakeReader() }
    }

    /// Reads the reader's index and checks it.
    @inlinable @inline(__always)
    mutating func refreshRead() throws(InterprocessError) {
        let consumed = read.pointee.load(ordering: .acquiring)
        guard storage.indicesAreValid(written: position, read: consumed) else { try QueueFailure.raise(readIndexError(consumed)) }
        cachedRead = consumed
    }

    // MARK: Waiting

    /// Lends `body` a span of at least `minimum` free bytes, waiting for the reader to free
    /// them (blocks the thread); see ``tryWrite(atLeast:upTo:_:)``.
    ///
    /// - Throws: ``InterprocessError/Code/peerDied`` when the reader died while this waited
    ///   (calling again waits for a new reader); the errors of `tryWrite`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func write(
        atLeast minimum: Int = 1, upTo maximum: Int = .max,
        _ body: (UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Int
    ) throws(InterprocessError) -> Int {
        try write(atLeast: minimum, upTo: maximum, until: .never, body)
    }

    /// Like ``write(atLeast:upTo:_:)``, giving up at `deadline` with
    /// ``InterprocessError/Code/timedOut``.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func write(
        atLeast minimum: Int = 1, upTo maximum: Int = .max, until deadline: Deadline,
        _ body: (UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Int
    ) throws(InterprocessError) -> Int {
        while true {
            if let count = try tryWrite(atLeast: minimum, upTo: maximum, body) { return count }
            try waitForSpace(minimum, until: deadline)
        }
    }

    /// Like ``write(atLeast:upTo:_:)``, waiting at most `timeout`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func write(
        atLeast minimum: Int = 1, upTo maximum: Int = .max, timeout: Duration,
        _ body: (UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Int
    ) throws(InterprocessError) -> Int {
        try write(atLeast: minimum, upTo: maximum, until: .after(timeout), body)
    }

    /// Copies all of `bytes` into the stream, waiting for room as often as needed (blocks the
    /// thread). At `deadline` it throws ``InterprocessError/Code/timedOut``; the bytes copied
    /// before then stay in the stream.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func write(contentsOf bytes: UnsafeRawBufferPointer, until deadline: Deadline = .never) throws(InterprocessError) {
        var done = 0
        while done < bytes.count {
            done += try write(upTo: bytes.count - done, until: deadline) { space in
                space.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[done..<(done + space.count)]))
                return space.count
            }
        }
    }

    /// Copies all of `bytes` into the stream, waiting at most `timeout` in all.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func write(contentsOf bytes: UnsafeRawBufferPointer, timeout: Duration) throws(InterprocessError) {
        try write(contentsOf: bytes, until: .after(timeout))
    }

    /// Copies all of `bytes` (an array, a `String`'s `utf8`…) into the stream, waiting for
    /// room as often as needed, until `deadline`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func write(contentsOf bytes: some Collection<UInt8>, until deadline: Deadline = .never) throws(InterprocessError) {
        let copied = Array(bytes)
        var done = 0
        while done < copied.count {
            done += try write(upTo: copied.count - done, until: deadline) { space in
                copied.withUnsafeBytes { source in
                    space.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[done..<(done + space.count)]))
                }
                return space.count
            }
        }
    }

    /// Copies all of `bytes` into the stream, waiting at most `timeout` in all.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func write(contentsOf bytes: some Collection<UInt8>, timeout: Duration) throws(InterprocessError) {
        try write(contentsOf: bytes, until: .after(timeout))
    }

    /// Waits until `minimum` bytes are free (blocks the thread).
    ///
    /// - Throws: ``InterprocessError/Code/timedOut``, ``InterprocessError/Code/peerDied``,
    ///   ``InterprocessError/Code/invalidArgument`` for `minimum` outside 1...``capacity``.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func waitForSpace(_ minimum: Int = 1, until deadline: Deadline = .never) throws(InterprocessError) {
        guard minimum >= 1, minimum <= capacity else { throw boundsError(minimum, minimum) }
        let position = position, limit = UInt64(truncatingIfNeeded: capacity &- minimum), capacity = UInt64(truncatingIfNeeded: capacity)
        try waiting.wait(until: deadline) { consumed in
            let used = position &- consumed
            return used <= limit || used > capacity
        }
    }

    // MARK: Async

    /// Suspends the task until `minimum` bytes are free (see the blocking form).
    ///
    /// - Throws: ``InterprocessError/Code/cancelled`` when the task is cancelled, and the
    ///   errors of the blocking form.
    public mutating func waitForSpace(_ minimum: Int = 1, until deadline: Deadline = .never) async throws(InterprocessError) {
        guard minimum >= 1, minimum <= capacity else { throw boundsError(minimum, minimum) }
        let position = position, limit = UInt64(truncatingIfNeeded: capacity &- minimum), capacity = UInt64(truncatingIfNeeded: capacity)
        try await waiting.wait(until: deadline) { consumed in
            let used = position &- consumed
            return used <= limit || used > capacity
        }
    }

    /// Lends `body` a span of at least `minimum` free bytes, suspending the task until there is
    /// room (at most until `deadline`); see ``tryWrite(atLeast:upTo:_:)``.
    public mutating func write(
        atLeast minimum: Int = 1, upTo maximum: Int = .max, until deadline: Deadline = .never,
        _ body: (UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Int
    ) async throws(InterprocessError) -> Int {
        while true {
            if let count = try tryWrite(atLeast: minimum, upTo: maximum, body) { return count }
            try await waitForSpace(minimum, until: deadline)
        }
    }

    /// Like the async `write(atLeast:upTo:until:_:)`, waiting at most `timeout`.
    public mutating func write(
        atLeast minimum: Int = 1, upTo maximum: Int = .max, timeout: Duration,
        _ body: (UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Int
    ) async throws(InterprocessError) -> Int {
        try await write(atLeast: minimum, upTo: maximum, until: .after(timeout), body)
    }

    /// Copies all of `bytes` into the stream, suspending the task for room as often as needed.
    public mutating func write(contentsOf bytes: some Collection<UInt8>, until deadline: Deadline = .never) async throws(InterprocessError) {
        let copied = Array(bytes)
        var done = 0
        while done < copied.count {
            done += try await write(upTo: copied.count - done, until: deadline) { space in
                copied.withUnsafeBytes { source in
                    space.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[done..<(done + space.count)]))
                }
                return space.count
            }
        }
    }

    /// Copies all of `bytes` into the stream, suspending the task at most `timeout` in all.
    public mutating func write(contentsOf bytes: some Collection<UInt8>, timeout: Duration) async throws(InterprocessError) {
        try await write(contentsOf: bytes, until: .after(timeout))
    }

    // MARK: Slow paths (not inlined)

    /// Where the writer waits: on the reader's index, with its own sleeping flag.
    var waiting: ByteStreamWaiting {
        ByteStreamWaiting(storage: storage, indexOffset: ByteStreamLayout.readOffset, peerOwnerOffset: ByteStreamLayout.readerOwnerOffset,
                          sleepingOffset: ByteStreamLayout.writerSleepingOffset, peerRole: "reader", operation: "write to byte stream")
    }

    @usableFromInline
    func wakeReader() {
        Futex.wake(storage.futexWord(ByteStreamLayout.writtenOffset))
    }

    @usableFromInline
    func readIndexError(_ consumed: UInt64) -> InterprocessError {
        storage.indexError(written: position, read: consumed, operation: "write to byte stream")
    }

    @usableFromInline
    func boundsError(_ minimum: Int, _ maximum: Int) -> InterprocessError {
        InterprocessError(.invalidArgument, operation: "write to byte stream", name: storage.name,
                          reason: "a write of at least \(minimum) and at most \(maximum) bytes does not fit 1...\(capacity) (the capacity)")
    }
}
#endif
