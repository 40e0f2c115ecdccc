#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension MappedRegion {
    /// How ``flush(_:mode:)`` waits for the write-back.
    public enum FlushMode: Sendable, Hashable {
        /// Returns once the pages are written to the file (`MS_SYNC`).
        case synchronous
        /// Schedules the write-back and returns at once (`MS_ASYNC`).
        case asynchronous
    }

    /// Writes modified pages back to the underlying file: the whole region, or the pages
    /// covering `range` (byte offsets from ``baseAddress``).
    ///
    /// Shared memory has no file behind it to write to; flushing it is allowed and does nothing.
    public func flush(_ range: Range<Int>? = nil, mode: FlushMode = .synchronous) throws(InterprocessError) {
        let pages = try pageRange(covering: range, operation: "flush")
        let flags = mode == .synchronous ? MS_SYNC : MS_ASYNC
        try checkedCall("flush", name: label) { msync(pages.start, pages.length, flags) }
    }
}
#endif
