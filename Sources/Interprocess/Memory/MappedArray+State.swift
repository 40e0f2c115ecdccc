#if os(Linux)
public import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A snapshot of a ``MappedArray``'s file: what its header says (raw words included) and its writer.
public struct MappedArrayState: Sendable, Hashable, Codable {
    /// The file.
    public var path: String
    /// Whether the file is a plain binary file of elements (no header).
    public var isRaw: Bool
    /// The element size (stride) in bytes.
    public var elementSize: Int
    /// The element alignment in bytes.
    public var elementAlignment: Int
    /// The published count, as stored (for a raw file: the file's size over the element size).
    public var count: UInt64
    /// The capacity, as stored.
    public var capacity: UInt64
    /// The file's size in bytes.
    public var fileSize: Int
    /// The process that has (or last had) the array open for writing, and whether it lives;
    /// nil when no writer has it open.
    public var writer: QueueEndpointState?
    /// Why `count` or `capacity` cannot be trusted (beyond the file, damaged header); nil when they can.
    public var problem: String?

    /// Reads the snapshot of the array file at `path` without knowing its element type (what
    /// `interprocess inspect` shows).
    ///
    /// - Throws: `notFound`, `permissionDenied`, `foreignSegment`, `wrongKind`, `truncated`,
    ///   `incompatibleVersion` — a file that is no array at all. A damaged array header is
    ///   reported in ``problem`` instead.
    public init(path: FilePath) throws(InterprocessError) {
        let operation = "inspect mapped array"
        let descriptor = try checkedValue(operation, name: path.string) {
            open(path.string, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)
        }
        defer { close(descriptor) }
        try SharedMemory.requireRegularFile(descriptor, operation: operation, name: path.string)
        switch try SegmentValidation.read(descriptor: descriptor, name: path.string, operation: operation).outcome {
        case .valid(let header):
            try SegmentValidation.checkKind(header, kind: .mappedArray, kindVersion: nil, name: path.string, operation: operation)
        case .invalid(let error, _):
            throw error
        case .notYetWritten:
            throw InterprocessError(.foreignSegment, operation: operation, name: path.string, reason: "it has no segment header")
        }
        try self.init(headerOf: descriptor, path: path.string, operation: operation)
    }

    /// A snapshot of these values.
    init(path: String, isRaw: Bool, elementSize: Int, elementAlignment: Int, count: UInt64, capacity: UInt64,
         fileSize: Int, writer: QueueEndpointState?, problem: String?) {
        self.path = path
        self.isRaw = isRaw
        self.elementSize = elementSize
        self.elementAlignment = elementAlignment
        self.count = count
        self.capacity = capacity
        self.fileSize = fileSize
        self.writer = writer
        self.problem = problem
    }

    /// The snapshot of an array file whose segment header was checked.
    init(headerOf descriptor: Int32, path: String, operation: String) throws(InterprocessError) {
        let sizeBeforeHeader = try SharedMemory.fileSize(of: descriptor, operation: operation, name: path)
        guard sizeBeforeHeader >= MappedArrayLayout.dataOffset else {
            throw InterprocessError(.truncated, operation: operation, name: path,
                                    reason: "it is \(sizeBeforeHeader) bytes, shorter than the \(MappedArrayLayout.dataOffset)-byte array header")
        }
        let page = UnsafeMutableRawPointer.allocate(byteCount: MappedArrayLayout.dataOffset, alignment: 16)
        defer { page.deallocate() }
        try MappedArrayFile.read(descriptor, into: page, count: MappedArrayLayout.dataOffset, at: 0, operation: operation, name: path)
        // The size judged against the header is read after it: a writer grows the file before it
        // publishes the new capacity, so a size read first could look short of that capacity.
        let fileSize = try SharedMemory.fileSize(of: descriptor, operation: operation, name: path)
        func read(_ field: MappedArrayLayout.Field) -> UInt64 {
            UInt64(littleEndian: page.loadUnaligned(fromByteOffset: field.offset, as: UInt64.self))
        }
        self.path = path
        isRaw = false
        elementSize = Int(clamping: read(.elementSize))
        elementAlignment = Int(clamping: read(.elementAlignment))
        count = read(.count)
        capacity = read(.capacity)
        self.fileSize = fileSize
        writer = QueueEndpointState(claimWord: read(.writer))
        problem = nil
        if read(.layoutChecksum) != MappedArrayLayout.checksum(page) {
            problem = "its array header checksum does not match its fields"
        } else if elementSize < 1 || read(.dataOffset) != UInt64(MappedArrayLayout.dataOffset) {
            problem = "its element size \(elementSize) or data offset \(read(.dataOffset)) is not one this layout writes"
        } else {
            do {
                try MappedArrayLayout.checkCounts(count: count, capacity: capacity, elementSize: elementSize,
                                                  fileSize: fileSize, name: path, operation: operation)
            } catch {
                problem = error.reason
            }
        }
    }
}

extension MappedArray {
    /// A snapshot of the array's file as it is now (not this handle's view: see ``count``).
    ///
    /// - Throws: only when the file cannot be read (an I/O error, a file shortened below its header).
    public var state: MappedArrayState {
        get throws(InterprocessError) {
            let operation = "inspect mapped array"
            if isRaw {
                let fileSize = try SharedMemory.fileSize(of: descriptor, operation: operation, name: label)
                return MappedArrayState(
                    path: label, isRaw: true, elementSize: Self.stride, elementAlignment: MemoryLayout<Element>.alignment,
                    count: UInt64(fileSize / Self.stride), capacity: UInt64(fileSize / Self.stride), fileSize: fileSize,
                    writer: nil, problem: fileSize % Self.stride == 0 ? nil : "its size is not a whole number of elements")
            }
            return try MappedArrayState(headerOf: descriptor, path: label, operation: operation)
        }
    }
}
#endif
