#if os(Linux)
/// The publisher's send forms (`docs/CONVENTIONS.md`): in place (`byteCount:`, `upTo:`), a value,
/// bytes and a string, each as `send` (waits while a `.block` subscriber is a full buffer
/// behind), `trySend` (nil instead), `send(…, until:)` and `send(…, timeout:)` (`.timedOut`), and
/// `async` forms that suspend the task instead of blocking a thread. Each returns the sample's
/// sequence number.
///
/// They throw `invalidArgument` for a size above the configured maximum (for a value service:
/// other than the value's size), `resourceLimit` when subscribers hold every slot, and what the
/// closure throws (nothing is published then).
extension Publisher {
    // MARK: In place, whole span

    /// Publishes a sample of exactly `byteCount` bytes, written in place by `write` (the whole span is the sample), waiting while a `.block` subscriber is a full buffer behind.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always) @discardableResult
    public mutating func send(byteCount: Int, _ write: (inout MutableRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) -> UInt64 {
        try send(byteCount: byteCount, until: .never, write)
    }

    /// Publishes a sample of exactly `byteCount` bytes, written in place by `write` (the whole span is the sample), or returns nil at once when a `.block` subscriber is a full buffer behind.
    @inlinable @inline(__always)
    public mutating func trySend(byteCount: Int, _ write: (inout MutableRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) -> UInt64? {
        try _send(byteCount: byteCount, until: nil) { space throws(InterprocessError) in
            var span = MutableRawSpan(_unsafeBytes: space)
            try write(&span)
            return byteCount
        }
    }

    /// Publishes a sample of exactly `byteCount` bytes, written in place by `write` (the whole span is the sample), waiting until `deadline` for `.block` subscribers.
    ///
    /// - Throws: `.timedOut` when the deadline passes first (nothing is published).
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always) @discardableResult
    public mutating func send(byteCount: Int, until deadline: Deadline, _ write: (inout MutableRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) -> UInt64 {
        try _send(byteCount: byteCount, until: deadline) { space throws(InterprocessError) in
            var span = MutableRawSpan(_unsafeBytes: space)
            try write(&span)
            return byteCount
        }.unsafelyUnwrapped
    }

    /// Publishes a sample of exactly `byteCount` bytes, written in place by `write` (the whole span is the sample), waiting up to `timeout` for `.block` subscribers.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @discardableResult
    public mutating func send(byteCount: Int, timeout: Duration, _ write: (inout MutableRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) -> UInt64 {
        try send(byteCount: byteCount, until: .after(timeout), write)
    }

    /// Publishes a sample of exactly `byteCount` bytes, written in place by `write` (the whole span is the sample), suspending the task while a `.block` subscriber is a full buffer behind.
    ///
    /// - Throws: `.cancelled` when the task is cancelled (nothing is published).
    @discardableResult
    public mutating func send(byteCount: Int, _ write: (inout MutableRawSpan) throws(InterprocessError) -> Void) async throws(InterprocessError) -> UInt64 {
        try await send(byteCount: byteCount, until: .never, write)
    }

    /// Publishes a sample of exactly `byteCount` bytes, written in place by `write` (the whole span is the sample), suspending the task at most until `deadline`.
    @discardableResult
    public mutating func send(byteCount: Int, until deadline: Deadline, _ write: (inout MutableRawSpan) throws(InterprocessError) -> Void) async throws(InterprocessError) -> UInt64 {
        while true {
            let sent = try _send(byteCount: byteCount, until: nil) { space throws(InterprocessError) in
                var span = MutableRawSpan(_unsafeBytes: space)
                try write(&span)
                return byteCount
            }
            if let sequence = sent { return sequence }
            try await waitForSubscribers(until: deadline)
        }
    }

    /// Publishes a sample of exactly `byteCount` bytes, written in place by `write` (the whole span is the sample), suspending the task at most `timeout`.
    @discardableResult
    public mutating func send(byteCount: Int, timeout: Duration, _ write: (inout MutableRawSpan) throws(InterprocessError) -> Void) async throws(InterprocessError) -> UInt64 {
        try await send(byteCount: byteCount, until: .after(timeout), write)
    }

    // MARK: In place, appended

    /// Publishes a sample of up to `maximumByteCount` bytes: the bytes `write` appends, waiting while a `.block` subscriber is a full buffer behind.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always) @discardableResult
    public mutating func send(upTo maximumByteCount: Int, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) -> UInt64 {
        try send(upTo: maximumByteCount, until: .never, write)
    }

    /// Publishes a sample of up to `maximumByteCount` bytes: the bytes `write` appends, or returns nil at once when a `.block` subscriber is a full buffer behind.
    @inlinable @inline(__always)
    public mutating func trySend(upTo maximumByteCount: Int, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) -> UInt64? {
        try _send(byteCount: maximumByteCount, until: nil) { space throws(InterprocessError) in
            try QueueBytes.write(into: space, write)
        }
    }

    /// Publishes a sample of up to `maximumByteCount` bytes: the bytes `write` appends, waiting until `deadline` for `.block` subscribers.
    ///
    /// - Throws: `.timedOut` when the deadline passes first (nothing is published).
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always) @discardableResult
    public mutating func send(upTo maximumByteCount: Int, until deadline: Deadline, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) -> UInt64 {
        try _send(byteCount: maximumByteCount, until: deadline) { space throws(InterprocessError) in
            try QueueBytes.write(into: space, write)
        }.unsafelyUnwrapped
    }

    /// Publishes a sample of up to `maximumByteCount` bytes: the bytes `write` appends, waiting up to `timeout` for `.block` subscribers.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @discardableResult
    public mutating func send(upTo maximumByteCount: Int, timeout: Duration, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) throws(InterprocessError) -> UInt64 {
        try send(upTo: maximumByteCount, until: .after(timeout), write)
    }

    /// Publishes a sample of up to `maximumByteCount` bytes: the bytes `write` appends, suspending the task while a `.block` subscriber is a full buffer behind.
    ///
    /// - Throws: `.cancelled` when the task is cancelled (nothing is published).
    @discardableResult
    public mutating func send(upTo maximumByteCount: Int, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) async throws(InterprocessError) -> UInt64 {
        try await send(upTo: maximumByteCount, until: .never, write)
    }

    /// Publishes a sample of up to `maximumByteCount` bytes: the bytes `write` appends, suspending the task at most until `deadline`.
    @discardableResult
    public mutating func send(upTo maximumByteCount: Int, until deadline: Deadline, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) async throws(InterprocessError) -> UInt64 {
        while true {
            let sent = try _send(byteCount: maximumByteCount, until: nil) { space throws(InterprocessError) in
                try QueueBytes.write(into: space, write)
            }
            if let sequence = sent { return sequence }
            try await waitForSubscribers(until: deadline)
        }
    }

    /// Publishes a sample of up to `maximumByteCount` bytes: the bytes `write` appends, suspending the task at most `timeout`.
    @discardableResult
    public mutating func send(upTo maximumByteCount: Int, timeout: Duration, _ write: (inout OutputRawSpan) throws(InterprocessError) -> Void) async throws(InterprocessError) -> UInt64 {
        try await send(upTo: maximumByteCount, until: .after(timeout), write)
    }

    // MARK: Values

    /// Publishes a copy of `value`, waiting while a `.block` subscriber is a full buffer behind.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always) @discardableResult
    public mutating func send<Value: InterprocessValue>(_ value: Value) throws(InterprocessError) -> UInt64 {
        try send(value, until: .never)
    }

    /// Publishes a copy of `value`, or returns nil at once when a `.block` subscriber is a full buffer behind.
    @inlinable @inline(__always)
    public mutating func trySend<Value: InterprocessValue>(_ value: Value) throws(InterprocessError) -> UInt64? {
        try _send(byteCount: MemoryLayout<Value>.size, until: nil) { space in
            space.baseAddress.unsafelyUnwrapped.storeBytes(of: value, as: Value.self)
            return MemoryLayout<Value>.size
        }
    }

    /// Publishes a copy of `value`, waiting until `deadline` for `.block` subscribers.
    ///
    /// - Throws: `.timedOut` when the deadline passes first (nothing is published).
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always) @discardableResult
    public mutating func send<Value: InterprocessValue>(_ value: Value, until deadline: Deadline) throws(InterprocessError) -> UInt64 {
        try _send(byteCount: MemoryLayout<Value>.size, until: deadline) { space in
            space.baseAddress.unsafelyUnwrapped.storeBytes(of: value, as: Value.self)
            return MemoryLayout<Value>.size
        }.unsafelyUnwrapped
    }

    /// Publishes a copy of `value`, waiting up to `timeout` for `.block` subscribers.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @discardableResult
    public mutating func send<Value: InterprocessValue>(_ value: Value, timeout: Duration) throws(InterprocessError) -> UInt64 {
        try send(value, until: .after(timeout))
    }

    /// Publishes a copy of `value`, suspending the task while a `.block` subscriber is a full buffer behind.
    ///
    /// - Throws: `.cancelled` when the task is cancelled (nothing is published).
    @discardableResult
    public mutating func send<Value: InterprocessValue>(_ value: Value) async throws(InterprocessError) -> UInt64 {
        try await send(value, until: .never)
    }

    /// Publishes a copy of `value`, suspending the task at most until `deadline`.
    @discardableResult
    public mutating func send<Value: InterprocessValue>(_ value: Value, until deadline: Deadline) async throws(InterprocessError) -> UInt64 {
        while true {
            let sent = try _send(byteCount: MemoryLayout<Value>.size, until: nil) { space in
                space.baseAddress.unsafelyUnwrapped.storeBytes(of: value, as: Value.self)
                return MemoryLayout<Value>.size
            }
            if let sequence = sent { return sequence }
            try await waitForSubscribers(until: deadline)
        }
    }

    /// Publishes a copy of `value`, suspending the task at most `timeout`.
    @discardableResult
    public mutating func send<Value: InterprocessValue>(_ value: Value, timeout: Duration) async throws(InterprocessError) -> UInt64 {
        try await send(value, until: .after(timeout))
    }

    // MARK: Bytes

    /// Publishes a copy of `bytes`, waiting while a `.block` subscriber is a full buffer behind.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always) @discardableResult
    public mutating func send(contentsOf bytes: some Collection<UInt8>) throws(InterprocessError) -> UInt64 {
        try send(contentsOf: bytes, until: .never)
    }

    /// Publishes a copy of `bytes`, or returns nil at once when a `.block` subscriber is a full buffer behind.
    @inlinable @inline(__always)
    public mutating func trySend(contentsOf bytes: some Collection<UInt8>) throws(InterprocessError) -> UInt64? {
        try _send(byteCount: bytes.count, until: nil) { space in QueueBytes.copy(bytes, into: space) }
    }

    /// Publishes a copy of `bytes`, waiting until `deadline` for `.block` subscribers.
    ///
    /// - Throws: `.timedOut` when the deadline passes first (nothing is published).
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always) @discardableResult
    public mutating func send(contentsOf bytes: some Collection<UInt8>, until deadline: Deadline) throws(InterprocessError) -> UInt64 {
        try _send(byteCount: bytes.count, until: deadline) { space in QueueBytes.copy(bytes, into: space) }.unsafelyUnwrapped
    }

    /// Publishes a copy of `bytes`, waiting up to `timeout` for `.block` subscribers.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @discardableResult
    public mutating func send(contentsOf bytes: some Collection<UInt8>, timeout: Duration) throws(InterprocessError) -> UInt64 {
        try send(contentsOf: bytes, until: .after(timeout))
    }

    /// Publishes a copy of `bytes`, suspending the task while a `.block` subscriber is a full buffer behind.
    ///
    /// - Throws: `.cancelled` when the task is cancelled (nothing is published).
    @discardableResult
    public mutating func send(contentsOf bytes: some Collection<UInt8>) async throws(InterprocessError) -> UInt64 {
        try await send(contentsOf: bytes, until: .never)
    }

    /// Publishes a copy of `bytes`, suspending the task at most until `deadline`.
    @discardableResult
    public mutating func send(contentsOf bytes: some Collection<UInt8>, until deadline: Deadline) async throws(InterprocessError) -> UInt64 {
        while true {
            let sent = try _send(byteCount: bytes.count, until: nil) { space in QueueBytes.copy(bytes, into: space) }
            if let sequence = sent { return sequence }
            try await waitForSubscribers(until: deadline)
        }
    }

    /// Publishes a copy of `bytes`, suspending the task at most `timeout`.
    @discardableResult
    public mutating func send(contentsOf bytes: some Collection<UInt8>, timeout: Duration) async throws(InterprocessError) -> UInt64 {
        try await send(contentsOf: bytes, until: .after(timeout))
    }

    // MARK: Strings

    /// Publishes `string` as UTF-8 bytes, waiting while a `.block` subscriber is a full buffer behind.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always) @discardableResult
    public mutating func send(_ string: String) throws(InterprocessError) -> UInt64 {
        try send(string, until: .never)
    }

    /// Publishes `string` as UTF-8 bytes, or returns nil at once when a `.block` subscriber is a full buffer behind.
    @inlinable @inline(__always)
    public mutating func trySend(_ string: String) throws(InterprocessError) -> UInt64? {
        try _send(byteCount: string.utf8.count, until: nil) { space in QueueBytes.copy(string.utf8, into: space) }
    }

    /// Publishes `string` as UTF-8 bytes, waiting until `deadline` for `.block` subscribers.
    ///
    /// - Throws: `.timedOut` when the deadline passes first (nothing is published).
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @inline(__always) @discardableResult
    public mutating func send(_ string: String, until deadline: Deadline) throws(InterprocessError) -> UInt64 {
        try _send(byteCount: string.utf8.count, until: deadline) { space in QueueBytes.copy(string.utf8, into: space) }.unsafelyUnwrapped
    }

    /// Publishes `string` as UTF-8 bytes, waiting up to `timeout` for `.block` subscribers.
    @available(*, noasync, message: "blocks the thread; in async code, await the async form")
    @inlinable @discardableResult
    public mutating func send(_ string: String, timeout: Duration) throws(InterprocessError) -> UInt64 {
        try send(string, until: .after(timeout))
    }

    /// Publishes `string` as UTF-8 bytes, suspending the task while a `.block` subscriber is a full buffer behind.
    ///
    /// - Throws: `.cancelled` when the task is cancelled (nothing is published).
    @discardableResult
    public mutating func send(_ string: String) async throws(InterprocessError) -> UInt64 {
        try await send(string, until: .never)
    }

    /// Publishes `string` as UTF-8 bytes, suspending the task at most until `deadline`.
    @discardableResult
    public mutating func send(_ string: String, until deadline: Deadline) async throws(InterprocessError) -> UInt64 {
        while true {
            let sent = try _send(byteCount: string.utf8.count, until: nil) { space in QueueBytes.copy(string.utf8, into: space) }
            if let sequence = sent { return sequence }
            try await waitForSubscribers(until: deadline)
        }
    }

    /// Publishes `string` as UTF-8 bytes, suspending the task at most `timeout`.
    @discardableResult
    public mutating func send(_ string: String, timeout: Duration) async throws(InterprocessError) -> UInt64 {
        try await send(string, until: .after(timeout))
    }

}
#endif
