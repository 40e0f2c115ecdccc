#if os(Linux)
public import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension MappedArray {
    /// The element at `index`, read or written in place when it lies in the mapped window, else
    /// with one `pread`/`pwrite`. An index outside `0 ..< count` is a programmer error and traps,
    /// as does writing through a read-only handle.
    ///
    /// - Complexity: O(1); no system call inside the window (the whole file by default).
    @inlinable
    public subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < knownCount, "index \(index) is outside the mapped array's 0..<\(knownCount)")
            if index >= windowStart && index < windowEnd {
                return windowBase.unsafelyUnwrapped[index &- windowStart]
            }
            return readOutsideWindow(index)
        }
        set {
            precondition(index >= 0 && index < knownCount, "index \(index) is outside the mapped array's 0..<\(knownCount)")
            precondition(access == .readWrite, "the mapped array was opened read-only")
            if index >= windowStart && index < windowEnd {
                windowBase.unsafelyUnwrapped[index &- windowStart] = newValue
                return
            }
            writeOutsideWindow(index, newValue)
        }
    }

    /// Appends `element` and publishes the new count (a release store after the element),
    /// growing the file when it is full.
    ///
    /// - Throws: `readOnly` for a read-only handle; `insufficientSpace` when the file cannot grow.
    /// - Complexity: amortized O(1); no system call while the file has room (inside the window).
    @inlinable
    public mutating func append(_ element: Element) throws(InterprocessError) {
        let index = knownCount
        if index >= windowStart && index < windowEnd, let countWord {
            windowBase.unsafelyUnwrapped[index &- windowStart] = element
            knownCount = index &+ 1
            countWord.pointee.store(UInt64(index &+ 1), ordering: .releasing)
            return
        }
        try appendOutsideWindow(element)
    }

    /// Appends `elements`, then publishes the new count once.
    ///
    /// - Throws: as ``append(_:)``.
    public mutating func append(contentsOf elements: some Sequence<Element>) throws(InterprocessError) {
        let operation = "append to mapped array"
        try requireWriter(operation)
        if isRaw {
            // A raw file grows by exactly what is appended: one resize for the batch.
            let batch = Array(elements)
            guard !batch.isEmpty else { return }
            let start = knownCount
            try grow(toHold: start + batch.count, operation: operation)
            let descriptor = descriptor, label = label
            try batch.withUnsafeBytes { bytes in
                Result { () throws(InterprocessError) in
                    try MappedArrayFile.write(descriptor, from: bytes.baseAddress!, count: bytes.count,
                                              at: start * Self.stride, operation: operation, name: label)
                }
            }.get()
            knownCount = start + batch.count
            return
        }
        try reserveCapacity(knownCount + elements.underestimatedCount)
        var index = knownCount
        for element in elements {
            if !(index >= windowStart && index < windowEnd) {
                try grow(toHold: index + 1, operation: operation)
                _ = try mapWindow(covering: index..<(index + 1))
            }
            windowBase.unsafelyUnwrapped[index - windowStart] = element
            index += 1
        }
        knownCount = index
        countWord?.pointee.store(UInt64(index), ordering: .releasing)
    }

    /// Makes room for at least `minimumCapacity` elements now (the file grows to hold them).
    ///
    /// - Throws: `readOnly`; `insufficientSpace`; `invalidArgument` for a size no file can have.
    public mutating func reserveCapacity(_ minimumCapacity: Int) throws(InterprocessError) {
        let operation = "reserve capacity of mapped array"
        try requireWriter(operation)
        if !isRaw { try grow(toHold: minimumCapacity, operation: operation) }
    }

    /// Calls `body` with the elements of `range` in place, as a `Span` over one mapping (the
    /// window moves to hold the range; a range longer than the window is mapped whole).
    ///
    /// ```swift
    /// let total = try array.withSpan(0..<1024) { span in
    ///     (0..<span.count).reduce(0) { $0 + span[$1] }
    /// }
    /// ```
    ///
    /// - Throws: what `body` throws; a mapping failure (`resourceLimit` when the address space is short).
    public mutating func withSpan<R>(
        _ range: Range<Int>, _ body: (Span<Element>) throws(InterprocessError) -> R
    ) throws(InterprocessError) -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= knownCount, "range \(range) is outside the mapped array's 0..<\(knownCount)")
        let base = try mapWindow(covering: range)
        return try body(UnsafeBufferPointer(start: base, count: range.count).span)
    }

    /// Calls `body` with the elements of `range` in place, writable, as a `MutableSpan` over one
    /// mapping (as ``withSpan(_:_:)``).
    ///
    /// - Throws: `readOnly` for a read-only handle; what `body` throws; a mapping failure.
    public mutating func withMutableSpan<R>(
        _ range: Range<Int>, _ body: (inout MutableSpan<Element>) throws(InterprocessError) -> R
    ) throws(InterprocessError) -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= knownCount, "range \(range) is outside the mapped array's 0..<\(knownCount)")
        try requireWriter("write to mapped array")
        let base = try mapWindow(covering: range)
        var span = UnsafeMutableBufferPointer(start: base, count: range.count).mutableSpan
        return try body(&span)
    }

    /// Calls `body` with each element of `range` (default: all), in order, reading window by
    /// window with sequential-scan advice: each stretch is advised `sequential` and `willNeed`
    /// before it is read and `dontNeed` once consumed, so a scan of a file larger than RAM keeps
    /// little of it resident (the data stays in the file).
    ///
    /// - Throws: what `body` throws; a mapping failure.
    public mutating func forEach(
        in range: Range<Int>? = nil, _ body: (Element) throws(InterprocessError) -> Void
    ) throws(InterprocessError) {
        let range = range ?? 0..<knownCount
        precondition(range.lowerBound >= 0 && range.upperBound <= knownCount, "range \(range) is outside the mapped array's 0..<\(knownCount)")
        let stretch = Swift.max(1, Self.scanStretch / Self.stride)
        var position = range.lowerBound
        while position < range.upperBound {
            let base = try mapWindow(covering: position..<(position + 1))
            let end = Swift.min(range.upperBound, position + stretch, windowEnd)
            adviseWindow(.sequential, elements: position..<end)
            adviseWindow(.willNeed, elements: position..<end)
            for offset in 0..<(end - position) { try body(base[offset]) }
            adviseWindow(.dontNeed, elements: position..<end)
            position = end
        }
    }

    /// Writes the elements and the header to the storage device (`fdatasync`): after it returns,
    /// what was appended and written survives a crash of the machine, not only of the process.
    /// The page cache already shares every write with other processes at once; this is for durability.
    public func flush() throws(InterprocessError) {
        try checkedCall("flush mapped array", name: label) { fdatasync(descriptor) }
    }

    /// How much a scan reads between advice calls.
    static var scanStretch: Int { 8 << 20 }
}
#endif
