#if os(Linux)
extension ProcessMutex {
    /// The fields of a placed mutex, at byte offsets from its address (`docs/FORMAT.md`,
    /// "ProcessMutex layout"). Bytes not covered are reserved and zero.
    enum Field: String, CaseIterable {
        /// `PMTX` (0x58544D50 as a little-endian uint32).
        case tag
        /// The layout version (2).
        case layoutVersion
        /// Bit 0: recursive.
        case flags
        /// The bytes of the object at byte 64: 36.
        case objectSize
        /// The futex word: owner thread id, inconsistent bit, waiters bit (``LockWord``).
        case lockWord
        /// How many times the owner holds it (1, or more for a recursive mutex), else 0.
        case ownerDepth
        /// The owner's pid while the mutex is held, else 0.
        case ownerPID
        /// The owner's thread id, written last (release) once the other owner fields are.
        case ownerTID
        /// The owner's start time (clock ticks since boot) while the mutex is held, else 0.
        case ownerStartTime
        /// Which handle of the owner process made the outermost acquisition.
        case ownerHandle
        /// The owner's pid namespace (inode of `/proc/self/ns/pid`) while the mutex is held, else 0.
        case ownerPIDNamespace

        /// The byte offset from the mutex's address.
        var offset: Int {
            switch self {
            case .tag: PrimitiveHeader.tagOffset
            case .layoutVersion: PrimitiveHeader.versionOffset
            case .flags: PrimitiveHeader.flagsOffset
            case .objectSize: PrimitiveHeader.objectSizeOffset
            case .lockWord: PrimitiveHeader.objectOffset
            case .ownerDepth: PrimitiveHeader.objectOffset + 4
            case .ownerPID: PrimitiveHeader.objectOffset + 8
            case .ownerTID: PrimitiveHeader.objectOffset + 12
            case .ownerStartTime: PrimitiveHeader.objectOffset + 16
            case .ownerHandle: PrimitiveHeader.objectOffset + 24
            case .ownerPIDNamespace: PrimitiveHeader.objectOffset + 32
            }
        }

        /// The field's size in bytes.
        var size: Int {
            switch self {
            case .tag, .layoutVersion, .flags, .objectSize, .lockWord, .ownerDepth, .ownerPID, .ownerTID, .ownerPIDNamespace: 4
            case .ownerStartTime, .ownerHandle: 8
            }
        }
    }
}
#endif
