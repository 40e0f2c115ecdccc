#if os(Linux)
extension ProcessCondition {
    /// The fields of a placed condition, at byte offsets from its address (`docs/FORMAT.md`,
    /// "ProcessCondition layout"). Bytes not covered are reserved and zero.
    enum Field: String, CaseIterable {
        /// `PCND` (0x444E4350 as a little-endian uint32).
        case tag
        /// The layout version (1).
        case layoutVersion
        /// No flags yet: 0.
        case flags
        /// The size of the object at byte 64: 8.
        case objectSize
        /// The futex word: incremented (wrapping) by every signal and broadcast.
        case sequence
        /// How many waiters are asleep (or died asleep).
        case waiters

        /// The byte offset from the condition's address.
        var offset: Int {
            switch self {
            case .tag: PrimitiveHeader.tagOffset
            case .layoutVersion: PrimitiveHeader.versionOffset
            case .flags: PrimitiveHeader.flagsOffset
            case .objectSize: PrimitiveHeader.objectSizeOffset
            case .sequence: PrimitiveHeader.objectOffset
            case .waiters: PrimitiveHeader.objectOffset + 4
            }
        }

        /// The field's size in bytes.
        var size: Int { 4 }
    }
}
#endif
