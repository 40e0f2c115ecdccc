#if os(Linux)
/// The first 16 bytes of a placed ``ProcessMutex`` or ``ProcessCondition``: a tag naming the
/// primitive, the layout version, flags, and the size of the object that follows at byte 64.
///
/// Offsets are from the primitive's address; all fields are little-endian. See
/// `docs/FORMAT.md`, "ProcessMutex and ProcessCondition".
enum PrimitiveHeader {
    /// Where each header field starts.
    static let tagOffset = 0
    static let versionOffset = 4
    static let flagsOffset = 8
    static let objectSizeOffset = 12
    /// Where the primitive's object (the mutex's lock word and owner record, the condition's futex words) starts.
    static let objectOffset = 64

    /// The layout version this library writes and reads.
    static let currentVersion: UInt32 = 1

    /// Writes the header fields, and the tag last with a release store: a process that finds the
    /// tag (with an acquire load) also sees the object initialized.
    static func write(at address: UnsafeMutableRawPointer, tag: UInt32, flags: UInt32, objectSize: Int) {
        address.storeBytes(of: flags.littleEndian, toByteOffset: flagsOffset, as: UInt32.self)
        address.storeBytes(of: UInt32(objectSize).littleEndian, toByteOffset: objectSizeOffset, as: UInt32.self)
        PlacedTag.publish(at: address, tag: tag, version: currentVersion)
    }

    /// Reads a little-endian `UInt32` at `offset`.
    static func load(_ address: UnsafeRawPointer, _ offset: Int) -> UInt32 {
        UInt32(littleEndian: address.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// Checks the header of a placed primitive before anything touches its object, and returns
    /// its flags.
    ///
    /// - Throws: `corrupt` for zeroed or foreign bytes and unknown flags, `wrongKind` for another
    ///   primitive of this family, `incompatibleVersion` for another layout version or another
    ///   object size (another C library ABI).
    static func validate(
        at address: UnsafeMutableRawPointer, tag: UInt32, primitive: String, objectSize: Int, knownFlags: UInt32,
        name: String?, operation: String
    ) throws(InterprocessError) -> UInt32 {
        try PlacedTag.check(at: address, tag: tag, version: currentVersion, primitive: primitive, name: name,
                            operation: operation)
        let size = load(address, objectSizeOffset)
        guard size == UInt32(objectSize) else {
            throw InterprocessError(.incompatibleVersion, operation: operation, name: name,
                                    reason: "its \(primitive) object is \(size) bytes; this process's is \(objectSize) (another C library or architecture)")
        }
        let flags = load(address, flagsOffset)
        guard flags & ~knownFlags == 0 else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its \(primitive) has unknown flags 0x\(String(flags, radix: 16))")
        }
        return flags
    }
}
#endif
