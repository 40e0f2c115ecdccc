#if os(Linux)
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension MappedArray {
    /// Elements per window: the window size over the stride, or the whole capacity.
    var windowElements: Int {
        guard let windowSize else { return Swift.max(knownCapacity, 1) }
        return Swift.max(1, windowSize / Self.stride)
    }

    /// Maps a window holding all of `range` (element indices within the capacity) unless the
    /// current one does: the whole file without a window size, else the window-aligned stretch
    /// that starts at or before `range` (longer when `range` is). Returns the address of element
    /// `range.lowerBound`.
    @usableFromInline
    mutating func mapWindow(covering range: Range<Int>) throws(InterprocessError) -> UnsafeMutablePointer<Element> {
        if range.lowerBound >= windowStart && range.upperBound <= windowEnd, let windowBase {
            return windowBase + (range.lowerBound - windowStart)
        }
        precondition(range.lowerBound >= 0 && range.upperBound <= knownCapacity, "range \(range) is outside the capacity \(knownCapacity)")
        let start: Int, end: Int
        if windowSize == nil {
            (start, end) = (0, knownCapacity)
        } else {
            let elements = windowElements
            start = range.lowerBound - range.lowerBound % elements
            end = Swift.min(knownCapacity, Swift.max(start + elements, range.upperBound))
        }
        // The old window goes first: the address space it held is free for the new one.
        unmapWindow()
        guard end > start else { return UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment)! }
        let region = try MappedRegion(descriptor: descriptor, offset: dataOffset + start * Self.stride,
                                      length: (end - start) * Self.stride, access: access, populate: false, label: label)
        let base = region.baseAddress.assumingMemoryBound(to: Element.self)
        mappings.window = consume region
        windowBase = base
        windowStart = start
        windowEnd = end
        return base + (range.lowerBound - start)
    }

    /// Advises the kernel about the window's elements `range` (indices inside the window).
    func adviseWindow(_ advice: MappedRegion.Advice, elements range: Range<Int>) {
        mappings.adviseWindow(advice, bytes: (range.lowerBound - windowStart) * Self.stride..<(range.upperBound - windowStart) * Self.stride)
    }

    /// Unmaps the current window, if any.
    mutating func unmapWindow() {
        mappings.window = nil
        windowBase = nil
        windowStart = 0
        windowEnd = 0
    }

    /// Makes the file hold at least `needed` elements: doubles the capacity (at least 64 KiB
    /// more), or for a raw file grows it to exactly `needed`; then publishes the capacity.
    mutating func grow(toHold needed: Int, operation: String) throws(InterprocessError) {
        guard needed > knownCapacity else { return }
        if isRaw {
            try checkedCall(operation, name: label) { ftruncate(descriptor, off_t(needed * Self.stride)) }
            knownCapacity = needed
        } else {
            let minimumStep = Swift.max(1, (64 << 10) / Self.stride)
            let doubled = knownCapacity > Int.max / 2 ? Int.max : knownCapacity * 2
            let capacity = Swift.max(needed, doubled, knownCapacity + minimumStep)
            let fileSize = try Self.fileSize(capacity: capacity, operation: operation, name: label)
            try SpaceReservation.size(descriptor, to: fileSize, policy: allocation == .reserved ? .reserve : .sparse,
                                      operation: operation, name: label)
            // Release: a reader that sees this capacity finds the file at least this long.
            MappedArrayLayout.word(.capacity, in: headerBase!).pointee.store(UInt64(capacity), ordering: .releasing)
            knownCapacity = capacity
        }
        if windowSize == nil { unmapWindow() }
    }

    /// Throws `readOnly` unless this handle is the writer.
    @usableFromInline
    func requireWriter(_ operation: String) throws(InterprocessError) {
        if access != .readWrite {
            throw InterprocessError(.readOnly, operation: operation, name: label, reason: "it was opened read-only")
        }
    }
}
#endif
