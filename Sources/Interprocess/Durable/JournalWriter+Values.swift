#if os(Linux)
/// Appends of whole values: bytes, text, fixed-size values. They copy once, into the mapping.
extension JournalWriter {
    /// Appends the bytes of `buffer` (its contents, never its address).
    @inlinable @discardableResult
    public mutating func append(bytes buffer: UnsafeRawBufferPointer) throws(InterprocessError) -> UInt64 {
        try append(count: buffer.count) { destination in
            if let source = buffer.baseAddress { destination.baseAddress!.copyMemory(from: source, byteCount: buffer.count) }
        }
    }

    /// Appends a fixed-size value; read it back with ``JournalRecord/load(as:)``.
    @inlinable @inline(__always) @discardableResult
    public mutating func append<Value: InterprocessValue>(_ value: Value) throws(InterprocessError) -> UInt64 {
        try append(count: MemoryLayout<Value>.size) { destination in
            destination.baseAddress!.storeBytes(of: value, as: Value.self)
        }
    }

    /// Appends bytes.
    @discardableResult
    public mutating func append(contentsOf bytes: some Collection<UInt8>) throws(InterprocessError) -> UInt64 {
        // Closures passed to the standard library's rethrowing APIs carry the result out.
        if let result = bytes.withContiguousStorageIfAvailable({ buffer in
            Result { () throws(InterprocessError) -> UInt64 in try append(bytes: UnsafeRawBufferPointer(buffer)) }
        }) {
            return try result.get()
        }
        let copy = Array(bytes)
        return try copy.withUnsafeBytes { buffer in
            Result { () throws(InterprocessError) -> UInt64 in try append(bytes: buffer) }
        }.get()
    }

    /// Appends text as UTF-8.
    @discardableResult
    public mutating func append(_ string: String) throws(InterprocessError) -> UInt64 {
        var text = string
        return try text.withUTF8 { buffer in
            Result { () throws(InterprocessError) -> UInt64 in try append(bytes: UnsafeRawBufferPointer(buffer)) }
        }.get()
    }
}
#endif
