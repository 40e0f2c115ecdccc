#if os(Linux)
/// A `TextOutputStream` that writes UTF-8 into a fixed region of memory — a ``MappedRegion``,
/// a ``Segment``'s body, a block of a ``ManagedSegment`` — so that `print(…, to:)` and any
/// code written against `TextOutputStream` can write into shared memory.
///
/// ```swift
/// let memory = try SharedMemory(create: "status", size: 4096)
/// var stream = RegionTextStream(over: memory.region.baseAddress, count: memory.size)
/// print("ready", 42, to: &stream)
/// try stream.checkNotTruncated()
/// // another process: RegionTextReader(over: …).next() == "ready 42"
/// ```
///
/// **When full.** Text that does not fit is dropped, cut at a Unicode scalar boundary so that
/// what was written stays valid UTF-8, and everything written after a cut is dropped too (the
/// text never has a hole in it): ``isTruncated`` and ``droppedByteCount`` say so, and
/// ``checkNotTruncated()`` turns it into ``InterprocessError/Code/insufficientSpace``.
/// (`TextOutputStream.write` cannot throw.)
///
/// **End of text.** A NUL follows the text when there is room, so ``RegionTextReader``
/// (which stops at the first zero byte) in another process sees where it ends.
///
/// The stream keeps a raw pointer: the memory must outlive it.
public struct RegionTextStream: TextOutputStream {
    /// The first byte of the region.
    public let baseAddress: UnsafeMutableRawPointer
    /// The region's size in bytes.
    public let count: Int
    /// Where the next byte goes: the text written so far is `[0, position)` (from the start
    /// position given to the initializer).
    public private(set) var position: Int
    /// Bytes dropped because they did not fit.
    public private(set) var droppedByteCount: Int

    /// Whether any text was dropped.
    public var isTruncated: Bool { droppedByteCount > 0 }

    /// A stream over the `count` bytes at `baseAddress`, writing from `position`.
    ///
    /// - Precondition: `0 <= position <= count` (a programmer error traps).
    public init(over baseAddress: UnsafeMutableRawPointer, count: Int, startingAt position: Int = 0) {
        precondition(count >= 0 && position >= 0 && position <= count, "position \(position) is outside the region of \(count) bytes")
        self.baseAddress = baseAddress
        self.count = count
        self.position = position
        self.droppedByteCount = 0
    }

    /// Appends `string`'s UTF-8, or as much of it as fits (see the type's documentation).
    public mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            guard droppedByteCount == 0 else {
                droppedByteCount += utf8.count
                return
            }
            var take = Swift.min(count - position, utf8.count)
            if take < utf8.count {
                // Back up to the start of the scalar that does not fit whole.
                while take > 0 && utf8[take] & 0xC0 == 0x80 { take -= 1 }
                droppedByteCount += utf8.count - take
            }
            if take > 0 {
                (baseAddress + position).copyMemory(from: utf8.baseAddress!, byteCount: take)
                position += take
            }
            if position < count { baseAddress.storeBytes(of: 0, toByteOffset: position, as: UInt8.self) }
        }
    }

    /// Throws ``InterprocessError/Code/insufficientSpace`` if any text was dropped.
    public func checkNotTruncated() throws(InterprocessError) {
        guard isTruncated else { return }
        throw InterprocessError(.insufficientSpace, operation: "write text to region", name: nil,
                                reason: "\(droppedByteCount) bytes did not fit in the region of \(count) bytes")
    }
}
#endif
