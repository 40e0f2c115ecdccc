#if os(Linux)
import Synchronization

extension Server {
    /// The requests as they arrive, as an `AsyncSequence` of ``IncomingRequest`` (see
    /// ``ServerRequests``); takes the server over.
    public consuming func requests() -> ServerRequests {
        ServerRequests(self)
    }
}

/// The requests of a server as an `AsyncSequence`: waiting suspends the task on the process's
/// waiter thread; cancelling the task ends the iteration with `.cancelled`. Each element is a
/// copy of the request with its answering methods; it is completed when it goes away.
///
/// ```swift
/// for try await request in server.requests() {
///     try await request.respond(contentsOf: request.bytes.reversed())
/// }
/// ```
public struct ServerRequests: AsyncSequence, Sendable {
    /// A received request.
    public typealias Element = IncomingRequest
    /// Errors are typed.
    public typealias Failure = InterprocessError

    let box: Box

    init(_ server: consuming Server) { box = Box(server) }

    /// Iterates the requests.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let box: Box

        /// The next request.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(InterprocessError) -> IncomingRequest? {
            try await box.next()
        }

        /// The next request.
        public mutating func next() async throws(InterprocessError) -> IncomingRequest? {
            try await box.next()
        }
    }

    /// An iterator over the requests.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(box: box) }

    /// Owns the server for the sequence and its iterators.
    final class Box: Sendable {
        let server: Mutex<Server>
        let storage: RequestResponseStorage

        init(_ server: consuming Server) {
            storage = server.storage
            self.server = Mutex(server)
        }

        func next() async throws(InterprocessError) -> IncomingRequest? {
            while true {
                let request = try server.withLock { (server: inout Server) throws(InterprocessError) -> IncomingRequest? in
                    guard let received = try server._receive(until: nil) else { return nil }
                    return IncomingRequest(received)
                }
                if let request { return request }
                try await Server.awaitRequest(storage, until: .never)
            }
        }
    }
}

/// A request from ``ServerRequests``: a copy of its bytes, and the async answering forms of
/// ``ReceivedRequest``. Completed when the last reference goes away.
public final class IncomingRequest: Sendable {
    /// The request's id.
    public let id: RequestID
    /// The pid of the client that sent it.
    public let clientPID: Int32
    /// A copy of the request's bytes.
    public let bytes: [UInt8]
    let request: Mutex<ReceivedRequest>

    init(_ request: consuming ReceivedRequest) {
        id = request.id
        clientPID = request.clientPID
        bytes = request.bytes
        self.request = Mutex(request)
    }

    /// Copies a value out of the request at `offset`.
    public func load<Value: InterprocessValue>(fromByteOffset offset: Int = 0, as type: Value.Type) throws(InterprocessError) -> Value {
        // Array's withUnsafeBytes rethrows untyped: carry the typed error out in a Result.
        let loaded = bytes.withUnsafeBytes { raw in
            Result { () throws(InterprocessError) -> Value in try MessageBytes.load(raw, offset: offset, as: type, what: "request") }
        }
        return try loaded.get()
    }

    /// Sends a response of a stream: a copy of `bytes`, suspending the task while the client has no room.
    public func send(contentsOf bytes: some Collection<UInt8> & Sendable) async throws(InterprocessError) {
        try await send(contentsOf: bytes, until: .never)
    }

    /// Sends a response of a stream: a copy of `bytes`, suspending the task at most until `deadline`.
    ///
    /// - Throws: `timedOut` when the client had no room by then; `cancelled`.
    public func send(contentsOf bytes: some Collection<UInt8> & Sendable, until deadline: Deadline) async throws(InterprocessError) {
        try await answer(final: false, byteCount: bytes.count, until: deadline) { space in QueueBytes.copy(bytes, into: space) }
    }

    /// Sends a response of a stream: a copy of `bytes`, suspending the task at most `timeout`.
    public func send(contentsOf bytes: some Collection<UInt8> & Sendable, timeout: Duration) async throws(InterprocessError) {
        try await send(contentsOf: bytes, until: .after(timeout))
    }

    /// Sends a response of a stream: a copy of `bytes`; false at once when the client has no room.
    public func trySend(contentsOf bytes: some Collection<UInt8> & Sendable) throws(InterprocessError) -> Bool {
        try request.withLock { (request: inout ReceivedRequest) throws(InterprocessError) -> Bool in try request.trySend(contentsOf: bytes) }
    }

    /// Sends the final response: a copy of `bytes`, suspending the task while the client has no room.
    public func respond(contentsOf bytes: some Collection<UInt8> & Sendable) async throws(InterprocessError) {
        try await respond(contentsOf: bytes, until: .never)
    }

    /// Sends the final response: a copy of `bytes`, suspending the task at most until `deadline`.
    ///
    /// - Throws: `timedOut` when the client had no room by then; `cancelled`.
    public func respond(contentsOf bytes: some Collection<UInt8> & Sendable, until deadline: Deadline) async throws(InterprocessError) {
        try await answer(final: true, byteCount: bytes.count, until: deadline) { space in QueueBytes.copy(bytes, into: space) }
    }

    /// Sends the final response: a copy of `bytes`, suspending the task at most `timeout`.
    public func respond(contentsOf bytes: some Collection<UInt8> & Sendable, timeout: Duration) async throws(InterprocessError) {
        try await respond(contentsOf: bytes, until: .after(timeout))
    }

    /// Sends the final response: a copy of `bytes`; false at once when the client has no room.
    public func tryRespond(contentsOf bytes: some Collection<UInt8> & Sendable) throws(InterprocessError) -> Bool {
        try request.withLock { (request: inout ReceivedRequest) throws(InterprocessError) -> Bool in try request.tryRespond(contentsOf: bytes) }
    }

    /// Sends a response of a stream: a copy of `value`, suspending the task while the client has no room.
    public func send(_ value: some InterprocessValue & Sendable) async throws(InterprocessError) {
        try await send(value, until: .never)
    }

    /// Sends a response of a stream: a copy of `value`, suspending the task at most until `deadline`.
    ///
    /// - Throws: `timedOut` when the client had no room by then; `cancelled`.
    public func send(_ value: some InterprocessValue & Sendable, until deadline: Deadline) async throws(InterprocessError) {
        try await answer(final: false, byteCount: MemoryLayout.size(ofValue: value), until: deadline) { space in
            space.storeBytes(of: value, as: type(of: value))
            return space.count
        }
    }

    /// Sends a response of a stream: a copy of `value`, suspending the task at most `timeout`.
    public func send(_ value: some InterprocessValue & Sendable, timeout: Duration) async throws(InterprocessError) {
        try await send(value, until: .after(timeout))
    }

    /// Sends a response of a stream: a copy of `value`; false at once when the client has no room.
    public func trySend(_ value: some InterprocessValue & Sendable) throws(InterprocessError) -> Bool {
        try request.withLock { (request: inout ReceivedRequest) throws(InterprocessError) -> Bool in try request.trySend(value) }
    }

    /// Sends the final response: a copy of `value`, suspending the task while the client has no room.
    public func respond(_ value: some InterprocessValue & Sendable) async throws(InterprocessError) {
        try await respond(value, until: .never)
    }

    /// Sends the final response: a copy of `value`, suspending the task at most until `deadline`.
    ///
    /// - Throws: `timedOut` when the client had no room by then; `cancelled`.
    public func respond(_ value: some InterprocessValue & Sendable, until deadline: Deadline) async throws(InterprocessError) {
        try await answer(final: true, byteCount: MemoryLayout.size(ofValue: value), until: deadline) { space in
            space.storeBytes(of: value, as: type(of: value))
            return space.count
        }
    }

    /// Sends the final response: a copy of `value`, suspending the task at most `timeout`.
    public func respond(_ value: some InterprocessValue & Sendable, timeout: Duration) async throws(InterprocessError) {
        try await respond(value, until: .after(timeout))
    }

    /// Sends the final response: a copy of `value`; false at once when the client has no room.
    public func tryRespond(_ value: some InterprocessValue & Sendable) throws(InterprocessError) -> Bool {
        try request.withLock { (request: inout ReceivedRequest) throws(InterprocessError) -> Bool in try request.tryRespond(value) }
    }

    /// Ends the responses without another one.
    public func complete() {
        request.withLock { $0.complete() }
    }

    /// Whether the client gave up on this request or went away.
    public var isAbandoned: Bool { request.withLock { $0.isAbandoned } }

    /// Sends one response, suspending the task (outside the lock) while there is no room.
    private func answer(
        final: Bool, byteCount: Int, until deadline: Deadline, _ write: (UnsafeMutableRawBufferPointer) -> Int
    ) async throws(InterprocessError) {
        let operation = "respond to request"
        while true {
            let state = try request.withLock { (request: inout ReceivedRequest) throws(InterprocessError) -> (Bool, RequestResponseStorage, UnsafeSendable<UnsafeMutableRawPointer>, RequestSlot, UInt64, UInt64) in
                try ProcessWaiter.checkCancellation(operation: operation, name: request.storage.name)
                let done = try request._send(byteCount: byteCount, final: final, until: nil) { space in write(space) }
                return (done, request.storage, UnsafeSendable(request.seat), request.slot, request.id.rawValue, request.sent)
            }
            if state.0 { return }
            if try await ReceivedRequest.awaitRoom(storage: state.1, seat: state.2.value, slot: state.3, id: state.4, sent: state.5,
                                                   until: deadline, operation: operation) {
                request.withLock { $0.dropped = true }
            }
        }
    }
}
#endif
