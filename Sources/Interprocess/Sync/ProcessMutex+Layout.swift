#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ProcessMutex {
    /// The fields of a placed mutex, at byte offsets from its address (`docs/FORMAT.md`,
    /// "ProcessMutex layout"). Bytes not covered are reserved and zero.
    enum Field: String, CaseIterable {
        /// `PMTX` (0x58544D50 as a little-endian uint32).
        case tag
        /// The layout version (1).
        case layoutVersion
        /// Bit 0: recursive.
        case flags
        /// `sizeof(pthread_mutex_t)` of the process that initialized it.
        case objectSize
        /// The owner's pid while the mutex is held, else 0.
        case ownerPID
        /// How many times the owner holds it (1, or more for a recursive mutex), else 0.
        case ownerDepth
        /// The owner's start time (clock ticks since boot) while the mutex is held, else 0.
        case ownerStartTime
        /// glibc's `pthread_mutex_t`.
        case pthreadMutex

        /// The byte offset from the mutex's address.
        var offset: Int {
            switch self {
            case .tag: PrimitiveHeader.tagOffset
            case .layoutVersion: PrimitiveHeader.versionOffset
            case .flags: PrimitiveHeader.flagsOffset
            case .objectSize: PrimitiveHeader.objectSizeOffset
            case .ownerPID: 16
            case .ownerDepth: 20
            case .ownerStartTime: 24
            case .pthreadMutex: PrimitiveHeader.objectOffset
            }
        }

        /// The field's size in bytes.
        var size: Int {
            switch self {
            case .tag, .layoutVersion, .flags, .objectSize, .ownerPID, .ownerDepth: 4
            case .ownerStartTime: 8
            case .pthreadMutex: MemoryLayout<pthread_mutex_t>.size
            }
        }
    }
}
