#if os(Linux)
/// A value in a libsharedmemory stream: what its C++ `SharedMemoryWriteStream::write` overloads
/// send (a string, a `float` array or a `double` array).
public enum LegacyValue: Sendable, Hashable {
    /// `write(const std::string&)`: bytes, read as UTF-8 (invalid bytes become U+FFFD).
    case string(String)
    /// `write(const float*, length)`: 32-bit floats, little-endian.
    case floats([Float])
    /// `write(const double*, length)`: 64-bit floats, little-endian.
    case doubles([Double])

    /// What the value is.
    public var kind: LegacyValueKind {
        switch self {
        case .string: .string
        case .floats: .floats
        case .doubles: .doubles
        }
    }

    /// The type bit the stream's flags byte carries for this value.
    var typeBit: UInt8 { kind.typeBit }

    /// The bytes of the value as the C++ side lays them out (little-endian elements).
    var byteCount: Int {
        switch self {
        case .string(let string): string.utf8.count
        case .floats(let floats): floats.count * 4
        case .doubles(let doubles): doubles.count * 8
        }
    }

    /// Writes the value's bytes at `destination` (which has room for ``byteCount`` bytes).
    func store(at destination: UnsafeMutableRawPointer) {
        switch self {
        case .string(let string):
            var string = string
            string.withUTF8 { bytes in
                if let base = bytes.baseAddress { destination.copyMemory(from: base, byteCount: bytes.count) }
            }
        case .floats(let floats):
            for (index, value) in floats.enumerated() {
                destination.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: index * 4, as: UInt32.self)
            }
        case .doubles(let doubles):
            for (index, value) in doubles.enumerated() {
                destination.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: index * 8, as: UInt64.self)
            }
        }
    }

    /// The value of `kind` in `bytes` (whose count is a whole number of elements), copied.
    init(_ kind: LegacyValueKind, bytes: UnsafeRawBufferPointer) {
        switch kind {
        case .string:
            self = .string(String(decoding: bytes, as: UTF8.self))
        case .floats:
            self = .floats((0..<bytes.count / 4).map {
                Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
            })
        case .doubles:
            self = .doubles((0..<bytes.count / 8).map {
                Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)))
            })
        }
    }
}
#endif
