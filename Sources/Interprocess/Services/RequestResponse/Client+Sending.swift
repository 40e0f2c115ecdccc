#if os(Linux)
import Synchronization

/// The send forms of a client (`docs/CONVENTIONS.md`): in place, a value, or bytes. A send waits
/// only when every request slot holds a request the client gave up on and the server has not
/// finished yet: `send` blocks, `trySend` returns nil at once, `send(…until:)` / `send(…timeout:)`
/// throw `.timedOut`, the `async` forms suspend the task. With
/// ``RequestResponseConfiguration/requestsInFlightPerClient`` requests waiting for responses,
/// every form throws `resourceLimit`. A request larger than
/// ``RequestResponseConfiguration/maximumRequestSize`` throws `invalidArgument`.
extension Client {

    /// Sends a request: the bytes `write` appends (up to `maximumByteCount`), written in place.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @discardableResult
    public mutating func send(upTo maximumByteCount: Int, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) -> RequestID {
        try _send(byteCount: maximumByteCount, until: .never, { space throws(InterprocessError) in try QueueBytes.write(into: space, write) }).unsafelyUnwrapped
    }

    /// Sends a request: the bytes `write` appends (up to `maximumByteCount`), written in place; nil at once when no slot is free yet.
    public mutating func trySend(upTo maximumByteCount: Int, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) -> RequestID? {
        try _send(byteCount: maximumByteCount, until: nil, { space throws(InterprocessError) in try QueueBytes.write(into: space, write) })
    }

    /// Sends a request: the bytes `write` appends (up to `maximumByteCount`), written in place, waiting until `deadline` for a free slot.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @discardableResult
    public mutating func send(upTo maximumByteCount: Int, until deadline: Deadline, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) -> RequestID {
        try _send(byteCount: maximumByteCount, until: deadline, { space throws(InterprocessError) in try QueueBytes.write(into: space, write) }).unsafelyUnwrapped
    }

    /// Sends a request: the bytes `write` appends (up to `maximumByteCount`), written in place, waiting up to `timeout` for a free slot.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @discardableResult
    public mutating func send(upTo maximumByteCount: Int, timeout: Duration, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) -> RequestID {
        try _send(byteCount: maximumByteCount, until: .after(timeout), { space throws(InterprocessError) in try QueueBytes.write(into: space, write) }).unsafelyUnwrapped
    }

    /// Sends a request: the bytes `write` appends (up to `maximumByteCount`), written in place, suspending the task while no slot is free.
    @discardableResult
    public mutating func send(upTo maximumByteCount: Int, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) async throws(InterprocessError) -> RequestID {
        try await send(upTo: maximumByteCount, until: .never, write)
    }

    /// Sends a request: the bytes `write` appends (up to `maximumByteCount`), written in place, suspending the task at most until `deadline` for a free slot.
    @discardableResult
    public mutating func send(upTo maximumByteCount: Int, until deadline: Deadline, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) async throws(InterprocessError) -> RequestID {
        while true {
            if let id = try _send(byteCount: maximumByteCount, until: nil, { space throws(InterprocessError) in try QueueBytes.write(into: space, write) }) { return id }
            try await awaitFreeSlot(until: deadline)
        }
    }

    /// Sends a request: the bytes `write` appends (up to `maximumByteCount`), written in place, suspending the task at most `timeout` for a free slot.
    @discardableResult
    public mutating func send(upTo maximumByteCount: Int, timeout: Duration, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) async throws(InterprocessError) -> RequestID {
        try await send(upTo: maximumByteCount, until: .after(timeout), write)
    }

    /// Sends a request: a copy of `value`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @discardableResult
    @inlinable
    public mutating func send(_ value: some InterprocessValue) throws(InterprocessError) -> RequestID {
        try _send(byteCount: MemoryLayout.size(ofValue: value), until: .never, { space in space.storeBytes(of: value, as: type(of: value)); return space.count }).unsafelyUnwrapped
    }

    /// Sends a request: a copy of `value`; nil at once when no slot is free yet.
    @inlinable
    public mutating func trySend(_ value: some InterprocessValue) throws(InterprocessError) -> RequestID? {
        try _send(byteCount: MemoryLayout.size(ofValue: value), until: nil, { space in space.storeBytes(of: value, as: type(of: value)); return space.count })
    }

    /// Sends a request: a copy of `value`, waiting until `deadline` for a free slot.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @discardableResult
    @inlinable
    public mutating func send(_ value: some InterprocessValue, until deadline: Deadline) throws(InterprocessError) -> RequestID {
        try _send(byteCount: MemoryLayout.size(ofValue: value), until: deadline, { space in space.storeBytes(of: value, as: type(of: value)); return space.count }).unsafelyUnwrapped
    }

    /// Sends a request: a copy of `value`, waiting up to `timeout` for a free slot.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @discardableResult
    @inlinable
    public mutating func send(_ value: some InterprocessValue, timeout: Duration) throws(InterprocessError) -> RequestID {
        try _send(byteCount: MemoryLayout.size(ofValue: value), until: .after(timeout), { space in space.storeBytes(of: value, as: type(of: value)); return space.count }).unsafelyUnwrapped
    }

    /// Sends a request: a copy of `value`, suspending the task while no slot is free.
    @discardableResult
    public mutating func send(_ value: some InterprocessValue) async throws(InterprocessError) -> RequestID {
        try await send(value, until: .never)
    }

    /// Sends a request: a copy of `value`, suspending the task at most until `deadline` for a free slot.
    @discardableResult
    public mutating func send(_ value: some InterprocessValue, until deadline: Deadline) async throws(InterprocessError) -> RequestID {
        while true {
            if let id = try _send(byteCount: MemoryLayout.size(ofValue: value), until: nil, { space in space.storeBytes(of: value, as: type(of: value)); return space.count }) { return id }
            try await awaitFreeSlot(until: deadline)
        }
    }

    /// Sends a request: a copy of `value`, suspending the task at most `timeout` for a free slot.
    @discardableResult
    public mutating func send(_ value: some InterprocessValue, timeout: Duration) async throws(InterprocessError) -> RequestID {
        try await send(value, until: .after(timeout))
    }

    /// Sends a request: a copy of `bytes`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @discardableResult
    public mutating func send(contentsOf bytes: some Collection<UInt8>) throws(InterprocessError) -> RequestID {
        try _send(byteCount: bytes.count, until: .never, { space in QueueBytes.copy(bytes, into: space) }).unsafelyUnwrapped
    }

    /// Sends a request: a copy of `bytes`; nil at once when no slot is free yet.
    public mutating func trySend(contentsOf bytes: some Collection<UInt8>) throws(InterprocessError) -> RequestID? {
        try _send(byteCount: bytes.count, until: nil, { space in QueueBytes.copy(bytes, into: space) })
    }

    /// Sends a request: a copy of `bytes`, waiting until `deadline` for a free slot.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @discardableResult
    public mutating func send(contentsOf bytes: some Collection<UInt8>, until deadline: Deadline) throws(InterprocessError) -> RequestID {
        try _send(byteCount: bytes.count, until: deadline, { space in QueueBytes.copy(bytes, into: space) }).unsafelyUnwrapped
    }

    /// Sends a request: a copy of `bytes`, waiting up to `timeout` for a free slot.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @discardableResult
    public mutating func send(contentsOf bytes: some Collection<UInt8>, timeout: Duration) throws(InterprocessError) -> RequestID {
        try _send(byteCount: bytes.count, until: .after(timeout), { space in QueueBytes.copy(bytes, into: space) }).unsafelyUnwrapped
    }

    /// Sends a request: a copy of `bytes`, suspending the task while no slot is free.
    @discardableResult
    public mutating func send(contentsOf bytes: some Collection<UInt8>) async throws(InterprocessError) -> RequestID {
        try await send(contentsOf: bytes, until: .never)
    }

    /// Sends a request: a copy of `bytes`, suspending the task at most until `deadline` for a free slot.
    @discardableResult
    public mutating func send(contentsOf bytes: some Collection<UInt8>, until deadline: Deadline) async throws(InterprocessError) -> RequestID {
        while true {
            if let id = try _send(byteCount: bytes.count, until: nil, { space in QueueBytes.copy(bytes, into: space) }) { return id }
            try await awaitFreeSlot(until: deadline)
        }
    }

    /// Sends a request: a copy of `bytes`, suspending the task at most `timeout` for a free slot.
    @discardableResult
    public mutating func send(contentsOf bytes: some Collection<UInt8>, timeout: Duration) async throws(InterprocessError) -> RequestID {
        try await send(contentsOf: bytes, until: .after(timeout))
    }

    /// Suspends the task for a bounded slice while the server finishes requests this client gave
    /// up on (it wakes the client when it does).
    func awaitFreeSlot(until deadline: Deadline) async throws(InterprocessError) {
        let operation = "send request to request-response service"
        try ProcessWaiter.checkCancellation(operation: operation, name: storage.name)
        if deadline.hasPassed || storage.wasTruncated {
            throw storage.waitEnded(operation, reason: "the server did not finish the requests this client gave up on before the deadline")
        }
        let parking = storage.clientParking(seat)
        let outcome = try await ProcessWaiter.shared.wait(
            on: parking, until: Deadline.after(FutexParking.recheckInterval).earlier(than: deadline), operation: operation,
            name: storage.name, check: parking.blockedCheck { true })
        if outcome == .cancelled { try ProcessWaiter.requireAcquired(outcome, operation: operation, name: storage.name) }
    }
}
#endif
