extension MPMCProducer {
    // MARK: Buffers
    //
    // The generic `send(_:)` copies the bytes *of a value*, and a buffer pointer is itself a
    // BitwiseCopyable value (an address and a count): without these overloads
    // `string.withUTF8 { try producer.send($0) }` shipped 16 bytes of address. A buffer sends the
    // bytes of its elements. (A lone pointer still matches the generic send; refusing it at
    // compile time needs a bound of the library's own in place of BitwiseCopyable: an
    // `unavailable` overload loses to the generic one, and a `deprecated` one would also catch
    // arrays and strings through their implicit pointer conversions.)

    /// Sends a copy of the bytes of `bytes`' elements if there is room; returns false when the
    /// queue is full.
    @inlinable
    public mutating func trySend(_ bytes: UnsafeMutableRawBufferPointer) throws(InterprocessError) -> Bool {
        try trySend(UnsafeRawBufferPointer(bytes))
    }

    /// Sends a copy of the bytes of `bytes`' elements, waiting for room until `deadline`;
    /// returns false if it passed.
    @inlinable
    public mutating func send(_ bytes: UnsafeMutableRawBufferPointer, until deadline: Deadline) throws(InterprocessError) -> Bool {
        try send(UnsafeRawBufferPointer(bytes), until: deadline)
    }

    /// Sends a copy of the bytes of `bytes`' elements, waiting as long as it takes for room.
    @inlinable
    public mutating func send(_ bytes: UnsafeMutableRawBufferPointer) throws(InterprocessError) {
        try send(UnsafeRawBufferPointer(bytes))
    }

    /// Sends a copy of the bytes of `bytes`' elements if there is room; returns false when the
    /// queue is full.
    @inlinable
    public mutating func trySend<Element: BitwiseCopyable>(_ bytes: UnsafeBufferPointer<Element>) throws(InterprocessError) -> Bool {
        try trySend(UnsafeRawBufferPointer(bytes))
    }

    /// Sends a copy of the bytes of `bytes`' elements, waiting for room until `deadline`;
    /// returns false if it passed.
    @inlinable
    public mutating func send<Element: BitwiseCopyable>(_ bytes: UnsafeBufferPointer<Element>, until deadline: Deadline) throws(InterprocessError) -> Bool {
        try send(UnsafeRawBufferPointer(bytes), until: deadline)
    }

    /// Sends a copy of the bytes of `bytes`' elements, waiting as long as it takes for room.
    @inlinable
    public mutating func send<Element: BitwiseCopyable>(_ bytes: UnsafeBufferPointer<Element>) throws(InterprocessError) {
        try send(UnsafeRawBufferPointer(bytes))
    }

    /// Sends a copy of the bytes of `bytes`' elements if there is room; returns false when the
    /// queue is full.
    @inlinable
    public mutating func trySend<Element: BitwiseCopyable>(_ bytes: UnsafeMutableBufferPointer<Element>) throws(InterprocessError) -> Bool {
        try trySend(UnsafeRawBufferPointer(bytes))
    }

    /// Sends a copy of the bytes of `bytes`' elements, waiting for room until `deadline`;
    /// returns false if it passed.
    @inlinable
    public mutating func send<Element: BitwiseCopyable>(_ bytes: UnsafeMutableBufferPointer<Element>, until deadline: Deadline) throws(InterprocessError) -> Bool {
        try send(UnsafeRawBufferPointer(bytes), until: deadline)
    }

    /// Sends a copy of the bytes of `bytes`' elements, waiting as long as it takes for room.
    @inlinable
    public mutating func send<Element: BitwiseCopyable>(_ bytes: UnsafeMutableBufferPointer<Element>) throws(InterprocessError) {
        try send(UnsafeRawBufferPointer(bytes))
    }
}
