#if os(Linux)
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The file format of a ``MappedArray`` with a header (kind 20, `mapped-array`), byte by byte in
/// `docs/FORMAT.md` ("Mapped array"); all fields little-endian, offsets from the start of the file.
///
/// The segment header (bytes 0..<128) is followed by the array's fixed description (element size
/// and alignment, where the elements start; checksummed) and, on a line of its own, the two words
/// the writer changes: `capacity` and `count`. The elements start at ``dataOffset`` (one 4 KiB
/// page, so a window of elements maps page-aligned on 4 KiB systems).
enum MappedArrayLayout {
    /// The array fields after the segment header: byte offsets and sizes.
    enum Field: String, CaseIterable {
        /// `MemoryLayout<Element>.stride` of the writer's element type.
        case elementSize
        /// `MemoryLayout<Element>.alignment` of the writer's element type.
        case elementAlignment
        /// Where element 0 starts: 4096.
        case dataOffset
        /// Reserved; 0.
        case reserved
        /// FNV-1a 64 of bytes 128..<160 (the four fields above).
        case layoutChecksum
        /// Elements the file has room for: `dataOffset + capacity × elementSize ≤ file size`.
        /// Stored (release) by the writer after the file has grown.
        case capacity
        /// Elements appended: stored (release) by the writer after the elements are written.
        case count
        /// The writer's packed identity (as a queue's claim word), 0 when none has opened it.
        case writer

        /// The field's byte offset from the start of the file.
        var offset: Int {
            switch self {
            case .elementSize: 128
            case .elementAlignment: 136
            case .dataOffset: 144
            case .reserved: 152
            case .layoutChecksum: 160
            case .capacity: 256
            case .count: 264
            case .writer: 272
            }
        }

        /// The field's size in bytes.
        var size: Int { 8 }
    }

    /// The kind version this library writes and reads.
    static let version: UInt32 = 1
    /// Where element 0 starts, and the size of the header page every handle keeps mapped.
    static let dataOffset = 4096
    /// The bytes ``Field/layoutChecksum`` covers.
    static let checksummedBytes = 128..<160

    /// The fixed description of the elements, as a header records it.
    struct Description: Equatable {
        var elementSize: UInt64
        var elementAlignment: UInt64
        var dataOffset: UInt64

        /// The description of `Element` as this library lays it out.
        static func of<Element: BitwiseCopyable>(_: Element.Type) -> Description {
            Description(elementSize: UInt64(MemoryLayout<Element>.stride),
                        elementAlignment: UInt64(MemoryLayout<Element>.alignment),
                        dataOffset: UInt64(MappedArrayLayout.dataOffset))
        }
    }

    /// Writes the description and its checksum into a new file's header page (zero-filled).
    static func encode(_ description: Description, into page: UnsafeMutableRawPointer) {
        func write(_ field: Field, _ value: UInt64) {
            page.storeBytes(of: value.littleEndian, toByteOffset: field.offset, as: UInt64.self)
        }
        write(.elementSize, description.elementSize)
        write(.elementAlignment, description.elementAlignment)
        write(.dataOffset, description.dataOffset)
        write(.reserved, 0)
        write(.layoutChecksum, checksum(UnsafeRawPointer(page)))
    }

    /// FNV-1a 64 of the checksummed bytes of a header page.
    static func checksum(_ page: UnsafeRawPointer) -> UInt64 {
        FNV1a.hash(UnsafeRawBufferPointer(start: page + checksummedBytes.lowerBound, count: checksummedBytes.count))
    }

    /// The atomic word of `field` in a mapped header page.
    static func word(_ field: Field, in page: UnsafeMutableRawPointer) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (page + field.offset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// The checked description of a header page: the one choke point every value read from a
    /// file's array header passes before use.
    ///
    /// - Throws: `corrupt` for a checksum that does not match or a data offset no writer
    ///   produces; `incompatibleConfiguration` when the file's elements are not `expected`'s.
    static func checkDescription(
        in page: UnsafeRawPointer, expected: Description, name: String, operation: String
    ) throws(InterprocessError) {
        func read(_ field: Field) -> UInt64 {
            UInt64(littleEndian: page.loadUnaligned(fromByteOffset: field.offset, as: UInt64.self))
        }
        let stored = read(.layoutChecksum), computed = checksum(page)
        guard stored == computed else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its array header checksum is 0x\(String(stored, radix: 16)), but the fields hash to 0x\(String(computed, radix: 16))")
        }
        guard read(.dataOffset) == UInt64(dataOffset) else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its elements start at byte \(read(.dataOffset)); this layout puts them at \(dataOffset)")
        }
        let found = Description(elementSize: read(.elementSize), elementAlignment: read(.elementAlignment),
                                dataOffset: read(.dataOffset))
        guard found == expected else {
            throw InterprocessError(.incompatibleConfiguration, operation: operation, name: name,
                                    reason: "its elements are \(found.elementSize) bytes aligned to \(found.elementAlignment); this array's are \(expected.elementSize) bytes aligned to \(expected.elementAlignment) (elementSize)")
        }
    }

    /// Checks a `count` and `capacity` read from a header against the file's size: the
    /// elements they claim must lie inside the file. Wrapping-free arithmetic: any word is safe.
    ///
    /// - Throws: `corrupt` naming the word that cannot be right.
    static func checkCounts(
        count: UInt64, capacity: UInt64, elementSize: Int, fileSize: Int, name: String, operation: String
    ) throws(InterprocessError) {
        let room = UInt64(max(0, fileSize - dataOffset)) / UInt64(elementSize)
        guard capacity <= room else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its capacity is \(capacity) elements, but the file of \(fileSize) bytes holds only \(room)")
        }
        guard count <= capacity else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its count is \(count) elements, beyond its capacity of \(capacity)")
        }
    }
}
#endif
