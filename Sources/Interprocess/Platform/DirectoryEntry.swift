#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reading the entries `readdir` returns.
enum DirectoryEntry {
    /// The file name of `entry`, read in place up to its NUL.
    ///
    /// Not `withUnsafeBytes(of: entry.pointee.d_name)`: that copies the whole 256-byte array, but
    /// the kernel sizes each record to its name, so the copy reads past the end of a short
    /// record at the end of `readdir`'s buffer (AddressSanitizer: heap-buffer-overflow).
    static func name(of entry: UnsafeMutablePointer<dirent>) -> String {
        let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        return String(cString: (UnsafeRawPointer(entry) + offset).assumingMemoryBound(to: CChar.self))
    }
}
#endif
