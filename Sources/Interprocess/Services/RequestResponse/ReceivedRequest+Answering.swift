#if os(Linux)
import Synchronization

/// The answering forms of a received request (`docs/CONVENTIONS.md`): `send` adds a response to a
/// stream, `respond` sends the final one. Each waits only when the client has
/// ``RequestResponseConfiguration/responsesPerRequest`` unread responses to this request: `x()`
/// blocks, `tryX()` returns false at once, `x(until:)` / `x(timeout:)` throw `.timedOut`, and the
/// `async` forms suspend the task. A response to a client that gave up or died is dropped.
extension ReceivedRequest {

    /// Sends a response of a stream: the bytes `write` appends (up to `maximumByteCount`), in place.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func send(upTo maximumByteCount: Int, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) {
        _ = try _send(byteCount: maximumByteCount, final: false, until: .never) { space throws(InterprocessError) in try QueueBytes.write(into: space, write) }
    }

    /// Sends a response of a stream: the bytes `write` appends (up to `maximumByteCount`), in place; false at once when the client has not read enough earlier responses.
    public mutating func trySend(upTo maximumByteCount: Int, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) -> Bool {
        try _send(byteCount: maximumByteCount, final: false, until: nil) { space throws(InterprocessError) in try QueueBytes.write(into: space, write) }
    }

    /// Sends a response of a stream: the bytes `write` appends (up to `maximumByteCount`), in place, waiting until `deadline` for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func send(upTo maximumByteCount: Int, until deadline: Deadline, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) {
        _ = try _send(byteCount: maximumByteCount, final: false, until: deadline) { space throws(InterprocessError) in try QueueBytes.write(into: space, write) }
    }

    /// Sends a response of a stream: the bytes `write` appends (up to `maximumByteCount`), in place, waiting up to `timeout` for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func send(upTo maximumByteCount: Int, timeout: Duration, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) {
        _ = try _send(byteCount: maximumByteCount, final: false, until: .after(timeout)) { space throws(InterprocessError) in try QueueBytes.write(into: space, write) }
    }

    /// Sends a response of a stream: the bytes `write` appends (up to `maximumByteCount`), in place, suspending the task while there is no room.
    public mutating func send(upTo maximumByteCount: Int, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) async throws(InterprocessError) {
        try await send(upTo: maximumByteCount, until: .never, write)
    }

    /// Sends a response of a stream: the bytes `write` appends (up to `maximumByteCount`), in place, suspending the task at most until `deadline` for room.
    public mutating func send(upTo maximumByteCount: Int, until deadline: Deadline, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) async throws(InterprocessError) {
        try await _sendSuspending(byteCount: maximumByteCount, final: false, until: deadline) { space throws(InterprocessError) in try QueueBytes.write(into: space, write) }
    }

    /// Sends a response of a stream: the bytes `write` appends (up to `maximumByteCount`), in place, suspending the task at most `timeout` for room.
    public mutating func send(upTo maximumByteCount: Int, timeout: Duration, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) async throws(InterprocessError) {
        try await send(upTo: maximumByteCount, until: .after(timeout), write)
    }

    /// Sends a response of a stream: a copy of `value`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send(_ value: some InterprocessValue) throws(InterprocessError) {
        _ = try _send(byteCount: MemoryLayout.size(ofValue: value), final: false, until: .never) { space in space.storeBytes(of: value, as: type(of: value)); return space.count }
    }

    /// Sends a response of a stream: a copy of `value`; false at once when the client has not read enough earlier responses.
    @inlinable
    public mutating func trySend(_ value: some InterprocessValue) throws(InterprocessError) -> Bool {
        try _send(byteCount: MemoryLayout.size(ofValue: value), final: false, until: nil) { space in space.storeBytes(of: value, as: type(of: value)); return space.count }
    }

    /// Sends a response of a stream: a copy of `value`, waiting until `deadline` for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send(_ value: some InterprocessValue, until deadline: Deadline) throws(InterprocessError) {
        _ = try _send(byteCount: MemoryLayout.size(ofValue: value), final: false, until: deadline) { space in space.storeBytes(of: value, as: type(of: value)); return space.count }
    }

    /// Sends a response of a stream: a copy of `value`, waiting up to `timeout` for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func send(_ value: some InterprocessValue, timeout: Duration) throws(InterprocessError) {
        _ = try _send(byteCount: MemoryLayout.size(ofValue: value), final: false, until: .after(timeout)) { space in space.storeBytes(of: value, as: type(of: value)); return space.count }
    }

    /// Sends a response of a stream: a copy of `value`, suspending the task while there is no room.
    public mutating func send(_ value: some InterprocessValue) async throws(InterprocessError) {
        try await send(value, until: .never)
    }

    /// Sends a response of a stream: a copy of `value`, suspending the task at most until `deadline` for room.
    public mutating func send(_ value: some InterprocessValue, until deadline: Deadline) async throws(InterprocessError) {
        try await _sendSuspending(byteCount: MemoryLayout.size(ofValue: value), final: false, until: deadline) { space in space.storeBytes(of: value, as: type(of: value)); return space.count }
    }

    /// Sends a response of a stream: a copy of `value`, suspending the task at most `timeout` for room.
    public mutating func send(_ value: some InterprocessValue, timeout: Duration) async throws(InterprocessError) {
        try await send(value, until: .after(timeout))
    }

    /// Sends a response of a stream: a copy of `bytes`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func send(contentsOf bytes: some Collection<UInt8>) throws(InterprocessError) {
        _ = try _send(byteCount: bytes.count, final: false, until: .never) { space in QueueBytes.copy(bytes, into: space) }
    }

    /// Sends a response of a stream: a copy of `bytes`; false at once when the client has not read enough earlier responses.
    public mutating func trySend(contentsOf bytes: some Collection<UInt8>) throws(InterprocessError) -> Bool {
        try _send(byteCount: bytes.count, final: false, until: nil) { space in QueueBytes.copy(bytes, into: space) }
    }

    /// Sends a response of a stream: a copy of `bytes`, waiting until `deadline` for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func send(contentsOf bytes: some Collection<UInt8>, until deadline: Deadline) throws(InterprocessError) {
        _ = try _send(byteCount: bytes.count, final: false, until: deadline) { space in QueueBytes.copy(bytes, into: space) }
    }

    /// Sends a response of a stream: a copy of `bytes`, waiting up to `timeout` for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func send(contentsOf bytes: some Collection<UInt8>, timeout: Duration) throws(InterprocessError) {
        _ = try _send(byteCount: bytes.count, final: false, until: .after(timeout)) { space in QueueBytes.copy(bytes, into: space) }
    }

    /// Sends a response of a stream: a copy of `bytes`, suspending the task while there is no room.
    public mutating func send(contentsOf bytes: some Collection<UInt8>) async throws(InterprocessError) {
        try await send(contentsOf: bytes, until: .never)
    }

    /// Sends a response of a stream: a copy of `bytes`, suspending the task at most until `deadline` for room.
    public mutating func send(contentsOf bytes: some Collection<UInt8>, until deadline: Deadline) async throws(InterprocessError) {
        try await _sendSuspending(byteCount: bytes.count, final: false, until: deadline) { space in QueueBytes.copy(bytes, into: space) }
    }

    /// Sends a response of a stream: a copy of `bytes`, suspending the task at most `timeout` for room.
    public mutating func send(contentsOf bytes: some Collection<UInt8>, timeout: Duration) async throws(InterprocessError) {
        try await send(contentsOf: bytes, until: .after(timeout))
    }

    /// Sends the final response: the bytes `write` appends (up to `maximumByteCount`), in place.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func respond(upTo maximumByteCount: Int, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) {
        _ = try _send(byteCount: maximumByteCount, final: true, until: .never) { space throws(InterprocessError) in try QueueBytes.write(into: space, write) }
    }

    /// Sends the final response: the bytes `write` appends (up to `maximumByteCount`), in place; false at once when the client has not read enough earlier responses.
    public mutating func tryRespond(upTo maximumByteCount: Int, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) -> Bool {
        try _send(byteCount: maximumByteCount, final: true, until: nil) { space throws(InterprocessError) in try QueueBytes.write(into: space, write) }
    }

    /// Sends the final response: the bytes `write` appends (up to `maximumByteCount`), in place, waiting until `deadline` for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func respond(upTo maximumByteCount: Int, until deadline: Deadline, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) {
        _ = try _send(byteCount: maximumByteCount, final: true, until: deadline) { space throws(InterprocessError) in try QueueBytes.write(into: space, write) }
    }

    /// Sends the final response: the bytes `write` appends (up to `maximumByteCount`), in place, waiting up to `timeout` for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func respond(upTo maximumByteCount: Int, timeout: Duration, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) {
        _ = try _send(byteCount: maximumByteCount, final: true, until: .after(timeout)) { space throws(InterprocessError) in try QueueBytes.write(into: space, write) }
    }

    /// Sends the final response: the bytes `write` appends (up to `maximumByteCount`), in place, suspending the task while there is no room.
    public mutating func respond(upTo maximumByteCount: Int, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) async throws(InterprocessError) {
        try await respond(upTo: maximumByteCount, until: .never, write)
    }

    /// Sends the final response: the bytes `write` appends (up to `maximumByteCount`), in place, suspending the task at most until `deadline` for room.
    public mutating func respond(upTo maximumByteCount: Int, until deadline: Deadline, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) async throws(InterprocessError) {
        try await _sendSuspending(byteCount: maximumByteCount, final: true, until: deadline) { space throws(InterprocessError) in try QueueBytes.write(into: space, write) }
    }

    /// Sends the final response: the bytes `write` appends (up to `maximumByteCount`), in place, suspending the task at most `timeout` for room.
    public mutating func respond(upTo maximumByteCount: Int, timeout: Duration, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) async throws(InterprocessError) {
        try await respond(upTo: maximumByteCount, until: .after(timeout), write)
    }

    /// Sends the final response: a copy of `value`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func respond(_ value: some InterprocessValue) throws(InterprocessError) {
        _ = try _send(byteCount: MemoryLayout.size(ofValue: value), final: true, until: .never) { space in space.storeBytes(of: value, as: type(of: value)); return space.count }
    }

    /// Sends the final response: a copy of `value`; false at once when the client has not read enough earlier responses.
    @inlinable
    public mutating func tryRespond(_ value: some InterprocessValue) throws(InterprocessError) -> Bool {
        try _send(byteCount: MemoryLayout.size(ofValue: value), final: true, until: nil) { space in space.storeBytes(of: value, as: type(of: value)); return space.count }
    }

    /// Sends the final response: a copy of `value`, waiting until `deadline` for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func respond(_ value: some InterprocessValue, until deadline: Deadline) throws(InterprocessError) {
        _ = try _send(byteCount: MemoryLayout.size(ofValue: value), final: true, until: deadline) { space in space.storeBytes(of: value, as: type(of: value)); return space.count }
    }

    /// Sends the final response: a copy of `value`, waiting up to `timeout` for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func respond(_ value: some InterprocessValue, timeout: Duration) throws(InterprocessError) {
        _ = try _send(byteCount: MemoryLayout.size(ofValue: value), final: true, until: .after(timeout)) { space in space.storeBytes(of: value, as: type(of: value)); return space.count }
    }

    /// Sends the final response: a copy of `value`, suspending the task while there is no room.
    public mutating func respond(_ value: some InterprocessValue) async throws(InterprocessError) {
        try await respond(value, until: .never)
    }

    /// Sends the final response: a copy of `value`, suspending the task at most until `deadline` for room.
    public mutating func respond(_ value: some InterprocessValue, until deadline: Deadline) async throws(InterprocessError) {
        try await _sendSuspending(byteCount: MemoryLayout.size(ofValue: value), final: true, until: deadline) { space in space.storeBytes(of: value, as: type(of: value)); return space.count }
    }

    /// Sends the final response: a copy of `value`, suspending the task at most `timeout` for room.
    public mutating func respond(_ value: some InterprocessValue, timeout: Duration) async throws(InterprocessError) {
        try await respond(value, until: .after(timeout))
    }

    /// Sends the final response: a copy of `bytes`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func respond(contentsOf bytes: some Collection<UInt8>) throws(InterprocessError) {
        _ = try _send(byteCount: bytes.count, final: true, until: .never) { space in QueueBytes.copy(bytes, into: space) }
    }

    /// Sends the final response: a copy of `bytes`; false at once when the client has not read enough earlier responses.
    public mutating func tryRespond(contentsOf bytes: some Collection<UInt8>) throws(InterprocessError) -> Bool {
        try _send(byteCount: bytes.count, final: true, until: nil) { space in QueueBytes.copy(bytes, into: space) }
    }

    /// Sends the final response: a copy of `bytes`, waiting until `deadline` for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func respond(contentsOf bytes: some Collection<UInt8>, until deadline: Deadline) throws(InterprocessError) {
        _ = try _send(byteCount: bytes.count, final: true, until: deadline) { space in QueueBytes.copy(bytes, into: space) }
    }

    /// Sends the final response: a copy of `bytes`, waiting up to `timeout` for room.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func respond(contentsOf bytes: some Collection<UInt8>, timeout: Duration) throws(InterprocessError) {
        _ = try _send(byteCount: bytes.count, final: true, until: .after(timeout)) { space in QueueBytes.copy(bytes, into: space) }
    }

    /// Sends the final response: a copy of `bytes`, suspending the task while there is no room.
    public mutating func respond(contentsOf bytes: some Collection<UInt8>) async throws(InterprocessError) {
        try await respond(contentsOf: bytes, until: .never)
    }

    /// Sends the final response: a copy of `bytes`, suspending the task at most until `deadline` for room.
    public mutating func respond(contentsOf bytes: some Collection<UInt8>, until deadline: Deadline) async throws(InterprocessError) {
        try await _sendSuspending(byteCount: bytes.count, final: true, until: deadline) { space in QueueBytes.copy(bytes, into: space) }
    }

    /// Sends the final response: a copy of `bytes`, suspending the task at most `timeout` for room.
    public mutating func respond(contentsOf bytes: some Collection<UInt8>, timeout: Duration) async throws(InterprocessError) {
        try await respond(contentsOf: bytes, until: .after(timeout))
    }

    /// Sends one response, suspending the task (bounded slices, cancellable) while the client
    /// has no room for it; the shared body of every async answering form.
    mutating func _sendSuspending(
        byteCount: Int, final: Bool, until deadline: Deadline,
        _ write: (UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Int
    ) async throws(InterprocessError) {
        let operation = "respond to request"
        while true {
            try ProcessWaiter.checkCancellation(operation: operation, name: storage.name)
            if try _send(byteCount: byteCount, final: final, until: nil, write) { return }
            try await awaitRoom(until: deadline, operation: operation)
        }
    }
}
#endif
