#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension MappedRegion {
    /// A hint to the kernel about how the region will be used (`madvise`).
    public enum Advice: Sendable, Hashable, CaseIterable {
        /// No special treatment (the default).
        case normal
        /// Pages will be read in order: read ahead aggressively, drop behind.
        case sequential
        /// Pages will be touched in no order: read ahead less.
        case random
        /// Pages will be needed soon: start reading them in now.
        case willNeed
        /// Pages are not needed for now. For shared mappings the contents stay (they live in the
        /// file or in shared memory); the pages are only released from this process. For a
        /// ``MappedRegion/Access/copyOnWrite`` mapping this **discards** the private changes.
        case dontNeed
        /// Back the region with transparent huge pages where the kernel allows it.
        case hugePages
        /// Never back the region with transparent huge pages.
        case noHugePages

        var systemValue: Int32 {
            switch self {
            case .normal: return MADV_NORMAL
            case .sequential: return MADV_SEQUENTIAL
            case .random: return MADV_RANDOM
            case .willNeed: return MADV_WILLNEED
            case .dontNeed: return MADV_DONTNEED
            case .hugePages: return 14  // MADV_HUGEPAGE
            case .noHugePages: return 15  // MADV_NOHUGEPAGE
            }
        }
    }

    /// Advises the kernel about the whole region or the pages covering `range`.
    public func advise(_ advice: Advice, range: Range<Int>? = nil) throws(InterprocessError) {
        let pages = try pageRange(covering: range, operation: "advise")
        try checkedCall("advise", name: label) { madvise(pages.start, pages.length, advice.systemValue) }
    }

    /// Locks the region's pages (or those covering `range`) in RAM so they are never swapped
    /// out. Fails with ``InterprocessError/Code/resourceLimit`` past `RLIMIT_MEMLOCK`.
    public func lockInMemory(_ range: Range<Int>? = nil) throws(InterprocessError) {
        let pages = try pageRange(covering: range, operation: "lock in memory")
        do {
            try checkedCall("lock in memory", name: label) { mlock(pages.start, pages.length) }
        } catch where error.errno == .resourceTemporarilyUnavailable || error.errno == .noMemory {
            throw InterprocessError(.resourceLimit, operation: "lock in memory", name: label, errno: error.errno,
                                    reason: "locking \(pages.length) bytes exceeds the locked-memory limit (RLIMIT_MEMLOCK)")
        }
    }

    /// Lets the region's pages (or those covering `range`) be swapped out again.
    public func unlockFromMemory(_ range: Range<Int>? = nil) throws(InterprocessError) {
        let pages = try pageRange(covering: range, operation: "unlock from memory")
        try checkedCall("unlock from memory", name: label) { munlock(pages.start, pages.length) }
    }
}
#endif
