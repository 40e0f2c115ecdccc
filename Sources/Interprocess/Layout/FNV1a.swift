#if os(Linux)
/// 64-bit FNV-1a: the header checksum. Chosen because it is a few lines in any language
/// (the Python reader in `scripts/` recomputes it), not for strength against tampering.
enum FNV1a {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash = offsetBasis
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* prime
        }
        return hash
    }
}
#endif
