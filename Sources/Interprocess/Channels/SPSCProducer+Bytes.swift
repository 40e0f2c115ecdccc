extension SPSCProducer {
    // MARK: Buffers and pointers
    //
    // The generic `send(_:)` copies the bytes *of a value*, and an unsafe pointer or buffer
    // pointer is itself a BitwiseCopyable value (an address, and a count): without these
    // overloads `string.withUTF8 { try producer.send($0) }` shipped 16 bytes of address. A buffer
    // sends the bytes of its elements. A lone pointer is refused: the compiler warns (an
    // unavailable overload would lose to the generic one, a deprecated one does not), and the
    // call throws `invalidArgument`.

    /// Sends a copy of the bytes of `bytes`' elements if there is room; returns false when the
    /// queue is full.
    @inlinable
    public mutating func trySend(_ bytes: UnsafeMutableRawBufferPointer, publish: Bool = true) throws(InterprocessError) -> Bool {
        try trySend(UnsafeRawBufferPointer(bytes), publish: publish)
    }

    /// Sends a copy of the bytes of `bytes`' elements, waiting for room until `deadline`;
    /// returns false if it passed.
    @inlinable
    public mutating func send(_ bytes: UnsafeMutableRawBufferPointer, until deadline: MonotonicDeadline) throws(InterprocessError) -> Bool {
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
    public mutating func trySend<Element: BitwiseCopyable>(_ bytes: UnsafeBufferPointer<Element>, publish: Bool = true) throws(InterprocessError) -> Bool {
        try trySend(UnsafeRawBufferPointer(bytes), publish: publish)
    }

    /// Sends a copy of the bytes of `bytes`' elements, waiting for room until `deadline`;
    /// returns false if it passed.
    @inlinable
    public mutating func send<Element: BitwiseCopyable>(_ bytes: UnsafeBufferPointer<Element>, until deadline: MonotonicDeadline) throws(InterprocessError) -> Bool {
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
    public mutating func trySend<Element: BitwiseCopyable>(_ bytes: UnsafeMutableBufferPointer<Element>, publish: Bool = true) throws(InterprocessError) -> Bool {
        try trySend(UnsafeRawBufferPointer(bytes), publish: publish)
    }

    /// Sends a copy of the bytes of `bytes`' elements, waiting for room until `deadline`;
    /// returns false if it passed.
    @inlinable
    public mutating func send<Element: BitwiseCopyable>(_ bytes: UnsafeMutableBufferPointer<Element>, until deadline: MonotonicDeadline) throws(InterprocessError) -> Bool {
        try send(UnsafeRawBufferPointer(bytes), until: deadline)
    }

    /// Sends a copy of the bytes of `bytes`' elements, waiting as long as it takes for room.
    @inlinable
    public mutating func send<Element: BitwiseCopyable>(_ bytes: UnsafeMutableBufferPointer<Element>) throws(InterprocessError) {
        try send(UnsafeRawBufferPointer(bytes))
    }

    /// Refused: it would send the address, not what it points to. Always throws
    /// ``InterprocessError/Code/invalidArgument``.
    @available(*, deprecated, message: "a pointer is an address in this process, meaningless in another: send the value, or the bytes it points to as UnsafeRawBufferPointer(start:count:)")
    public mutating func trySend<Pointee>(_ pointer: UnsafePointer<Pointee>, publish: Bool = true) throws(InterprocessError) -> Bool {
        throw pointerSendError()
    }

    /// Refused: it would send the address, not what it points to. Always throws
    /// ``InterprocessError/Code/invalidArgument``.
    @available(*, deprecated, message: "a pointer is an address in this process, meaningless in another: send the value, or the bytes it points to as UnsafeRawBufferPointer(start:count:)")
    public mutating func send<Pointee>(_ pointer: UnsafePointer<Pointee>, until deadline: MonotonicDeadline) throws(InterprocessError) -> Bool {
        throw pointerSendError()
    }

    /// Refused: it would send the address, not what it points to. Always throws
    /// ``InterprocessError/Code/invalidArgument``.
    @available(*, deprecated, message: "a pointer is an address in this process, meaningless in another: send the value, or the bytes it points to as UnsafeRawBufferPointer(start:count:)")
    public mutating func send<Pointee>(_ pointer: UnsafePointer<Pointee>) throws(InterprocessError) {
        throw pointerSendError()
    }

    /// Refused: it would send the address, not what it points to. Always throws
    /// ``InterprocessError/Code/invalidArgument``.
    @available(*, deprecated, message: "a pointer is an address in this process, meaningless in another: send the value, or the bytes it points to as UnsafeRawBufferPointer(start:count:)")
    public mutating func trySend<Pointee>(_ pointer: UnsafeMutablePointer<Pointee>, publish: Bool = true) throws(InterprocessError) -> Bool {
        throw pointerSendError()
    }

    /// Refused: it would send the address, not what it points to. Always throws
    /// ``InterprocessError/Code/invalidArgument``.
    @available(*, deprecated, message: "a pointer is an address in this process, meaningless in another: send the value, or the bytes it points to as UnsafeRawBufferPointer(start:count:)")
    public mutating func send<Pointee>(_ pointer: UnsafeMutablePointer<Pointee>, until deadline: MonotonicDeadline) throws(InterprocessError) -> Bool {
        throw pointerSendError()
    }

    /// Refused: it would send the address, not what it points to. Always throws
    /// ``InterprocessError/Code/invalidArgument``.
    @available(*, deprecated, message: "a pointer is an address in this process, meaningless in another: send the value, or the bytes it points to as UnsafeRawBufferPointer(start:count:)")
    public mutating func send<Pointee>(_ pointer: UnsafeMutablePointer<Pointee>) throws(InterprocessError) {
        throw pointerSendError()
    }

    /// Refused: it would send the address, not what it points to. Always throws
    /// ``InterprocessError/Code/invalidArgument``.
    @available(*, deprecated, message: "a pointer is an address in this process, meaningless in another: send the value, or the bytes it points to as UnsafeRawBufferPointer(start:count:)")
    public mutating func trySend(_ pointer: UnsafeRawPointer, publish: Bool = true) throws(InterprocessError) -> Bool {
        throw pointerSendError()
    }

    /// Refused: it would send the address, not what it points to. Always throws
    /// ``InterprocessError/Code/invalidArgument``.
    @available(*, deprecated, message: "a pointer is an address in this process, meaningless in another: send the value, or the bytes it points to as UnsafeRawBufferPointer(start:count:)")
    public mutating func send(_ pointer: UnsafeRawPointer, until deadline: MonotonicDeadline) throws(InterprocessError) -> Bool {
        throw pointerSendError()
    }

    /// Refused: it would send the address, not what it points to. Always throws
    /// ``InterprocessError/Code/invalidArgument``.
    @available(*, deprecated, message: "a pointer is an address in this process, meaningless in another: send the value, or the bytes it points to as UnsafeRawBufferPointer(start:count:)")
    public mutating func send(_ pointer: UnsafeRawPointer) throws(InterprocessError) {
        throw pointerSendError()
    }

    /// Refused: it would send the address, not what it points to. Always throws
    /// ``InterprocessError/Code/invalidArgument``.
    @available(*, deprecated, message: "a pointer is an address in this process, meaningless in another: send the value, or the bytes it points to as UnsafeRawBufferPointer(start:count:)")
    public mutating func trySend(_ pointer: UnsafeMutableRawPointer, publish: Bool = true) throws(InterprocessError) -> Bool {
        throw pointerSendError()
    }

    /// Refused: it would send the address, not what it points to. Always throws
    /// ``InterprocessError/Code/invalidArgument``.
    @available(*, deprecated, message: "a pointer is an address in this process, meaningless in another: send the value, or the bytes it points to as UnsafeRawBufferPointer(start:count:)")
    public mutating func send(_ pointer: UnsafeMutableRawPointer, until deadline: MonotonicDeadline) throws(InterprocessError) -> Bool {
        throw pointerSendError()
    }

    /// Refused: it would send the address, not what it points to. Always throws
    /// ``InterprocessError/Code/invalidArgument``.
    @available(*, deprecated, message: "a pointer is an address in this process, meaningless in another: send the value, or the bytes it points to as UnsafeRawBufferPointer(start:count:)")
    public mutating func send(_ pointer: UnsafeMutableRawPointer) throws(InterprocessError) {
        throw pointerSendError()
    }

    /// Refused: it would send the address, not what it points to. Always throws
    /// ``InterprocessError/Code/invalidArgument``.
    @available(*, deprecated, message: "a pointer is an address in this process, meaningless in another: send the value, or the bytes it points to as UnsafeRawBufferPointer(start:count:)")
    public mutating func trySend(_ pointer: OpaquePointer, publish: Bool = true) throws(InterprocessError) -> Bool {
        throw pointerSendError()
    }

    /// Refused: it would send the address, not what it points to. Always throws
    /// ``InterprocessError/Code/invalidArgument``.
    @available(*, deprecated, message: "a pointer is an address in this process, meaningless in another: send the value, or the bytes it points to as UnsafeRawBufferPointer(start:count:)")
    public mutating func send(_ pointer: OpaquePointer, until deadline: MonotonicDeadline) throws(InterprocessError) -> Bool {
        throw pointerSendError()
    }

    /// Refused: it would send the address, not what it points to. Always throws
    /// ``InterprocessError/Code/invalidArgument``.
    @available(*, deprecated, message: "a pointer is an address in this process, meaningless in another: send the value, or the bytes it points to as UnsafeRawBufferPointer(start:count:)")
    public mutating func send(_ pointer: OpaquePointer) throws(InterprocessError) {
        throw pointerSendError()
    }

    /// The error of every pointer send.
    func pointerSendError() -> InterprocessError {
        InterprocessError(.invalidArgument, operation: "send", name: mapping.segment.name.rawValue,
                          reason: "a pointer is an address in this process, meaningless in another; send the value, or the bytes it points to")
    }
}
