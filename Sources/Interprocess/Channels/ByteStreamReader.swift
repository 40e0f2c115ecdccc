#if os(Linux)
public import Synchronization

/// The reading end of a ``ByteStream``: at most one live per stream, across all processes.
/// Made by ``ByteStream/makeReader()``.
///
/// Each read lends `body` everything written and not yet consumed — at least `atLeast` bytes,
/// at most `upTo` — as one contiguous span, never split at the ring's end, and consumes the bytes
/// `body` says it used; the rest stays for the next read. Forms: ``tryRead(atLeast:upTo:_:)``
/// (nil when less is there), ``read(atLeast:upTo:_:)`` (blocks), `read(…, until:)`,
/// `read(…, timeout:)`, and `async`.
///
/// ```swift
/// var reader = try stream.makeReader()
/// try reader.read(atLeast: 8) { bytes in
///     let length = Int(bytes.loadUnaligned(as: UInt32.self))   // a frame's header…
///     guard bytes.count >= 8 + length else { return 0 }          // …not all there yet
///     handle(bytes[8..<(8 + length)])
///     return 8 + length                                          // consume the frame
/// }
/// ```
@frozen
public struct ByteStreamReader: ~Copyable {
    @usableFromInline let storage: ByteStreamStorage
    @usableFromInline let data: UnsafeMutableRawPointer
    @usableFromInline let mask: Int
    /// The ring's size in bytes.
    public let capacity: Int
    @usableFromInline let written: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let read: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let writerSleeping: UnsafeMutablePointer<Atomic<UInt32>>
    let owner: UnsafeMutablePointer<Atomic<UInt64>>
    /// Bytes consumed, ever: the next byte is at `position % capacity`.
    @usableFromInline var position: UInt64
    /// The writer's index as last read and checked: refreshed only when what it promised is used up.
    @usableFromInline var cachedWritten: UInt64
    /// The pid of a dead reader whose place this one took, if any.
    public let replacedReader: Int32?

    init(_ storage: ByteStreamStorage) throws(InterprocessError) {
        let owner = storage.word64(ByteStreamLayout.readerOwnerOffset)
        let replaced = try EndpointClaim.claim(owner, role: "reader", name: storage.name, of: "byte stream")
        let indices: (written: UInt64, read: UInt64)
        do {
            indices = try storage.attachIndices(operation: "make reader of byte stream")
        } catch {
            EndpointClaim.release(owner)
            throw error
        }
        self.owner = owner
        replacedReader = replaced
        written = storage.word64(ByteStreamLayout.writtenOffset)
        read = storage.word64(ByteStreamLayout.readOffset)
        writerSleeping = storage.word32(ByteStreamLayout.writerSleepingOffset)
        // A dead reader may have left its sleeping flag set.
        storage.word32(ByteStreamLayout.readerSleepingOffset).pointee.store(0, ordering: .relaxed)
        data = storage.data
        capacity = storage.capacity
        mask = storage.capacity - 1
        position = indices.read
        cachedWritten = indices.written
        self.storage = storage
    }

    deinit {
        EndpointClaim.release(owner)
    }

    /// Whether the writer finished the stream (``ByteStreamWriter/finish()``) and no writer
    /// has been made since: once ``availableByteCount()`` is 0 too, nothing more will come.
    public var writerFinished: Bool {
        storage.word32(ByteStreamLayout.finishedOffset).pointee.load(ordering: .sequentiallyConsistent) != 0
    }

    /// Bytes consumed from the stream over its whole life, by this reader and those before it:
    /// the stream index of the next byte read.
    public var bytesRead: UInt64 { position }

    /// Bytes that can be read now without waiting (reads the writer's index).
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` for a writer index no writer could store.
    public mutating func availableByteCount() throws(InterprocessError) -> Int {
        try refreshWritten()
        return Int(truncatingIfNeeded: cachedWritten &- position)
    }

    // MARK: Fast path

    /// Lends `body` everything available if at least `minimum` bytes are — one contiguous span
    /// of `min(available, maximum)` bytes — and consumes the bytes `body` returns (clamped to
    /// the span; nothing if it throws); returns that count, or nil at once when less than
    /// `minimum` is available.
    ///
    /// - Parameters:
    ///   - minimum: the least worth reading, in 1...``capacity``.
    ///   - maximum: the most to lend, at least `minimum`.
    ///   - body: reads the span in place and returns how many of its bytes it consumed.
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for bounds outside those ranges;
    ///   ``InterprocessError/Code/corrupt`` for a writer index no writer could store; what
    ///   `body` throws.
    @inlinable @inline(__always)
    public mutating func tryRead(
        atLeast minimum: Int = 1, upTo maximum: Int = .max,
        _ body: (UnsafeRawBufferPointer) throws(InterprocessError) -> Int
    ) throws(InterprocessError) -> Int? {
        guard minimum >= 1, minimum <= capacity, maximum >= minimum else { try QueueFailure.raise(boundsError(minimum, maximum)) }
        var available = Int(truncatingIfNeeded: cachedWritten &- position)
        if available < minimum {
            try refreshWritten()
            available = Int(truncatingIfNeeded: cachedWritten &- position)
            if available < minimum { return nil }
        }
        let count = Swift.min(available, maximum)
        let used = try body(UnsafeRawBufferPointer(start: data + (Int(truncatingIfNeeded: position) & mask), count: count))
        let consumed = Swift.min(Swift.max(0, used), count)
        consume(consumed)
        return consumed
    }

    /// Copies up to `buffer.count` available bytes into `buffer`; returns the count (0 when
    /// nothing is there).
    @inlinable
    public mutating func tryRead(into buffer: UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Int {
        guard !buffer.isEmpty else { return 0 }
        return try tryRead(upTo: buffer.count) { bytes in
            buffer.copyMemory(from: bytes)
            return bytes.count
        } ?? 0
    }

    /// Gives `count` bytes back to the writer and wakes it if it sleeps.
    @inlinable @inline(__always)
    mutating func consume(_ count: Int) {
        guard count > 0 else { return }
        position &+= UInt64(truncatingIfNeeded: count)
        // The waker's half of FutexParking's handshake (see ByteStreamWriter.commit).
        read.pointee.store(position, ordering: .sequentiallyConsistent)
        if FutexParking.mayHaveSleepers(writerSleeping) { wakeWriter() }
    }

    /// Reads the writer's index and checks it: at most a capacity ahead of this reader.
    @inlinable @inline(__always)
    mutating func refreshWritten() throws(InterprocessError) {
        let published = written.pointee.load(ordering: .acquiring)
        guard storage.indicesAreValid(written: published, read: position) else { try QueueFailure.raise(writtenIndexError(published)) }
        cachedWritten = published
    }

    // MARK: Waiting

    /// Lends `body` at least `minimum` available bytes, waiting for the writer (blocks the
    /// thread); see ``tryRead(atLeast:upTo:_:)``.
    ///
    /// Returns 0 without calling `body` at the end of the stream: the writer finished
    /// (``ByteStreamWriter/finish()``) and fewer than `minimum` bytes are left.
    ///
    /// - Throws: ``InterprocessError/Code/peerDied`` when the writer died without finishing
    ///   while this waited, after everything it committed was read (calling again waits for a
    ///   new writer); the errors of `tryRead`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func read(
        atLeast minimum: Int = 1, upTo maximum: Int = .max,
        _ body: (UnsafeRawBufferPointer) throws(InterprocessError) -> Int
    ) throws(InterprocessError) -> Int {
        try read(atLeast: minimum, upTo: maximum, until: .never, body)
    }

    /// Like ``read(atLeast:upTo:_:)``, giving up at `deadline` with
    /// ``InterprocessError/Code/timedOut``.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func read(
        atLeast minimum: Int = 1, upTo maximum: Int = .max, until deadline: Deadline,
        _ body: (UnsafeRawBufferPointer) throws(InterprocessError) -> Int
    ) throws(InterprocessError) -> Int {
        while true {
            let ended = writerFinished
            if let count = try tryRead(atLeast: minimum, upTo: maximum, body) { return count }
            if ended { return 0 }
            try waitForData(minimum, until: deadline)
        }
    }

    /// Like ``read(atLeast:upTo:_:)``, waiting at most `timeout`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func read(
        atLeast minimum: Int = 1, upTo maximum: Int = .max, timeout: Duration,
        _ body: (UnsafeRawBufferPointer) throws(InterprocessError) -> Int
    ) throws(InterprocessError) -> Int {
        try read(atLeast: minimum, upTo: maximum, until: .after(timeout), body)
    }

    /// Copies at least one and at most `buffer.count` bytes into `buffer`, waiting for the
    /// writer (blocks the thread); returns the count, 0 at the end of the stream.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer, until deadline: Deadline = .never) throws(InterprocessError) -> Int {
        guard !buffer.isEmpty else { return 0 }
        return try read(upTo: buffer.count, until: deadline) { bytes in
            buffer.copyMemory(from: bytes)
            return bytes.count
        }
    }

    /// Copies at least one and at most `buffer.count` bytes into `buffer`, waiting at most `timeout`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer, timeout: Duration) throws(InterprocessError) -> Int {
        try read(into: buffer, until: .after(timeout))
    }

    /// Returns at least one and at most `maximum` bytes, waiting for the writer until
    /// `deadline`; an empty array at the end of the stream.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func read(upTo maximum: Int, until deadline: Deadline = .never) throws(InterprocessError) -> [UInt8] {
        var result: [UInt8] = []
        _ = try read(upTo: maximum, until: deadline) { bytes in
            result = Array(bytes)
            return bytes.count
        }
        return result
    }

    /// Returns at least one and at most `maximum` bytes, waiting at most `timeout`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func read(upTo maximum: Int, timeout: Duration) throws(InterprocessError) -> [UInt8] {
        try read(upTo: maximum, until: .after(timeout))
    }

    /// Waits until `minimum` bytes are available or the writer finished (blocks the thread).
    ///
    /// - Throws: ``InterprocessError/Code/timedOut``, ``InterprocessError/Code/peerDied``,
    ///   ``InterprocessError/Code/invalidArgument`` for `minimum` outside 1...``capacity``.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func waitForData(_ minimum: Int = 1, until deadline: Deadline = .never) throws(InterprocessError) {
        guard minimum >= 1, minimum <= capacity else { throw boundsError(minimum, minimum) }
        // An index behind this reader reads as ~2^64 available: "ready", so the next tryRead reports it.
        let position = position, needed = UInt64(truncatingIfNeeded: minimum)
        try waiting.wait(until: deadline) { published in published &- position >= needed }
    }

    // MARK: Async

    /// Suspends the task until `minimum` bytes are available (see the blocking form).
    ///
    /// - Throws: ``InterprocessError/Code/cancelled`` when the task is cancelled, and the
    ///   errors of the blocking form.
    public mutating func waitForData(_ minimum: Int = 1, until deadline: Deadline = .never) async throws(InterprocessError) {
        guard minimum >= 1, minimum <= capacity else { throw boundsError(minimum, minimum) }
        let position = position, needed = UInt64(truncatingIfNeeded: minimum)
        try await waiting.wait(until: deadline) { published in published &- position >= needed }
    }

    /// Lends `body` at least `minimum` available bytes, suspending the task until they are there
    /// (at most until `deadline`); see ``tryRead(atLeast:upTo:_:)``.
    public mutating func read(
        atLeast minimum: Int = 1, upTo maximum: Int = .max, until deadline: Deadline = .never,
        _ body: (UnsafeRawBufferPointer) throws(InterprocessError) -> Int
    ) async throws(InterprocessError) -> Int {
        while true {
            let ended = writerFinished
            if let count = try tryRead(atLeast: minimum, upTo: maximum, body) { return count }
            if ended { return 0 }
            try await waitForData(minimum, until: deadline)
        }
    }

    /// Like the async `read(atLeast:upTo:until:_:)`, waiting at most `timeout`.
    public mutating func read(
        atLeast minimum: Int = 1, upTo maximum: Int = .max, timeout: Duration,
        _ body: (UnsafeRawBufferPointer) throws(InterprocessError) -> Int
    ) async throws(InterprocessError) -> Int {
        try await read(atLeast: minimum, upTo: maximum, until: .after(timeout), body)
    }

    /// Returns at least one and at most `maximum` bytes, suspending the task until `deadline`.
    public mutating func read(upTo maximum: Int, until deadline: Deadline = .never) async throws(InterprocessError) -> [UInt8] {
        var result: [UInt8] = []
        _ = try await read(upTo: maximum, until: deadline) { bytes in
            result = Array(bytes)
            return bytes.count
        }
        return result
    }

    /// Returns at least one and at most `maximum` bytes, suspending the task at most `timeout`.
    public mutating func read(upTo maximum: Int, timeout: Duration) async throws(InterprocessError) -> [UInt8] {
        try await read(upTo: maximum, until: .after(timeout))
    }

    // MARK: Slow paths (not inlined)

    /// Where the reader waits: on the writer's index, with its own sleeping flag.
    var waiting: ByteStreamWaiting {
        ByteStreamWaiting(storage: storage, indexOffset: ByteStreamLayout.writtenOffset, peerOwnerOffset: ByteStreamLayout.writerOwnerOffset,
                          sleepingOffset: ByteStreamLayout.readerSleepingOffset, peerRole: "writer", operation: "read from byte stream")
    }

    @usableFromInline
    func wakeWriter() {
        Futex.wake(storage.futexWord(ByteStreamLayout.readOffset))
    }

    @usableFromInline
    func writtenIndexError(_ published: UInt64) -> InterprocessError {
        storage.indexError(written: published, read: position, operation: "read from byte stream")
    }

    @usableFromInline
    func boundsError(_ minimum: Int, _ maximum: Int) -> InterprocessError {
        InterprocessError(.invalidArgument, operation: "read from byte stream", name: storage.name,
                          reason: "a read of at least \(minimum) and at most \(maximum) bytes does not fit 1...\(capacity) (the capacity)")
    }
}
#endif
