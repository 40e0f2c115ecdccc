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

    /// The type bit the stream's flags byte carries for this value.
    var typeBit: UInt8 {
        switch self {
        case .string: LegacyStreamLayout.stringBit
        case .floats: LegacyStreamLayout.floatBit
        case .doubles: LegacyStreamLayout.doubleBit
        }
    }

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

    /// The value of type bit `typeBit` from `bytes` (a private copy); nil for a byte count the
    /// type cannot have (a float array of 6 bytes).
    static func decode(typeBit: UInt8, bytes: UnsafeRawBufferPointer) -> LegacyValue? {
        switch typeBit {
        case LegacyStreamLayout.stringBit:
            return .string(String(decoding: bytes, as: UTF8.self))
        case LegacyStreamLayout.floatBit:
            guard bytes.count % 4 == 0 else { return nil }
            return .floats((0..<bytes.count / 4).map {
                Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
            })
        case LegacyStreamLayout.doubleBit:
            guard bytes.count % 8 == 0 else { return nil }
            return .doubles((0..<bytes.count / 8).map {
                Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)))
            })
        default:
            return nil
        }
    }
}
#endif
