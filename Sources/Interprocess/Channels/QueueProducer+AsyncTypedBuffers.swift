#if os(Linux)
// The typed buffer-pointer async sends, on each producer type: generic like the value form
// `send<Value: InterprocessValue>(_:)`, they outrank it only as members of the same type (see
// QueueProducer+AsyncBuffers.swift).

extension SPSCProducer {
    /// Sends a copy of the elements' bytes (never the pointer), suspending the task while the queue is full.
    public mutating func send<Element: InterprocessValue>(_ elements: UnsafeBufferPointer<Element>) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(elements), until: .never)
    }

    /// Sends a copy of the elements' bytes, suspending the task at most until `deadline`.
    public mutating func send<Element: InterprocessValue>(_ elements: UnsafeBufferPointer<Element>, until deadline: Deadline) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(elements), until: deadline)
    }

    /// Sends a copy of the elements' bytes, suspending the task at most `timeout`.
    public mutating func send<Element: InterprocessValue>(_ elements: UnsafeBufferPointer<Element>, timeout: Duration) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(elements), until: .after(timeout))
    }

    /// Sends a copy of the elements' bytes (never the pointer), suspending the task while the queue is full.
    public mutating func send<Element: InterprocessValue>(_ elements: UnsafeMutableBufferPointer<Element>) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(elements), until: .never)
    }

    /// Sends a copy of the elements' bytes, suspending the task at most until `deadline`.
    public mutating func send<Element: InterprocessValue>(_ elements: UnsafeMutableBufferPointer<Element>, until deadline: Deadline) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(elements), until: deadline)
    }

    /// Sends a copy of the elements' bytes, suspending the task at most `timeout`.
    public mutating func send<Element: InterprocessValue>(_ elements: UnsafeMutableBufferPointer<Element>, timeout: Duration) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(elements), until: .after(timeout))
    }
}

extension MPMCProducer {
    /// Sends a copy of the elements' bytes (never the pointer), suspending the task while the queue is full.
    public mutating func send<Element: InterprocessValue>(_ elements: UnsafeBufferPointer<Element>) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(elements), until: .never)
    }

    /// Sends a copy of the elements' bytes, suspending the task at most until `deadline`.
    public mutating func send<Element: InterprocessValue>(_ elements: UnsafeBufferPointer<Element>, until deadline: Deadline) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(elements), until: deadline)
    }

    /// Sends a copy of the elements' bytes, suspending the task at most `timeout`.
    public mutating func send<Element: InterprocessValue>(_ elements: UnsafeBufferPointer<Element>, timeout: Duration) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(elements), until: .after(timeout))
    }

    /// Sends a copy of the elements' bytes (never the pointer), suspending the task while the queue is full.
    public mutating func send<Element: InterprocessValue>(_ elements: UnsafeMutableBufferPointer<Element>) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(elements), until: .never)
    }

    /// Sends a copy of the elements' bytes, suspending the task at most until `deadline`.
    public mutating func send<Element: InterprocessValue>(_ elements: UnsafeMutableBufferPointer<Element>, until deadline: Deadline) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(elements), until: deadline)
    }

    /// Sends a copy of the elements' bytes, suspending the task at most `timeout`.
    public mutating func send<Element: InterprocessValue>(_ elements: UnsafeMutableBufferPointer<Element>, timeout: Duration) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(elements), until: .after(timeout))
    }
}
#endif
