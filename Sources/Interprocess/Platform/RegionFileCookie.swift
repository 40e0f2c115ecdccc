#if os(Linux)
import CInterprocessShim

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The C side of ``MemoryFILE``: a `fopencookie` stream whose read, write and seek functions
/// (in the C shim) work on a fixed region, and the cookie they share, allocated here.
enum RegionFileCookie {
    /// A new cookie for the `capacity` bytes at `base`, positioned at 0 with nothing written.
    static func make(base: UnsafeMutableRawPointer, capacity: Int) -> UnsafeMutableRawPointer {
        let cookie = UnsafeMutablePointer<ipc_region_cookie>.allocate(capacity: 1)
        cookie.initialize(to: ipc_region_cookie(
            base: base.assumingMemoryBound(to: UInt8.self), capacity: capacity, position: 0, length: 0, truncated: 0))
        return UnsafeMutableRawPointer(cookie)
    }

    /// Opens a stdio stream over the cookie's region; nil with errno on failure.
    static func open(_ cookie: UnsafeMutableRawPointer, mode: String) -> UnsafeMutablePointer<FILE>? {
        ipc_region_file_open(cookie.assumingMemoryBound(to: ipc_region_cookie.self), mode)
    }

    /// Where the next read or write happens (what stdio has flushed).
    static func position(_ cookie: UnsafeMutableRawPointer) -> Int {
        cookie.assumingMemoryBound(to: ipc_region_cookie.self).pointee.position
    }

    /// The end of what was written.
    static func length(_ cookie: UnsafeMutableRawPointer) -> Int {
        cookie.assumingMemoryBound(to: ipc_region_cookie.self).pointee.length
    }

    /// Whether a write was cut short at the region's end.
    static func isTruncated(_ cookie: UnsafeMutableRawPointer) -> Bool {
        cookie.assumingMemoryBound(to: ipc_region_cookie.self).pointee.truncated != 0
    }

    /// Frees a cookie whose stream is closed.
    static func free(_ cookie: UnsafeMutableRawPointer) {
        cookie.assumingMemoryBound(to: ipc_region_cookie.self).deallocate()
    }
}
#endif
