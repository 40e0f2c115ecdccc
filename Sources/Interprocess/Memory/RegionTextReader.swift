#if os(Linux)
/// Reads text and bytes back from a fixed region of memory: the reading counterpart of
/// ``RegionTextStream`` and ``MemoryFILE``. The text ends at the first zero byte (or at the
/// region's end), so a zero-filled region reads as empty.
///
/// ```swift
/// let memory = try SharedMemory(open: "status")
/// var reader = RegionTextReader(over: UnsafeRawPointer(memory.region.baseAddress), count: memory.size)
/// for line in reader { print(line) }       // or reader.next(), reader.read(upTo:)
/// ```
///
/// It keeps a raw pointer: the memory must outlive it. It reads what is there when it is
/// created; text another process writes meanwhile may be seen partly.
public struct RegionTextReader: Sequence, IteratorProtocol {
    /// The first byte of the region.
    public let baseAddress: UnsafeRawPointer
    /// Where the text ends: the first zero byte at or after the start position, or the region's end.
    public let end: Int
    /// Where the next read starts.
    public private(set) var position: Int

    /// A reader of the text in the `count` bytes at `baseAddress`, from `position`.
    ///
    /// - Precondition: `0 <= position <= count` (a programmer error traps).
    public init(over baseAddress: UnsafeRawPointer, count: Int, startingAt position: Int = 0) {
        precondition(count >= 0 && position >= 0 && position <= count, "position \(position) is outside the region of \(count) bytes")
        self.baseAddress = baseAddress
        self.position = position
        let bytes = UnsafeRawBufferPointer(start: baseAddress, count: count)
        end = bytes[position...].firstIndex(of: 0) ?? count
    }

    /// Whether everything up to ``end`` was read.
    public var isAtEnd: Bool { position >= end }

    /// The next line, without its `\n`; nil at the end of the text. A last line without a
    /// `\n` is returned too. Invalid UTF-8 is repaired (U+FFFD), as `String(decoding:)` does.
    public mutating func next() -> String? {
        guard position < end else { return nil }
        let rest = UnsafeRawBufferPointer(start: baseAddress + position, count: end - position)
        let lineEnd = rest.firstIndex(of: UInt8(ascii: "\n"))
        let line = String(decoding: rest[..<(lineEnd ?? rest.count)], as: UTF8.self)
        position += (lineEnd.map { $0 + 1 }) ?? rest.count
        return line
    }

    /// The next `maximum` bytes of the text at most (fewer at its end).
    public mutating func read(upTo maximum: Int) -> [UInt8] {
        let count = Swift.max(0, Swift.min(maximum, end - position))
        defer { position += count }
        return Array(UnsafeRawBufferPointer(start: baseAddress + position, count: count))
    }

    /// The rest of the text.
    public mutating func readToEnd() -> String {
        String(decoding: read(upTo: end - position), as: UTF8.self)
    }
}
#endif
