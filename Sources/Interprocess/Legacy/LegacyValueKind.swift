#if os(Linux)
/// What a libsharedmemory value is, without the value: the type bit of its flags byte. The
/// zero-copy forms (``LegacyStreamWriter/write(_:bytes:)``,
/// ``LegacyStreamReader/tryReceive(_:)``) pass it beside the raw bytes.
public enum LegacyValueKind: Sendable, Hashable, CaseIterable {
    /// UTF-8 bytes.
    case string
    /// Little-endian IEEE 754 binary32 elements.
    case floats
    /// Little-endian IEEE 754 binary64 elements.
    case doubles

    /// The flags byte's type bit.
    var typeBit: UInt8 {
        switch self {
        case .string: LegacyStreamLayout.stringBit
        case .floats: LegacyStreamLayout.floatBit
        case .doubles: LegacyStreamLayout.doubleBit
        }
    }

    /// The bytes of one element.
    var elementSize: Int {
        switch self {
        case .string: 1
        case .floats: 4
        case .doubles: 8
        }
    }

    /// The kind of a (single) type bit.
    init?(typeBit: UInt8) {
        switch typeBit {
        case LegacyStreamLayout.stringBit: self = .string
        case LegacyStreamLayout.floatBit: self = .floats
        case LegacyStreamLayout.doubleBit: self = .doubles
        default: return nil
        }
    }
}
#endif
