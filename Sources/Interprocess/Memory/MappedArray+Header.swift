#if os(Linux)
internal import SystemPackage
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension MappedArray {
    /// Reads the count the writer published (and the capacity and the file's size), checks them,
    /// and returns the count; a reader calls it to see what was appended since it opened. For a
    /// raw file, the count is the file's size over the element stride.
    ///
    /// - Throws: `corrupt` for a count beyond the capacity or a capacity beyond the file (nothing
    ///   is read past the file), `invalidArgument` for a raw file that is not a whole number of elements.
    @discardableResult
    public mutating func refresh() throws(InterprocessError) -> Int {
        let operation = "refresh mapped array"
        // The header before the file's size: a writer grows the file before it publishes the
        // new capacity, so a size read after the capacity covers it (read before, a capacity
        // published in between would look larger than the file).
        let header: (count: UInt64, capacity: UInt64)? = isRaw ? nil : {
            let page = headerBase!
            // Count first: its acquire orders the capacity load after the writer's growth.
            let countValue = MappedArrayLayout.word(.count, in: page).pointee.load(ordering: .acquiring)
            return (countValue, MappedArrayLayout.word(.capacity, in: page).pointee.load(ordering: .acquiring))
        }()
        let fileSize = try SharedMemory.fileSize(of: descriptor, operation: operation, name: label)
        // Shorter than what this handle maps: another process truncated it. The pages past the
        // end read as zeros here (the truncation guard), so the header can no longer be trusted.
        let mapped = (isRaw ? 0 : MappedArrayLayout.dataOffset) + (isRaw ? knownCount : knownCapacity) * Self.stride
        guard fileSize >= mapped else {
            throw InterprocessError(.truncated, operation: operation, name: label,
                                    reason: "its file was truncated by another process to \(fileSize) bytes, shorter than the \(mapped) bytes this handle maps")
        }
        let count: Int, capacity: Int
        if let header {
            try MappedArrayLayout.checkCounts(count: header.count, capacity: header.capacity, elementSize: Self.stride,
                                              fileSize: fileSize, name: label, operation: operation)
            (count, capacity) = (Int(header.count), Int(header.capacity))
        } else {
            guard fileSize % Self.stride == 0 else {
                throw InterprocessError(.invalidArgument, operation: operation, name: label,
                                        reason: "its \(fileSize) bytes are not a whole number of \(Self.stride)-byte elements")
            }
            (count, capacity) = (fileSize / Self.stride, fileSize / Self.stride)
        }
        if capacity != knownCapacity && (windowSize == nil || windowEnd > capacity) { unmapWindow() }
        knownCount = count
        knownCapacity = capacity
        return count
    }

    /// Checks the creation arguments; throws `invalidArgument` naming the one out of range.
    static func checkArguments(capacity: Int, windowSize: Int?, operation: String, name: String) throws(InterprocessError) {
        guard capacity >= 0 else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the capacity must be 0 or more (got \(capacity))")
        }
        try checkElement(windowSize: windowSize, operation: operation, name: name)
    }

    /// Checks that `Element` can live in a file of this layout and that a window holds one.
    static func checkElement(windowSize: Int?, operation: String, name: String) throws(InterprocessError) {
        guard MemoryLayout<Element>.stride > 0, MemoryLayout<Element>.alignment <= MappedArrayLayout.dataOffset else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "elements must be at least 1 byte and aligned to at most \(MappedArrayLayout.dataOffset) bytes")
        }
        if let windowSize, windowSize < stride {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "the window size must hold at least one \(stride)-byte element (got \(windowSize))")
        }
    }

    /// The size of a file with room for `capacity` elements after the header page.
    static func fileSize(capacity: Int, operation: String, name: String) throws(InterprocessError) -> Int {
        let (bytes, overflow) = capacity.multipliedReportingOverflow(by: stride)
        guard !overflow, bytes <= Int(Int64.max) - MappedArrayLayout.dataOffset else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "\(capacity) elements of \(stride) bytes do not fit in a file")
        }
        return MappedArrayLayout.dataOffset + bytes
    }

    /// Opens the file for `access` and checks the arguments every open shares.
    static func openDescriptor(
        _ path: FilePath, access: MappedRegion.Access, windowSize: Int?, operation: String
    ) throws(InterprocessError) -> Int32 {
        guard access != .copyOnWrite else {
            throw InterprocessError(.invalidArgument, operation: operation, name: path.string,
                                    reason: "an array is opened read-write or read-only (copy-on-write would hide the writer's appends)")
        }
        try checkElement(windowSize: windowSize, operation: operation, name: path.string)
        let flags = (access == .readWrite ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW
        let descriptor = try checkedValue(operation, name: path.string) { open(path.string, flags) }
        do throws(InterprocessError) {
            try SharedMemory.requireRegularFile(descriptor, operation: operation, name: path.string)
        } catch {
            close(descriptor)
            throw error
        }
        return descriptor
    }

    /// Writes a new file's header page: the segment header (ready), the element description,
    /// the capacity and a count of 0.
    static func writeNewHeader(
        _ descriptor: Int32, capacity: Int, fileSize: Int, operation: String, name: String
    ) throws(InterprocessError) {
        var realtime = timespec()
        clock_gettime(CLOCK_REALTIME, &realtime)
        let header = SegmentHeader(
            kind: .mappedArray, kindVersion: MappedArrayLayout.version, totalSize: fileSize, creator: .current,
            createdAt: UInt64(realtime.tv_sec) &* 1_000_000_000 &+ UInt64(realtime.tv_nsec))
        let page = UnsafeMutableRawBufferPointer.allocate(byteCount: MappedArrayLayout.dataOffset, alignment: 16)
        defer { page.deallocate() }
        page.initializeMemory(as: UInt8.self, repeating: 0)
        header.encodeAllButState(into: page)
        page.storeBytes(of: SegmentHeader.State.ready.rawValue.littleEndian, toByteOffset: SegmentHeader.Field.state.offset, as: UInt32.self)
        MappedArrayLayout.encode(.of(Element.self), into: page.baseAddress!)
        page.storeBytes(of: UInt64(capacity).littleEndian, toByteOffset: MappedArrayLayout.Field.capacity.offset, as: UInt64.self)
        try MappedArrayFile.write(descriptor, from: page.baseAddress!, count: page.count, at: 0, operation: operation, name: name)
    }

    /// Maps the header page, checks it (the element description, then the counts), and for a
    /// writer takes the writer's lock and records itself.
    mutating func attachHeader(operation: String) throws(InterprocessError) {
        let fileSize = try SharedMemory.fileSize(of: descriptor, operation: operation, name: label)
        guard fileSize >= MappedArrayLayout.dataOffset else {
            throw InterprocessError(.truncated, operation: operation, name: label,
                                    reason: "it is \(fileSize) bytes, shorter than the \(MappedArrayLayout.dataOffset)-byte array header")
        }
        let page = try MappedRegion(descriptor: descriptor, offset: 0, length: MappedArrayLayout.dataOffset,
                                    access: access, populate: false, label: label)
        let base = page.baseAddress
        mappings.header = consume page
        headerBase = base
        try MappedArrayLayout.checkDescription(in: base, expected: .of(Element.self), name: label, operation: operation)
        let writerWord = MappedArrayLayout.word(.writer, in: base)
        if access == .readWrite {
            if !wasCreated {
                try MappedArrayFile.lockWriter(descriptor, at: MappedArrayLayout.Field.writer.offset, operation: operation,
                                               name: label) {
                    let word = writerWord.pointee.load(ordering: .relaxed)
                    return word == 0 ? "another handle" : "process \(PackedProcessIdentity.claimWord.pid(of: word))"
                }
            }
            writerWord.pointee.store(PackedProcessIdentity.claimWord.pack(CachedProcessIdentity.current), ordering: .relaxed)
            isWriter = true
            countWord = MappedArrayLayout.word(.count, in: base)
        }
        knownCapacity = -1  // whatever the header says differs: refresh() sets it.
        try refresh()
    }
}
#endif
