#if os(Linux)
/// A type that a ``SharedDictionary`` stores as bytes: plain data by its own bytes, text by its
/// UTF-8.
///
/// Keys are hashed and compared **by these bytes**, never by `Hashable` (whose hash is seeded
/// differently in every process): two keys are equal exactly when their bytes are. For a
/// `BitwiseCopyable` struct that means its padding bytes count too — use key types without
/// padding (or with padding always zeroed) and in which every bit pattern is a valid value
/// (the bytes come from other processes), and floating-point keys compare `0.0` and `-0.0` as
/// different and a NaN as equal to itself.
///
/// Plain-data types conform with an empty extension, using their bytes:
///
/// ```swift
/// struct Point: BitwiseCopyable, SharedBytesConvertible { var x: Int32, y: Int32 }
/// ```
public protocol SharedBytesConvertible {
    /// Calls `body` with the bytes that represent this value in shared memory.
    func withSharedBytes<R>(_ body: (UnsafeRawBufferPointer) throws(InterprocessError) -> R) throws(InterprocessError) -> R

    /// The value `bytes` represent.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` when no value has these bytes (a wrong
    ///   length for a fixed-size type).
    init(sharedBytes bytes: UnsafeRawBufferPointer) throws(InterprocessError)
}

extension SharedBytesConvertible where Self: BitwiseCopyable {
    /// Calls `body` with the value's own bytes (padding included).
    @inlinable
    public func withSharedBytes<R>(_ body: (UnsafeRawBufferPointer) throws(InterprocessError) -> R) throws(InterprocessError) -> R {
        var copy = self
        return try withUnsafeMutablePointer(to: &copy) { (pointer) throws(InterprocessError) -> R in
            try body(UnsafeRawBufferPointer(start: pointer, count: MemoryLayout<Self>.size))
        }
    }

    /// The value whose bytes these are.
    ///
    /// - Throws: ``InterprocessError/Code/corrupt`` when there are not exactly
    ///   `MemoryLayout<Self>.size` bytes.
    @inlinable
    public init(sharedBytes bytes: UnsafeRawBufferPointer) throws(InterprocessError) {
        guard bytes.count == MemoryLayout<Self>.size else {
            throw InterprocessError(.corrupt, operation: "read shared value", name: nil,
                                    reason: "\(bytes.count) bytes cannot be a \(Self.self) (\(MemoryLayout<Self>.size) bytes)")
        }
        self = bytes.loadUnaligned(as: Self.self)
    }
}

extension String: SharedBytesConvertible {
    /// Calls `body` with the string's UTF-8 bytes (no terminating NUL).
    public func withSharedBytes<R>(_ body: (UnsafeRawBufferPointer) throws(InterprocessError) -> R) throws(InterprocessError) -> R {
        var copy = self
        let result = copy.withUTF8 { utf8 in
            Result { () throws(InterprocessError) -> R in try body(UnsafeRawBufferPointer(utf8)) }
        }
        return try result.get()
    }

    /// The text in `bytes`, decoded as UTF-8 (invalid bytes become U+FFFD).
    public init(sharedBytes bytes: UnsafeRawBufferPointer) throws(InterprocessError) {
        self = String(decoding: bytes, as: UTF8.self)
    }
}

extension Int: SharedBytesConvertible {}
extension Int8: SharedBytesConvertible {}
extension Int16: SharedBytesConvertible {}
extension Int32: SharedBytesConvertible {}
extension Int64: SharedBytesConvertible {}
extension UInt: SharedBytesConvertible {}
extension UInt8: SharedBytesConvertible {}
extension UInt16: SharedBytesConvertible {}
extension UInt32: SharedBytesConvertible {}
extension UInt64: SharedBytesConvertible {}
extension Float: SharedBytesConvertible {}
extension Double: SharedBytesConvertible {}
extension Bool: SharedBytesConvertible {
    /// The value of one byte: any nonzero byte is `true` (a peer's byte is never trusted to be
    /// 0 or 1).
    public init(sharedBytes bytes: UnsafeRawBufferPointer) throws(InterprocessError) {
        guard bytes.count == 1 else {
            throw InterprocessError(.corrupt, operation: "read shared value", name: nil, reason: "\(bytes.count) bytes cannot be a Bool (1 byte)")
        }
        self = bytes[0] != 0
    }
}
extension SegmentOffset: SharedBytesConvertible {}
extension TypedSegmentOffset: SharedBytesConvertible {}
#endif
