#if os(Linux)
/// The subscriber's receive forms (`docs/CONVENTIONS.md`): in place (a closure borrowing the
/// sample), bytes, a value and a string, each as `receive` (waits), `tryReceive` (nil at once when
/// there is nothing new), `receive(…until:)` and `receive(…timeout:)` (`.timedOut`), and `async`
/// forms that suspend the task instead of blocking a thread (`.cancelled` when it is cancelled).
extension Subscriber {
    // MARK: In place

    /// Waits for the next sample, lent in place to `body` (released when `body` returns).
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always)
    public mutating func receive<Result>(_ body: (borrowing ReceivedSample) throws(InterprocessError) -> Result) throws(InterprocessError) -> Result {
        try receive(until: .never, body)
    }

    /// Returns the next sample, lent in place to `body` (released when `body` returns), or nil at once when there is none yet.
    @inlinable @inline(__always)
    public mutating func tryReceive<Result>(_ body: (borrowing ReceivedSample) throws(InterprocessError) -> Result) throws(InterprocessError) -> Result? {
        try _receive(until: nil, body)
    }

    /// Waits until `deadline` for the next sample, lent in place to `body` (released when `body` returns).
    ///
    /// - Throws: `.timedOut` when the deadline passes first.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always)
    public mutating func receive<Result>(until deadline: Deadline, _ body: (borrowing ReceivedSample) throws(InterprocessError) -> Result) throws(InterprocessError) -> Result {
        (try _receive(until: deadline, body)).unsafelyUnwrapped
    }

    /// Waits up to `timeout` for the next sample, lent in place to `body` (released when `body` returns).
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receive<Result>(timeout: Duration, _ body: (borrowing ReceivedSample) throws(InterprocessError) -> Result) throws(InterprocessError) -> Result {
        try receive(until: .after(timeout), body)
    }

    /// Suspends the task until the next sample, lent in place to `body` (released when `body` returns) is there.
    public mutating func receive<Result>(_ body: (borrowing ReceivedSample) throws(InterprocessError) -> Result) async throws(InterprocessError) -> Result {
        try await receive(until: .never, body)
    }

    /// Suspends the task at most until `deadline` for the next sample, lent in place to `body` (released when `body` returns).
    public mutating func receive<Result>(until deadline: Deadline, _ body: (borrowing ReceivedSample) throws(InterprocessError) -> Result) async throws(InterprocessError) -> Result {
        while true {
            let outcome = try _receive(until: nil, body)
            if let outcome { return outcome }
            try await waitForSample(until: deadline)
        }
    }

    /// Suspends the task at most `timeout` for the next sample, lent in place to `body` (released when `body` returns).
    public mutating func receive<Result>(timeout: Duration, _ body: (borrowing ReceivedSample) throws(InterprocessError) -> Result) async throws(InterprocessError) -> Result {
        try await receive(until: .after(timeout), body)
    }

    // MARK: Bytes

    /// Waits for a copy of the next sample's bytes.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always)
    public mutating func receive() throws(InterprocessError) -> [UInt8] {
        try receive(until: .never)
    }

    /// Returns a copy of the next sample's bytes, or nil at once when there is none yet.
    @inlinable @inline(__always)
    public mutating func tryReceive() throws(InterprocessError) -> [UInt8]? {
        try _receive(until: nil) { sample in sample.withUnsafeBytes { [UInt8]($0) } }
    }

    /// Waits until `deadline` for a copy of the next sample's bytes.
    ///
    /// - Throws: `.timedOut` when the deadline passes first.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always)
    public mutating func receive(until deadline: Deadline) throws(InterprocessError) -> [UInt8] {
        (try _receive(until: deadline) { sample in sample.withUnsafeBytes { [UInt8]($0) } }).unsafelyUnwrapped
    }

    /// Waits up to `timeout` for a copy of the next sample's bytes.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receive(timeout: Duration) throws(InterprocessError) -> [UInt8] {
        try receive(until: .after(timeout))
    }

    /// Suspends the task until a copy of the next sample's bytes is there.
    public mutating func receive() async throws(InterprocessError) -> [UInt8] {
        try await receive(until: .never)
    }

    /// Suspends the task at most until `deadline` for a copy of the next sample's bytes.
    public mutating func receive(until deadline: Deadline) async throws(InterprocessError) -> [UInt8] {
        while true {
            let outcome = try _receive(until: nil) { sample in sample.withUnsafeBytes { [UInt8]($0) } }
            if let outcome { return outcome }
            try await waitForSample(until: deadline)
        }
    }

    /// Suspends the task at most `timeout` for a copy of the next sample's bytes.
    public mutating func receive(timeout: Duration) async throws(InterprocessError) -> [UInt8] {
        try await receive(until: .after(timeout))
    }

    // MARK: Values

    /// Waits for a copy of the next sample's value (a sample of another size is consumed and reported as `invalidArgument`).
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always)
    public mutating func receive<Value: InterprocessValue>(as type: Value.Type) throws(InterprocessError) -> Value {
        try receive(as: type, until: .never)
    }

    /// Returns a copy of the next sample's value (a sample of another size is consumed and reported as `invalidArgument`), or nil at once when there is none yet.
    @inlinable @inline(__always)
    public mutating func tryReceive<Value: InterprocessValue>(as type: Value.Type) throws(InterprocessError) -> Value? {
        try _receiveValue(Value.self, until: nil)
    }

    /// Waits until `deadline` for a copy of the next sample's value (a sample of another size is consumed and reported as `invalidArgument`).
    ///
    /// - Throws: `.timedOut` when the deadline passes first.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always)
    public mutating func receive<Value: InterprocessValue>(as type: Value.Type, until deadline: Deadline) throws(InterprocessError) -> Value {
        (try _receiveValue(Value.self, until: deadline)).unsafelyUnwrapped
    }

    /// Waits up to `timeout` for a copy of the next sample's value (a sample of another size is consumed and reported as `invalidArgument`).
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receive<Value: InterprocessValue>(as type: Value.Type, timeout: Duration) throws(InterprocessError) -> Value {
        try receive(as: type, until: .after(timeout))
    }

    /// Suspends the task until a copy of the next sample's value (a sample of another size is consumed and reported as `invalidArgument`) is there.
    public mutating func receive<Value: InterprocessValue>(as type: Value.Type) async throws(InterprocessError) -> Value {
        try await receive(as: type, until: .never)
    }

    /// Suspends the task at most until `deadline` for a copy of the next sample's value (a sample of another size is consumed and reported as `invalidArgument`).
    public mutating func receive<Value: InterprocessValue>(as type: Value.Type, until deadline: Deadline) async throws(InterprocessError) -> Value {
        while true {
            let outcome = try _receiveValue(Value.self, until: nil)
            if let outcome { return outcome }
            try await waitForSample(until: deadline)
        }
    }

    /// Suspends the task at most `timeout` for a copy of the next sample's value (a sample of another size is consumed and reported as `invalidArgument`).
    public mutating func receive<Value: InterprocessValue>(as type: Value.Type, timeout: Duration) async throws(InterprocessError) -> Value {
        try await receive(as: type, until: .after(timeout))
    }

    // MARK: Strings

    /// Waits for the next sample as UTF-8 text (invalid UTF-8 repaired as `String(decoding:as:)` does).
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always)
    public mutating func receive(as type: String.Type) throws(InterprocessError) -> String {
        try receive(as: type, until: .never)
    }

    /// Returns the next sample as UTF-8 text (invalid UTF-8 repaired as `String(decoding:as:)` does), or nil at once when there is none yet.
    @inlinable @inline(__always)
    public mutating func tryReceive(as type: String.Type) throws(InterprocessError) -> String? {
        try _receive(until: nil) { sample in sample.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } }
    }

    /// Waits until `deadline` for the next sample as UTF-8 text (invalid UTF-8 repaired as `String(decoding:as:)` does).
    ///
    /// - Throws: `.timedOut` when the deadline passes first.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always)
    public mutating func receive(as type: String.Type, until deadline: Deadline) throws(InterprocessError) -> String {
        (try _receive(until: deadline) { sample in sample.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } }).unsafelyUnwrapped
    }

    /// Waits up to `timeout` for the next sample as UTF-8 text (invalid UTF-8 repaired as `String(decoding:as:)` does).
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable
    public mutating func receive(as type: String.Type, timeout: Duration) throws(InterprocessError) -> String {
        try receive(as: type, until: .after(timeout))
    }

    /// Suspends the task until the next sample as UTF-8 text (invalid UTF-8 repaired as `String(decoding:as:)` does) is there.
    public mutating func receive(as type: String.Type) async throws(InterprocessError) -> String {
        try await receive(as: type, until: .never)
    }

    /// Suspends the task at most until `deadline` for the next sample as UTF-8 text (invalid UTF-8 repaired as `String(decoding:as:)` does).
    public mutating func receive(as type: String.Type, until deadline: Deadline) async throws(InterprocessError) -> String {
        while true {
            let outcome = try _receive(until: nil) { sample in sample.withUnsafeBytes { String(decoding: $0, as: UTF8.self) } }
            if let outcome { return outcome }
            try await waitForSample(until: deadline)
        }
    }

    /// Suspends the task at most `timeout` for the next sample as UTF-8 text (invalid UTF-8 repaired as `String(decoding:as:)` does).
    public mutating func receive(as type: String.Type, timeout: Duration) async throws(InterprocessError) -> String {
        try await receive(as: type, until: .after(timeout))
    }

    /// Receives a sample as a `Value`: a sample of another size is consumed and reported.
    @inlinable @inline(__always)
    mutating func _receiveValue<Value: InterprocessValue>(_ type: Value.Type, until deadline: Deadline?) throws(InterprocessError) -> Value? {
        var size = 0
        let loaded = try _receive(until: deadline) { sample -> Value? in
            size = sample.byteCount
            return size == MemoryLayout<Value>.size ? sample.payload.loadUnaligned(as: Value.self) : nil
        }
        guard let loaded else { return nil }
        guard let value = loaded else { try ServiceFailure.raise(valueSizeError(size, expected: MemoryLayout<Value>.size)) }
        return value
    }

    @usableFromInline
    func valueSizeError(_ size: Int, expected: Int) -> InterprocessError {
        InterprocessError(.invalidArgument, operation: "receive from service", name: service.name,
                          reason: "sample \(cursor &- 1) has \(size) bytes, not the \(expected) of the value asked for")
    }
}
#endif
