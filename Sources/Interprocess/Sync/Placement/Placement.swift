#if os(Linux)
/// Checks an address where a synchronization primitive is to be placed or found, so that a
/// misaligned or null address is a typed error and never undefined behaviour in another process.
enum Placement {
    /// Throws ``InterprocessError/Code/invalidArgument`` unless `address` is a multiple of
    /// `alignment` (a power of two).
    static func check(
        _ address: UnsafeMutableRawPointer, alignment: Int, for primitive: String
    ) throws(InterprocessError) {
        let misalignment = Int(bitPattern: address) & (alignment - 1)
        guard misalignment == 0 else {
            throw InterprocessError(.invalidArgument, operation: "place a \(primitive)", name: nil,
                                    reason: "address 0x\(String(UInt(bitPattern: Int(bitPattern: address)), radix: 16)) is not aligned to \(alignment) bytes (off by \(misalignment))")
        }
    }
}
#endif
