#if os(Linux)
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension MappedArray {
    /// Reads one element outside the window with `pread`, without moving the window (a
    /// subscript cannot throw, and a lone access is cheaper as one system call than as a remap).
    @usableFromInline
    func readOutsideWindow(_ index: Int) -> Element {
        let storage = UnsafeMutablePointer<Element>.allocate(capacity: 1)
        defer { storage.deallocate() }
        // Zeros for bytes past the end of a file another process shortened under this handle,
        // as a mapped access reads there (the truncation guard); `refresh()` reports it.
        UnsafeMutableRawPointer(storage).initializeMemory(as: UInt8.self, repeating: 0, count: Self.stride)
        do {
            try MappedArrayFile.read(descriptor, into: storage, count: Self.stride, at: dataOffset + index * Self.stride,
                                     operation: "read mapped array", name: label)
        } catch where error.code == .truncated {
            // Shortened under the handle: the zeros stand.
        } catch {
            // The element lies inside the checked count, so only an I/O error gets here.
            fatalError("\(error)")
        }
        return storage.pointee
    }

    /// Writes one element outside the window with `pwrite` (see ``readOutsideWindow(_:)``).
    @usableFromInline
    func writeOutsideWindow(_ index: Int, _ value: Element) {
        withUnsafeBytes(of: value) { bytes in
            do {
                try MappedArrayFile.write(descriptor, from: bytes.baseAddress!, count: Self.stride,
                                          at: dataOffset + index * Self.stride, operation: "write mapped array", name: label)
            } catch {
                fatalError("\(error)")
            }
        }
    }

    /// The append that must grow the file, move the window, or refuse (read-only handle).
    @usableFromInline
    mutating func appendOutsideWindow(_ element: Element) throws(InterprocessError) {
        let operation = "append to mapped array"
        try requireWriter(operation)
        if isRaw {
            try append(contentsOf: CollectionOfOne(element))
            return
        }
        let index = knownCount
        try grow(toHold: index + 1, operation: operation)
        let slot = try mapWindow(covering: index..<(index + 1))
        slot.pointee = element
        knownCount = index + 1
        countWord?.pointee.store(UInt64(index + 1), ordering: .releasing)
    }
}
#endif
