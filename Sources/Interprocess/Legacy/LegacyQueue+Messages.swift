#if os(Linux)
import Synchronization

/// Sending and receiving: the C++ `SharedMemoryQueue`'s enqueue and dequeue, under the producer
/// and the consumer lock words.
extension LegacyQueue {
    // MARK: Send

    /// Queues `message` if there is room now; false when the queue is full or the producer lock
    /// word is set.
    ///
    /// - Throws: `invalidArgument` for a message above ``maximumMessageSize``; `corrupt` for
    ///   header words no queue holds.
    public func trySend(_ message: UnsafeRawBufferPointer) throws(InterprocessError) -> Bool {
        try trySend(byteCount: message.count) { $0.copyMemory(from: message) }
    }

    /// Queues `message`, waiting until `deadline` for room (and for the producer lock word).
    ///
    /// - Throws: `timedOut` when the queue stayed full or the lock word set.
    public func send(_ message: UnsafeRawBufferPointer, until deadline: Deadline) throws(InterprocessError) {
        try send(byteCount: message.count, until: deadline) { $0.copyMemory(from: message) }
    }

    /// Queues `message`, waiting at most `timeout` for room.
    public func send(_ message: UnsafeRawBufferPointer, timeout: Duration) throws(InterprocessError) {
        try send(message, until: .after(timeout))
    }

    /// Queues `message`, waiting without limit for room (each lock wait is still bounded by
    /// ``lockTimeout``). Blocks the thread.
    @available(*, noasync, message: "blocks the thread; in async code use send(_:until:) from a thread of your own")
    public func send(_ message: UnsafeRawBufferPointer) throws(InterprocessError) {
        try send(message, until: .never)
    }

    /// Queues the bytes of `bytes` if there is room now; false when full or the lock word is set.
    public func trySend(contentsOf bytes: some Collection<UInt8>) throws(InterprocessError) -> Bool {
        try trySend(byteCount: bytes.count) { _ = QueueBytes.copy(bytes, into: $0) }
    }

    /// Queues the bytes of `bytes`, waiting until `deadline` for room.
    public func send(contentsOf bytes: some Collection<UInt8>, until deadline: Deadline) throws(InterprocessError) {
        try send(byteCount: bytes.count, until: deadline) { _ = QueueBytes.copy(bytes, into: $0) }
    }

    /// Queues the bytes of `bytes`, waiting at most `timeout` for room.
    public func send(contentsOf bytes: some Collection<UInt8>, timeout: Duration) throws(InterprocessError) {
        try send(contentsOf: bytes, until: .after(timeout))
    }

    /// Queues the bytes of `bytes`, waiting without limit for room. Blocks the thread.
    @available(*, noasync, message: "blocks the thread; in async code use send(contentsOf:until:) from a thread of your own")
    public func send(contentsOf bytes: some Collection<UInt8>) throws(InterprocessError) {
        try send(contentsOf: bytes, until: .never)
    }

    func trySend(byteCount: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Void) throws(InterprocessError) -> Bool {
        try checkSize(byteCount)
        return try enqueue(byteCount: byteCount, .tryOnce, fill) ?? false
    }

    func send(byteCount: Int, until deadline: Deadline, _ fill: (UnsafeMutableRawBufferPointer) -> Void) throws(InterprocessError) {
        try checkSize(byteCount)
        try poll(until: deadline, waitingFor: "room") { () throws(InterprocessError) -> Bool in
            try enqueue(byteCount: byteCount, .until(Deadline.after(lockTimeout).earlier(than: deadline)), fill) ?? false
        }
    }

    // MARK: Receive

    /// Lends the oldest message to `body` in place (under the consumer lock word: keep it short)
    /// and removes it; false at once when the queue is empty or the lock word is set.
    ///
    /// - Throws: `corrupt` for a length or header word no queue holds; what `body` throws (the
    ///   message is then left queued).
    public func tryReceive(_ body: (UnsafeRawBufferPointer) throws(InterprocessError) -> Void) throws(InterprocessError) -> Bool {
        try dequeue(.tryOnce, body) ?? false
    }

    /// The oldest message, copied out and removed; nil at once when there is none.
    public func tryReceive() throws(InterprocessError) -> [UInt8]? {
        var message: [UInt8]?
        guard try tryReceive({ message = Array($0) }) else { return nil }
        return message
    }

    /// Waits until `deadline` for a message, copies it out and removes it.
    ///
    /// - Throws: `timedOut` when none came (or the consumer lock word stayed set).
    public func receive(until deadline: Deadline) throws(InterprocessError) -> [UInt8] {
        var message: [UInt8] = []
        try poll(until: deadline, waitingFor: "a message") { () throws(InterprocessError) -> Bool in
            try dequeue(.until(Deadline.after(lockTimeout).earlier(than: deadline)), { message = Array($0) }) ?? false
        }
        return message
    }

    /// Waits at most `timeout` for a message.
    public func receive(timeout: Duration) throws(InterprocessError) -> [UInt8] {
        try receive(until: .after(timeout))
    }

    /// Waits without limit for a message. Blocks the thread.
    @available(*, noasync, message: "blocks the thread; in async code use receive(until:) from a thread of your own")
    public func receive() throws(InterprocessError) -> [UInt8] {
        try receive(until: .never)
    }

    // MARK: The protocol

    /// Enqueue: under the producer lock, if `count < capacity`, write the slot at `writeIndex`
    /// (its length, then `fill` its bytes),
    /// advance it, then increment `count` (release). Nil when the lock word stayed set (tryOnce).
    func enqueue(byteCount: Int, _ wait: LegacyLock.Wait, _ fill: (UnsafeMutableRawBufferPointer) -> Void) throws(InterprocessError) -> Bool? {
        let operation = "send to libsharedmemory queue"
        return try LegacyLock.withLock(storage.word32(LegacyQueue.producerLockOffset), wait, failure: {
            LegacyLock.timedOut(operation, name: name, word: "producerLock", offset: LegacyQueue.producerLockOffset, takeover: "breakLocks()")
        }) { () throws(InterprocessError) -> Bool in
            let count = storage.word32(LegacyQueue.countOffset)
            guard try checked(count.pointee.load(ordering: .acquiring), "count", limit: capacity, operation) < capacity else { return false }
            let writeIndex = storage.word32(LegacyQueue.writeIndexOffset)
            let index = Int(try checked(writeIndex.pointee.load(ordering: .relaxed), "writeIndex", limit: capacity - 1, operation))
            let slot = slot(index)
            slot.storeBytes(of: UInt32(byteCount).littleEndian, as: UInt32.self)
            fill(UnsafeMutableRawBufferPointer(start: slot + 4, count: byteCount))
            writeIndex.pointee.store(UInt32((index + 1) % capacity), ordering: .relaxed)
            count.pointee.wrappingAdd(1, ordering: .releasing)
            return true
        }
    }

    /// Dequeue: under the consumer lock, if `count > 0`, lend the slot at `readIndex`, advance it,
    /// then decrement `count` (release). Nil when the lock word stayed set (tryOnce).
    func dequeue(_ wait: LegacyLock.Wait, _ body: (UnsafeRawBufferPointer) throws(InterprocessError) -> Void) throws(InterprocessError) -> Bool? {
        let operation = "receive from libsharedmemory queue"
        return try LegacyLock.withLock(storage.word32(LegacyQueue.consumerLockOffset), wait, failure: {
            LegacyLock.timedOut(operation, name: name, word: "consumerLock", offset: LegacyQueue.consumerLockOffset, takeover: "breakLocks()")
        }) { () throws(InterprocessError) -> Bool in
            let count = storage.word32(LegacyQueue.countOffset)
            guard try checked(count.pointee.load(ordering: .acquiring), "count", limit: capacity, operation) > 0 else { return false }
            let readIndex = storage.word32(LegacyQueue.readIndexOffset)
            let index = Int(try checked(readIndex.pointee.load(ordering: .relaxed), "readIndex", limit: capacity - 1, operation))
            let slot = slot(index)
            let length = try checked(UInt32(littleEndian: slot.load(as: UInt32.self)), "length of slot \(index)", limit: maximumMessageSize, operation)
            try body(UnsafeRawBufferPointer(start: slot + 4, count: Int(length)))
            readIndex.pointee.store(UInt32((index + 1) % capacity), ordering: .relaxed)
            count.pointee.wrappingSubtract(1, ordering: .releasing)
            return true
        }
    }

    /// `value`, or `corrupt` when it is above `limit` (`word` is built only then: this runs on
    /// every message).
    @inline(__always)
    func checked(_ value: UInt32, _ word: @autoclosure () -> String, limit: Int, _ operation: String) throws(InterprocessError) -> UInt32 {
        guard Int(value) <= limit else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its \(word()) is \(value), above \(limit) (capacity \(capacity), maxMessageSize \(maximumMessageSize))")
        }
        return value
    }

    func checkSize(_ byteCount: Int) throws(InterprocessError) {
        guard byteCount <= maximumMessageSize else {
            throw InterprocessError(.invalidArgument, operation: "send to libsharedmemory queue", name: name,
                                    reason: "a message of \(byteCount) bytes is above this queue's maxMessageSize of \(maximumMessageSize)")
        }
    }

    /// ``LegacyLock/poll(until:truncation:timedOut:_:)`` with this queue's error.
    func poll(until deadline: Deadline, waitingFor what: String, _ attempt: () throws(InterprocessError) -> Bool) throws(InterprocessError) {
        try LegacyLock.poll(until: deadline, truncation: owner.memory.truncationProbe, timedOut: {
            InterprocessError(.timedOut, operation: what == "room" ? "send to libsharedmemory queue" : "receive from libsharedmemory queue",
                              name: name, reason: "no \(what) before the deadline")
        }, attempt)
    }
}
#endif
