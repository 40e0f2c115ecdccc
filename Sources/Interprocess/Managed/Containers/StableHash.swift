#if os(Linux)
/// The hash ``SharedDictionary`` files keys under: the same in every process and every program
/// (Swift's `Hashable` is seeded per process, so it cannot be stored). FNV-1a 64 of the key's
/// bytes, then MurmurHash3's 64-bit finalizer, so that the low bits that pick a bucket depend
/// on every byte.
enum StableHash {
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash = FNV1a.offsetBasis
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* FNV1a.prime
        }
        hash ^= hash >> 33
        hash = hash &* 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash = hash &* 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hash
    }
}
#endif
