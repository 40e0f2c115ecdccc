#if os(Linux)
/// A queue producer that can send a collection of bytes as one record, suspending the task:
/// what the buffer-pointer async sends need of ``SPSCProducer`` and ``MPMCProducer``.
public protocol AsyncByteSending: ~Copyable {
    /// Sends a copy of `bytes` as one record, suspending the task at most until `deadline`.
    mutating func send(contentsOf bytes: some Collection<UInt8>, until deadline: Deadline) async throws(InterprocessError)
}

extension SPSCProducer: AsyncByteSending {}
extension MPMCProducer: AsyncByteSending {}

extension AsyncByteSending where Self: ~Copyable {
    // Buffer pointers are BitwiseCopyable: without these (and without a defaulted deadline,
    // which would rank below the generic value form), the generic async `send(_:)` would send
    // a pointer's 16 bytes (its address and count) instead of the bytes it points to. The typed
    // forms are generic, and a generic member of the type outranks one of a protocol
    // extension: they are declared on each producer (QueueProducer+AsyncTypedBuffers.swift).

    /// Sends a copy of the bytes `bytes` points to (never the pointer), suspending the task while the queue is full.
    public mutating func send(_ bytes: UnsafeRawBufferPointer) async throws(InterprocessError) {
        try await send(contentsOf: bytes, until: .never)
    }

    /// Sends a copy of the bytes `bytes` points to, suspending the task at most until `deadline`.
    public mutating func send(_ bytes: UnsafeRawBufferPointer, until deadline: Deadline) async throws(InterprocessError) {
        try await send(contentsOf: bytes, until: deadline)
    }

    /// Sends a copy of the bytes `bytes` points to, suspending the task at most `timeout`.
    public mutating func send(_ bytes: UnsafeRawBufferPointer, timeout: Duration) async throws(InterprocessError) {
        try await send(contentsOf: bytes, until: .after(timeout))
    }

    /// Sends a copy of the bytes `bytes` points to (never the pointer), suspending the task while the queue is full.
    public mutating func send(_ bytes: UnsafeMutableRawBufferPointer) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(bytes), until: .never)
    }

    /// Sends a copy of the bytes `bytes` points to, suspending the task at most until `deadline`.
    public mutating func send(_ bytes: UnsafeMutableRawBufferPointer, until deadline: Deadline) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(bytes), until: deadline)
    }

    /// Sends a copy of the bytes `bytes` points to, suspending the task at most `timeout`.
    public mutating func send(_ bytes: UnsafeMutableRawBufferPointer, timeout: Duration) async throws(InterprocessError) {
        try await send(contentsOf: UnsafeRawBufferPointer(bytes), until: .after(timeout))
    }

    /// Sends `string`'s UTF-8 bytes as one record, suspending the task while the queue is full.
    public mutating func send(_ string: String) async throws(InterprocessError) {
        try await send(contentsOf: string.utf8, until: .never)
    }

    /// Sends `string`'s UTF-8 bytes, suspending the task at most until `deadline`.
    public mutating func send(_ string: String, until deadline: Deadline) async throws(InterprocessError) {
        try await send(contentsOf: string.utf8, until: deadline)
    }

    /// Sends `string`'s UTF-8 bytes, suspending the task at most `timeout`.
    public mutating func send(_ string: String, timeout: Duration) async throws(InterprocessError) {
        try await send(contentsOf: string.utf8, until: .after(timeout))
    }
}
#endif
