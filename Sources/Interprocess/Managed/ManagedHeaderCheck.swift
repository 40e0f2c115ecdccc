#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The one place a managed header's sizes are read and checked before anything is mapped or
/// walked: a segment whose words no correct peer could have written is
/// ``InterprocessError/Code/corrupt``.
enum ManagedHeaderCheck {
    /// The validated sizes.
    struct Fields {
        var maximumSize: Int
        var heapStart: Int
        var size: Int
        var initialSize: Int
    }

    /// Reads the managed header with `pread` (never through a mapping that could end early) and
    /// checks it against the file.
    static func read(descriptor: Int32, name: String, operation: String) throws(InterprocessError) -> Fields {
        var bytes = [UInt8](repeating: 0, count: ManagedLayout.binsOffset)
        let count = bytes.withUnsafeMutableBytes { buffer in
            retryingInterrupts { pread(descriptor, buffer.baseAddress, buffer.count, 0) }
        }
        guard case .success(let read) = count, read == bytes.count else {
            throw InterprocessError(.truncated, operation: operation, name: name, reason: "its managed header could not be read whole")
        }
        let fileSize = try SharedMemory.fileSize(of: descriptor, operation: operation, name: name)
        func word(_ offset: Int) -> UInt64 {
            bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        }
        func half(_ offset: Int) -> UInt32 {
            bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        }
        return try check(chunkSize: half(ManagedLayout.chunkSizeOffset), cacheCount: half(ManagedLayout.cacheCountOffset),
                         maximumSize: word(ManagedLayout.maximumSizeOffset), heapStart: word(ManagedLayout.heapStartOffset),
                         size: word(ManagedLayout.sizeOffset), initialSize: word(ManagedLayout.initialSizeOffset),
                         totalSize: word(SegmentHeader.Field.totalSize.offset), fileSize: fileSize, name: name, operation: operation)
    }

    /// Checks the managed header's words against each other and the file's size.
    static func check(
        chunkSize: UInt32, cacheCount: UInt32, maximumSize: UInt64, heapStart: UInt64, size: UInt64, initialSize: UInt64,
        totalSize: UInt64, fileSize: Int, name: String, operation: String
    ) throws(InterprocessError) -> Fields {
        func corrupt(_ reason: String) -> InterprocessError {
            InterprocessError(.corrupt, operation: operation, name: name, reason: reason)
        }
        guard chunkSize == UInt32(ManagedLayout.chunkSize), cacheCount == UInt32(ManagedLayout.cacheCount) else {
            throw corrupt("its managed header has chunk size \(chunkSize) and \(cacheCount) cache records; this layout has \(ManagedLayout.chunkSize) and \(ManagedLayout.cacheCount)")
        }
        let page = UInt64(MappedRegion.pageSize)
        guard maximumSize > 0, maximumSize <= UInt64(ManagedLayout.largestMaximumSize), maximumSize % page == 0 else {
            throw corrupt("its maximum size \(maximumSize) is not a whole number of pages up to \(ManagedLayout.largestMaximumSize)")
        }
        let maximum = Int(maximumSize)
        guard heapStart == UInt64(ManagedLayout.heapStart(maximumSize: maximum)) else {
            throw corrupt("its heap starts at \(heapStart); a maximum size of \(maximum) puts it at \(ManagedLayout.heapStart(maximumSize: maximum))")
        }
        guard initialSize == totalSize, initialSize >= UInt64(ManagedLayout.minimumSize(maximumSize: maximum)) else {
            throw corrupt("its initial size \(initialSize) disagrees with its segment header (\(totalSize)) or is below the smallest segment")
        }
        guard size >= initialSize, size <= maximumSize, size % page == 0 else {
            throw corrupt("its size word is \(size), outside \(initialSize)...\(maximumSize) or not a whole number of pages")
        }
        guard size <= UInt64(fileSize) else {
            throw corrupt("its size word is \(size), but the file has only \(fileSize) bytes")
        }
        return Fields(maximumSize: maximum, heapStart: Int(heapStart), size: Int(size), initialSize: Int(initialSize))
    }
}
#endif
