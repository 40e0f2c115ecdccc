#if os(Linux)
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One thread-cache record of a managed segment's table (``ManagedLayout/cacheTableOffset``):
/// which thread of which process holds it, and that thread's current slab of each size class.
///
/// 128 bytes: claim word (uint64, the holder's ``PackedProcessIdentity/claimWord``, 0 when
/// free), thread id (uint32), reserved (uint32), then one uint32 chunk index per size class
/// (0: none). A slab whose owner word names this record (index + 1) is owned by its holder.
struct CacheRecord {
    let address: UnsafeMutableRawPointer
    let index: Int

    init(base: UnsafeMutableRawPointer, index: Int) {
        self.index = index
        address = base + ManagedLayout.cacheTableOffset + index * ManagedLayout.cacheRecordSize
    }

    /// The token slabs record as their owner.
    var token: UInt64 { UInt64(index + 1) }

    static let claimOffset = 0
    static let threadOffset = 8
    static let currentOffset = 16

    var claim: UnsafeMutablePointer<Atomic<UInt64>> {
        (address + CacheRecord.claimOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// The current slab of class `classIndex` (a chunk index), written only by the holder.
    @inline(__always)
    static func current(_ record: UnsafeMutableRawPointer, _ classIndex: Int) -> UnsafeMutablePointer<UInt32> {
        (record + currentOffset + classIndex &* 4).assumingMemoryBound(to: UInt32.self)
    }
}
#endif
