import Interprocess
import SystemPackage

/// `file-write`, `file-read`: a window of a mapped file, at any offset.
enum MappedFileCommands {
    /// `file-write PATH OFFSET HEX`: maps exactly the window the bytes go to, writes, flushes,
    /// prints "wrote N".
    static func write(_ arguments: inout Arguments) throws {
        let path = try arguments.next("PATH")
        let offset = try arguments.nextInt("OFFSET")
        let bytes = try arguments.nextHex("HEX")
        try arguments.finish()
        let file = try MappedFile(open: FilePath(path), access: .readWrite, offset: offset, length: bytes.count)
        try file.region.withUnsafeMutableBytes { buffer in
            buffer.copyBytes(from: bytes)
        }
        try file.region.flush()
        print("wrote \(bytes.count)")
    }

    /// `file-read PATH OFFSET COUNT`: maps the window read-only and prints it as hex.
    static func read(_ arguments: inout Arguments) throws {
        let path = try arguments.next("PATH")
        let offset = try arguments.nextInt("OFFSET")
        let count = try arguments.nextInt("COUNT")
        try arguments.finish()
        let file = try MappedFile(open: FilePath(path), access: .readOnly, offset: offset, length: count)
        print(file.region.withUnsafeBytes { Hex.encode($0) })
    }
}
