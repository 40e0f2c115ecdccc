#if os(Linux)
#if canImport(Glibc)
public import Glibc
#elseif canImport(Musl)
public import Musl
#endif

/// A C `FILE *` over a fixed region of memory — a ``MappedRegion``, a ``Segment``'s body, a
/// block of a ``ManagedSegment`` — so that C code (`fprintf`, `fputs`, `fread`, `fseek`) reads
/// and writes shared memory directly. Built with `fopencookie`.
///
/// ```swift
/// let memory = try SharedMemory(create: "report", size: 4096)
/// try MemoryFILE.withFILE(over: memory.region.baseAddress, count: memory.size, mode: .write) { file in
///     fputs("temperature 21.5\n", file)
///     c_library_log_to(file)          // any C function that takes a FILE *
/// }
/// // another process reads the text with RegionTextReader.
/// ```
///
/// **Bounds.** Reads stop at the region's end. A write that runs past it is cut short: the
/// bytes that fit are written, the stream's error flag is set (`fprintf` returns -1), and
/// ``isTruncated`` becomes true (``close()`` then throws ``InterprocessError/Code/insufficientSpace``).
/// A NUL follows the written bytes when there is room, so a reader that stops at the first zero
/// byte sees where the text ends. `fseek` accepts positions in 0...count only (EINVAL
/// otherwise); `SEEK_END` counts from the end of what was written, as `fmemopen` does.
///
/// **Buffering.** stdio buffers writes: other processes see them after `fflush` (or
/// ``flush()``, or closing).
///
/// The region must outlive the stream: prefer ``withFILE(over:count:mode:_:)``, which closes it.
public struct MemoryFILE: ~Copyable {
    /// How the stream is opened.
    public enum Mode: String, Sendable {
        /// Read from the start (`"r"`).
        case read = "r"
        /// Write from the start (`"w"`; nothing is cleared beforehand).
        case write = "w"
        /// Read and write from the start (`"r+"`).
        case readWrite = "r+"
    }

    /// The C stream: pass it to any function that takes a `FILE *`. Valid until ``close()``
    /// or until this value goes away.
    public let file: UnsafeMutablePointer<FILE>
    /// The shim's cookie: where the stream is in the region.
    private let cookie: UnsafeMutableRawPointer

    /// Opens a stream over the `count` bytes at `base`, which must stay valid until the stream
    /// is closed.
    ///
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a negative count;
    ///   `systemError` if stdio cannot allocate the stream.
    public init(over base: UnsafeMutableRawPointer, count: Int, mode: Mode) throws(InterprocessError) {
        guard count >= 0 else {
            throw InterprocessError(.invalidArgument, operation: "open memory FILE", name: nil, reason: "the count must not be negative (got \(count))")
        }
        let cookie = RegionFileCookie.make(base: base, capacity: count)
        guard let file = RegionFileCookie.open(cookie, mode: mode.rawValue) else {
            let error = currentErrno
            RegionFileCookie.free(cookie)
            throw InterprocessError.system(error, operation: "open memory FILE", name: nil)
        }
        self.file = file
        self.cookie = cookie
    }

    /// Opens a stream over `buffer`, calls `body` with it, and closes it (flushing what `body`
    /// wrote); returns what `body` returns.
    ///
    /// - Throws: ``InterprocessError/Code/insufficientSpace`` if a write was cut short at the
    ///   region's end (what fit stays written); what `body` throws.
    public static func withFILE<Result>(
        over base: UnsafeMutableRawPointer, count: Int, mode: Mode,
        _ body: (UnsafeMutablePointer<FILE>) throws(InterprocessError) -> Result
    ) throws(InterprocessError) -> Result {
        let stream = try MemoryFILE(over: base, count: count, mode: mode)
        let result: Result
        do {
            result = try body(stream.file)
        } catch {
            _ = try? stream.close()
            throw error
        }
        try stream.close()
        return result
    }

    /// Where the next read or write happens, after flushing stdio's buffer.
    public var position: Int {
        fflush(file)
        return RegionFileCookie.position(cookie)
    }

    /// The end of what was written, after flushing stdio's buffer.
    public var length: Int {
        fflush(file)
        return RegionFileCookie.length(cookie)
    }

    /// Whether a write was cut short at the region's end (after flushing stdio's buffer).
    public var isTruncated: Bool {
        fflush(file)
        return RegionFileCookie.isTruncated(cookie)
    }

    /// Writes stdio's buffer into the region.
    ///
    /// - Throws: ``InterprocessError/Code/insufficientSpace`` if a write was cut short.
    public func flush() throws(InterprocessError) {
        fflush(file)
        try checkTruncation(operation: "flush memory FILE")
    }

    /// Flushes and closes the stream.
    ///
    /// - Throws: ``InterprocessError/Code/insufficientSpace`` if a write was cut short at the
    ///   region's end (what fit is written).
    public consuming func close() throws(InterprocessError) {
        fclose(file)
        let truncated = RegionFileCookie.isTruncated(cookie)
        let length = RegionFileCookie.length(cookie)
        RegionFileCookie.free(cookie)
        discard self
        if truncated {
            throw InterprocessError(.insufficientSpace, operation: "close memory FILE", name: nil,
                                    reason: "writes ran past the region's end; the first \(length) bytes were written")
        }
    }

    deinit {
        fclose(file)
        RegionFileCookie.free(cookie)
    }

    private func checkTruncation(operation: String) throws(InterprocessError) {
        if RegionFileCookie.isTruncated(cookie) {
            throw InterprocessError(.insufficientSpace, operation: operation, name: nil,
                                    reason: "writes ran past the region's end; the first \(RegionFileCookie.length(cookie)) bytes were written")
        }
    }
}
#endif
