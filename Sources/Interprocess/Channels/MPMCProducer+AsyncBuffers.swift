extension MPMCProducer {
    // Buffer pointers are BitwiseCopyable: without these, the generic async `send(_:)` would
    // send a pointer's 16 bytes (its address and count) instead of the bytes it points to.

    /// Sends a copy of the bytes `bytes` points to (never the pointer), suspending the task
    /// while the queue is full (see the async `send(contentsOf:until:)`).
    public mutating func send(_ bytes: UnsafeRawBufferPointer, until deadline: Deadline = .never) async throws(InterprocessError) {
        try await send(contentsOf: bytes, until: deadline)
    }

    /// Sends a copy of the bytes `bytes` points to, suspending the task at most `timeout`.
    public mutating func send(_ bytes: UnsafeRawBufferPointer, timeout: Duration) async throws(InterprocessError) {
        try await send(contentsOf: bytes, until: .after(timeout))
    }

    /// Sends a copy of the bytes `bytes` points to (never the pointer), suspending the task
    /// while the queue is full.
    public mutating func send(_ bytes: UnsafeMutableRawBufferPointer, until deadline: Deadline = .never) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(bytes), until: deadline)
    }

    /// Sends a copy of the bytes `bytes` points to, suspending the task at most `timeout`.
    public mutating func send(_ bytes: UnsafeMutableRawBufferPointer, timeout: Duration) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(bytes), until: .after(timeout))
    }

    /// Sends a copy of the elements' bytes (never the pointer), suspending the task while the
    /// queue is full.
    public mutating func send<Element: BitwiseCopyable>(_ elements: UnsafeBufferPointer<Element>, until deadline: Deadline = .never) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(elements), until: deadline)
    }

    /// Sends a copy of the elements' bytes, suspending the task at most `timeout`.
    public mutating func send<Element: BitwiseCopyable>(_ elements: UnsafeBufferPointer<Element>, timeout: Duration) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(elements), until: .after(timeout))
    }

    /// Sends a copy of the elements' bytes (never the pointer), suspending the task while the
    /// queue is full.
    public mutating func send<Element: BitwiseCopyable>(_ elements: UnsafeMutableBufferPointer<Element>, until deadline: Deadline = .never) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(elements), until: deadline)
    }

    /// Sends a copy of the elements' bytes, suspending the task at most `timeout`.
    public mutating func send<Element: BitwiseCopyable>(_ elements: UnsafeMutableBufferPointer<Element>, timeout: Duration) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(elements), until: .after(timeout))
    }
}
