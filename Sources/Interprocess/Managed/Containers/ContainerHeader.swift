#if os(Linux)
/// The words every container header starts with (`docs/FORMAT.md`, "Containers"): a magic
/// naming the container kind and a layout version, in line 0 with the kind's own fields; its
/// placed locks follow from byte 128.
enum ContainerHeader {
    /// Headers are aligned for their placed ``ProcessRWLock``s.
    static let alignment = ProcessRWLock.alignment
    /// The first lock's offset in the header.
    static let locksOffset = 128

    static func magic(_ header: UnsafeMutableRawPointer) -> UInt32 { SharedWord.load32(header, 0) }
    static func version(_ header: UnsafeMutableRawPointer) -> UInt32 { SharedWord.load32(header, 4) }

    /// Writes the magic and version last, so a header is recognizable only once whole.
    static func publish(_ header: UnsafeMutableRawPointer, magic: UInt32, version: UInt32) {
        SharedWord.store32(version, header, 4)
        SharedWord.store32(magic, header, 0)
    }

    /// Magic values: four ASCII bytes, little-endian.
    static func tag(_ text: StaticString) -> UInt32 {
        text.withUTF8Buffer { bytes in bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) } }
    }
}
#endif
