#if os(Linux)
import Synchronization

/// The response forms of a client (`docs/CONVENTIONS.md`): in place, bytes, or a value. Each
/// returns nil once the request is complete (its final response was received, the server
/// completed it without one more, or the client cancelled it); `tryReceiveResponse` returns
/// nil at once when nothing is there yet and `.some(nil)` when the request is complete. A dead
/// server throws `peerDied`; a deadline throws `.timedOut` and leaves the request in flight
/// (receive again, or ``Client/cancel(_:)`` it).
extension Client {

    /// Waits for the next response to `id`, lent in place to `body`; nil when the request is complete.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func receiveResponse<Result>(to id: RequestID, _ body: (borrowing Response) throws(InterprocessError) -> Result) throws(InterprocessError) -> Result? {
        try receiveResponse(to: id, until: .never, body)
    }

    /// Returns the next response to `id`, lent in place to `body`, nil at once when there is none yet, or `.some(nil)` when the request is complete.
    public mutating func tryReceiveResponse<Result>(to id: RequestID, _ body: (borrowing Response) throws(InterprocessError) -> Result) throws(InterprocessError) -> Result?? {
        guard id.slot < storage.geometry.slotsPerSeat else { return .some(nil) }
        switch try ResponseReading.receive(seat: seat, slot: slot(id.slot), id: id.rawValue, storage: storage, until: nil, body) {
        case .response(let result): return .some(result)
        case .complete: return .some(nil)
        case .notYet: return nil
        }
    }

    /// Waits until `deadline` for the next response to `id`, lent in place to `body`; nil when the request is complete.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func receiveResponse<Result>(to id: RequestID, until deadline: Deadline, _ body: (borrowing Response) throws(InterprocessError) -> Result) throws(InterprocessError) -> Result? {
        guard id.slot < storage.geometry.slotsPerSeat else { return nil }
        switch try ResponseReading.receive(seat: seat, slot: slot(id.slot), id: id.rawValue, storage: storage, until: deadline, body) {
        case .response(let result): return result
        case .complete, .notYet: return nil
        }
    }

    /// Waits up to `timeout` for the next response to `id`, lent in place to `body`; nil when the request is complete.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func receiveResponse<Result>(to id: RequestID, timeout: Duration, _ body: (borrowing Response) throws(InterprocessError) -> Result) throws(InterprocessError) -> Result? {
        try receiveResponse(to: id, until: .after(timeout), body)
    }

    /// Suspends the task until the next response to `id`, lent in place to `body` is there; nil when the request is complete.
    public mutating func receiveResponse<Result>(to id: RequestID, _ body: (borrowing Response) throws(InterprocessError) -> Result) async throws(InterprocessError) -> Result? {
        try await receiveResponse(to: id, until: .never, body)
    }

    /// Suspends the task at most until `deadline` for the next response to `id`, lent in place to `body`; nil when the request is complete.
    public mutating func receiveResponse<Result>(to id: RequestID, until deadline: Deadline, _ body: (borrowing Response) throws(InterprocessError) -> Result) async throws(InterprocessError) -> Result? {
        guard id.slot < storage.geometry.slotsPerSeat else { return nil }
        switch try await ResponseReading.receive(seat: seat, slot: slot(id.slot), id: id.rawValue, storage: storage, until: deadline, body) {
        case .response(let result): return result
        case .complete, .notYet: return nil
        }
    }

    /// Suspends the task at most `timeout` for the next response to `id`, lent in place to `body`; nil when the request is complete.
    public mutating func receiveResponse<Result>(to id: RequestID, timeout: Duration, _ body: (borrowing Response) throws(InterprocessError) -> Result) async throws(InterprocessError) -> Result? {
        try await receiveResponse(to: id, until: .after(timeout), body)
    }

    /// Waits for a copy of the next response to `id`; nil when the request is complete.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func receiveResponse(to id: RequestID) throws(InterprocessError) -> [UInt8]? {
        try receiveResponse(to: id, until: .never)
    }

    /// Returns a copy of the next response to `id`, nil at once when there is none yet, or `.some(nil)` when the request is complete.
    public mutating func tryReceiveResponse(to id: RequestID) throws(InterprocessError) -> [UInt8]?? {
        try tryReceiveResponse(to: id) { response in response.bytes }
    }

    /// Waits until `deadline` for a copy of the next response to `id`; nil when the request is complete.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func receiveResponse(to id: RequestID, until deadline: Deadline) throws(InterprocessError) -> [UInt8]? {
        try receiveResponse(to: id, until: deadline) { response in response.bytes }
    }

    /// Waits up to `timeout` for a copy of the next response to `id`; nil when the request is complete.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func receiveResponse(to id: RequestID, timeout: Duration) throws(InterprocessError) -> [UInt8]? {
        try receiveResponse(to: id, until: .after(timeout))
    }

    /// Suspends the task until a copy of the next response to `id` is there; nil when the request is complete.
    public mutating func receiveResponse(to id: RequestID) async throws(InterprocessError) -> [UInt8]? {
        try await receiveResponse(to: id, until: .never)
    }

    /// Suspends the task at most until `deadline` for a copy of the next response to `id`; nil when the request is complete.
    public mutating func receiveResponse(to id: RequestID, until deadline: Deadline) async throws(InterprocessError) -> [UInt8]? {
        try await receiveResponse(to: id, until: deadline) { response in response.bytes }
    }

    /// Suspends the task at most `timeout` for a copy of the next response to `id`; nil when the request is complete.
    public mutating func receiveResponse(to id: RequestID, timeout: Duration) async throws(InterprocessError) -> [UInt8]? {
        try await receiveResponse(to: id, until: .after(timeout))
    }

    /// Waits for a copy of the value in the next response to `id`; nil when the request is complete.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receiveResponse<Value: InterprocessValue>(to id: RequestID, as type: Value.Type) throws(InterprocessError) -> Value? {
        try receiveResponse(to: id, as: type, until: .never)
    }

    /// Returns a copy of the value in the next response to `id`, nil at once when there is none yet, or `.some(nil)` when the request is complete.
    @inlinable
    public mutating func tryReceiveResponse<Value: InterprocessValue>(to id: RequestID, as type: Value.Type) throws(InterprocessError) -> Value?? {
        var value: Value?
        switch try _receiveResponse(to: id, until: nil, { payload throws(InterprocessError) in
            value = try MessageBytes.load(payload, offset: 0, as: Value.self, what: "response")
        }) {
        case true?: return .some(value)
        case false?: return .some(nil)
        case nil: return nil
        }
    }

    /// Waits until `deadline` for a copy of the value in the next response to `id`; nil when the request is complete.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receiveResponse<Value: InterprocessValue>(to id: RequestID, as type: Value.Type, until deadline: Deadline) throws(InterprocessError) -> Value? {
        var value: Value?
        guard try _receiveResponse(to: id, until: deadline, { payload throws(InterprocessError) in
            value = try MessageBytes.load(payload, offset: 0, as: Value.self, what: "response")
        }) == true else { return nil }
        return value
    }

    /// The value forms' one receive, not generic so that the caller's module specializes only
    /// the copy: lends the next response's payload to `copy`; false when the request is
    /// complete, nil when nothing is there yet (only without a deadline).
    @usableFromInline
    mutating func _receiveResponse(
        to id: RequestID, until deadline: Deadline?, _ copy: (UnsafeRawBufferPointer) throws(InterprocessError) -> Void
    ) throws(InterprocessError) -> Bool? {
        guard id.slot < storage.geometry.slotsPerSeat else { return false }
        switch try ResponseReading.receive(seat: seat, slot: slot(id.slot), id: id.rawValue, storage: storage, until: deadline, {
            response throws(InterprocessError) in try copy(response.payload)
        }) {
        case .response: return true
        case .complete: return false
        case .notYet: return nil
        }
    }

    /// Waits up to `timeout` for a copy of the value in the next response to `id`; nil when the request is complete.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receiveResponse<Value: InterprocessValue>(to id: RequestID, as type: Value.Type, timeout: Duration) throws(InterprocessError) -> Value? {
        try receiveResponse(to: id, as: type, until: .after(timeout))
    }

    /// Suspends the task until a copy of the value in the next response to `id` is there; nil when the request is complete.
    public mutating func receiveResponse<Value: InterprocessValue>(to id: RequestID, as type: Value.Type) async throws(InterprocessError) -> Value? {
        try await receiveResponse(to: id, as: type, until: .never)
    }

    /// Suspends the task at most until `deadline` for a copy of the value in the next response to `id`; nil when the request is complete.
    public mutating func receiveResponse<Value: InterprocessValue>(to id: RequestID, as type: Value.Type, until deadline: Deadline) async throws(InterprocessError) -> Value? {
        try await receiveResponse(to: id, until: deadline) { response throws(InterprocessError) in try response.load(as: Value.self) }
    }

    /// Suspends the task at most `timeout` for a copy of the value in the next response to `id`; nil when the request is complete.
    public mutating func receiveResponse<Value: InterprocessValue>(to id: RequestID, as type: Value.Type, timeout: Duration) async throws(InterprocessError) -> Value? {
        try await receiveResponse(to: id, as: type, until: .after(timeout))
    }
}
#endif
