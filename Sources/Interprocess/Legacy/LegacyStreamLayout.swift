#if os(Linux)
/// The two byte layouts of a libsharedmemory stream segment (`docs/FORMAT.md`, "libsharedmemory
/// streams"). The segment is the whole POSIX shared memory object `/<name>`, with no header of
/// this library's.
public enum LegacyStreamLayout: String, Sendable, Hashable, Codable, CaseIterable {
    /// libsharedmemory 1.x: `flags u8`, then the size (uint32) and the data, with no lock. The
    /// C++ code indexes the size and the data in units of the element type, so they sit at
    /// bytes 1 and 5 for a string, 4 and 20 for a float array, 8 and 40 for a double array.
    case version1
    /// libsharedmemory 2.x: `flags u8 | pad[3] | revision u32 @4 | ack u32 @8 | size u32 @12 |
    /// lock u32 @16 | data @20`, a spin lock around every write and read.
    case version2

    /// Flags bit 0: toggled on every write.
    static let changedBit: UInt8 = 1
    /// Flags bit 1: a string.
    static let stringBit: UInt8 = 2
    /// Flags bit 2: a float32 array.
    static let floatBit: UInt8 = 4
    /// Flags bit 3: a float64 array.
    static let doubleBit: UInt8 = 8
    /// The type bits.
    static let typeBits: UInt8 = stringBit | floatBit | doubleBit

    // Version 2 offsets.
    static let revisionOffset = 4
    static let ackOffset = 8
    static let sizeOffset2 = 12
    static let lockOffset = 16
    static let dataOffset2 = 20

    /// Where the size (uint32 LE) and the data of a value of type bit `typeBit` are.
    func offsets(typeBit: UInt8) -> (size: Int, data: Int) {
        switch self {
        case .version2:
            return (LegacyStreamLayout.sizeOffset2, LegacyStreamLayout.dataOffset2)
        case .version1:
            // `memory[flagSize]` and `memory[flagSize + bufferSizeSize]` on a pointer to the element type.
            let unit = typeBit == LegacyStreamLayout.floatBit ? 4 : typeBit == LegacyStreamLayout.doubleBit ? 8 : 1
            return (unit, unit * 5)
        }
    }

    /// The smallest segment a stream of this layout can live in.
    var minimumSize: Int { self == .version2 ? LegacyStreamLayout.dataOffset2 : 5 }
}
#endif
