#if os(Linux)
import Synchronization

/// One request, one response: sends a request and returns its first response, cancelling the
/// rest of a stream (`docs/CONVENTIONS.md` forms; a `try` form would need a response that is
/// already there: use ``Client/trySend(contentsOf:)`` and ``Client/tryReceiveResponse(to:)``).
/// The deadline covers both steps. On any error, and when the task is cancelled, the request is
/// cancelled. A request the server completes without a response throws `notFound`.
extension Client {

    /// Sends a request written in place by `write`, and the first response lent in place to `body`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func request<Result>(upTo maximumByteCount: Int, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void, response body: (borrowing Response) throws(InterprocessError) -> Result) throws(InterprocessError) -> Result {
        try request(upTo: maximumByteCount, until: .never, write, response: body)
    }

    /// Sends a request written in place by `write`, and the first response lent in place to `body`, waiting at most until `deadline`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func request<Result>(upTo maximumByteCount: Int, until deadline: Deadline, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void, response body: (borrowing Response) throws(InterprocessError) -> Result) throws(InterprocessError) -> Result {
        let id = try send(upTo: maximumByteCount, until: deadline, write)
        return try firstResponse(to: id) { (client: inout Client) throws(InterprocessError) in try client.receiveResponse(to: id, until: deadline, body) }
    }

    /// Sends a request written in place by `write`, and the first response lent in place to `body`, waiting at most `timeout`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func request<Result>(upTo maximumByteCount: Int, timeout: Duration, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void, response body: (borrowing Response) throws(InterprocessError) -> Result) throws(InterprocessError) -> Result {
        try request(upTo: maximumByteCount, until: .after(timeout), write, response: body)
    }

    /// Sends a request written in place by `write`, and the first response lent in place to `body`, suspending the task.
    public mutating func request<Result>(upTo maximumByteCount: Int, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void, response body: (borrowing Response) throws(InterprocessError) -> Result) async throws(InterprocessError) -> Result {
        try await request(upTo: maximumByteCount, until: .never, write, response: body)
    }

    /// Sends a request written in place by `write`, and the first response lent in place to `body`, suspending the task at most until `deadline`.
    public mutating func request<Result>(upTo maximumByteCount: Int, until deadline: Deadline, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void, response body: (borrowing Response) throws(InterprocessError) -> Result) async throws(InterprocessError) -> Result {
        let id = try await send(upTo: maximumByteCount, until: deadline, write)
        return try await firstResponse(to: id) { (client: inout Client) async throws(InterprocessError) in try await client.receiveResponse(to: id, until: deadline, body) }
    }

    /// Sends a request written in place by `write`, and the first response lent in place to `body`, suspending the task at most `timeout`.
    public mutating func request<Result>(upTo maximumByteCount: Int, timeout: Duration, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void, response body: (borrowing Response) throws(InterprocessError) -> Result) async throws(InterprocessError) -> Result {
        try await request(upTo: maximumByteCount, until: .after(timeout), write, response: body)
    }

    /// Sends a copy of `bytes`, and a copy of the first response.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func request(contentsOf bytes: some Collection<UInt8>) throws(InterprocessError) -> [UInt8] {
        try request(contentsOf: bytes, until: .never)
    }

    /// Sends a copy of `bytes`, and a copy of the first response, waiting at most until `deadline`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func request(contentsOf bytes: some Collection<UInt8>, until deadline: Deadline) throws(InterprocessError) -> [UInt8] {
        let id = try send(contentsOf: bytes, until: deadline)
        return try firstResponse(to: id) { (client: inout Client) throws(InterprocessError) in try client.receiveResponse(to: id, until: deadline) }
    }

    /// Sends a copy of `bytes`, and a copy of the first response, waiting at most `timeout`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    public mutating func request(contentsOf bytes: some Collection<UInt8>, timeout: Duration) throws(InterprocessError) -> [UInt8] {
        try request(contentsOf: bytes, until: .after(timeout))
    }

    /// Sends a copy of `bytes`, and a copy of the first response, suspending the task.
    public mutating func request(contentsOf bytes: some Collection<UInt8>) async throws(InterprocessError) -> [UInt8] {
        try await request(contentsOf: bytes, until: .never)
    }

    /// Sends a copy of `bytes`, and a copy of the first response, suspending the task at most until `deadline`.
    public mutating func request(contentsOf bytes: some Collection<UInt8>, until deadline: Deadline) async throws(InterprocessError) -> [UInt8] {
        let id = try await send(contentsOf: bytes, until: deadline)
        return try await firstResponse(to: id) { (client: inout Client) async throws(InterprocessError) in try await client.receiveResponse(to: id, until: deadline) }
    }

    /// Sends a copy of `bytes`, and a copy of the first response, suspending the task at most `timeout`.
    public mutating func request(contentsOf bytes: some Collection<UInt8>, timeout: Duration) async throws(InterprocessError) -> [UInt8] {
        try await request(contentsOf: bytes, until: .after(timeout))
    }

    /// Sends a copy of `value`, and the value in the first response.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func request<Value: InterprocessValue>(_ value: some InterprocessValue, as type: Value.Type) throws(InterprocessError) -> Value {
        try request(value, as: type, until: .never)
    }

    /// Sends a copy of `value`, and the value in the first response, waiting at most until `deadline`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func request<Value: InterprocessValue>(_ value: some InterprocessValue, as type: Value.Type, until deadline: Deadline) throws(InterprocessError) -> Value {
        let id = try send(value, until: deadline)
        return try firstResponse(to: id) { (client: inout Client) throws(InterprocessError) in try client.receiveResponse(to: id, as: type, until: deadline) }
    }

    /// Sends a copy of `value`, and the value in the first response, waiting at most `timeout`.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func request<Value: InterprocessValue>(_ value: some InterprocessValue, as type: Value.Type, timeout: Duration) throws(InterprocessError) -> Value {
        try request(value, as: type, until: .after(timeout))
    }

    /// Sends a copy of `value`, and the value in the first response, suspending the task.
    public mutating func request<Value: InterprocessValue>(_ value: some InterprocessValue, as type: Value.Type) async throws(InterprocessError) -> Value {
        try await request(value, as: type, until: .never)
    }

    /// Sends a copy of `value`, and the value in the first response, suspending the task at most until `deadline`.
    public mutating func request<Value: InterprocessValue>(_ value: some InterprocessValue, as type: Value.Type, until deadline: Deadline) async throws(InterprocessError) -> Value {
        let id = try await send(value, until: deadline)
        return try await firstResponse(to: id) { (client: inout Client) async throws(InterprocessError) in try await client.receiveResponse(to: id, as: type, until: deadline) }
    }

    /// Sends a copy of `value`, and the value in the first response, suspending the task at most `timeout`.
    public mutating func request<Value: InterprocessValue>(_ value: some InterprocessValue, as type: Value.Type, timeout: Duration) async throws(InterprocessError) -> Value {
        try await request(value, as: type, until: .after(timeout))
    }

    /// The first response `receive` gets for request `id`; the request is cancelled after it
    /// (the rest of a stream is dropped) and when `receive` throws.
    @inlinable
    mutating func firstResponse<Result>(
        to id: RequestID, _ receive: (inout Client) throws(InterprocessError) -> Result?
    ) throws(InterprocessError) -> Result {
        defer { cancel(id) }
        guard let response = try receive(&self) else { throw Client.noResponse(id, service: service.name) }
        return response
    }

    /// The first response `receive` gets for request `id`, suspending the task; the request is
    /// cancelled after it and when `receive` throws.
    @inline(__always)
    mutating func firstResponse<Result>(
        to id: RequestID, _ receive: (inout Client) async throws(InterprocessError) -> Result?
    ) async throws(InterprocessError) -> Result {
        defer { cancel(id) }
        guard let response = try await receive(&self) else { throw Client.noResponse(id, service: service.name) }
        return response
    }

    /// The error for a request completed without a response.
    @usableFromInline
    static func noResponse(_ id: RequestID, service: String) -> InterprocessError {
        InterprocessError(.notFound, operation: "request from request-response service", name: service,
                          reason: "the server completed request \(id) without a response")
    }
}
#endif
