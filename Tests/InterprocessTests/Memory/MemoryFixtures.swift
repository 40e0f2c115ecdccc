import Dispatch
import Foundation
import Interprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// Helpers for the Memory tests: files in `/dev/shm`, temporary directories, hex, a Unix
/// domain socket to serve a peer on, and a peer run in the background.
enum MemoryFixtures {
    /// The file behind a named segment.
    static func shmPath(_ name: String) -> String { "/dev/shm/" + name }

    /// `stat` of a path, or nil if it does not exist.
    static func status(of path: String) -> stat? {
        var info = stat()
        return stat(path, &info) == 0 ? info : nil
    }

    /// The permission bits (`mode & 0o7777`) of a file, or nil if it does not exist.
    static func permissionBits(of path: String) -> mode_t? {
        status(of: path).map { $0.st_mode & 0o7777 }
    }

    /// Hex for bytes, lower case, as the peer prints it.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// A recognisable pattern of `count` bytes, different for each `seed`, with no zero bytes.
    static func pattern(_ count: Int, seed: UInt8) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) | 0x01 }
    }

    /// The bytes `range` of a region.
    static func read(_ region: borrowing MappedRegion, _ range: Range<Int>) -> [UInt8] {
        region.withUnsafeBytes { Array($0[range]) }
    }

    /// Writes `bytes` into a region at `offset`.
    static func write(_ bytes: [UInt8], to region: borrowing MappedRegion, at offset: Int) throws {
        try region.withUnsafeMutableBytes { buffer in
            for (index, byte) in bytes.enumerated() { buffer[offset + index] = byte }
        }
    }

    /// Reads `count` bytes at `offset` of a file with `pread`, bypassing any mapping.
    static func readFile(_ path: String, offset: Int, count: Int) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw TestFailure("open \(path): errno \(errno)") }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: count)
        let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset)) }
        guard got == count else { throw TestFailure("pread \(path): got \(got) of \(count) bytes, errno \(errno)") }
        return bytes
    }

    /// A whole small file, read until end of file (procfs files report a size of 0).
    static func readWholeFile(_ path: String) throws -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw TestFailure("open \(path): errno \(errno)") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw TestFailure("read \(path): errno \(errno)") }
            if got == 0 { return String(decoding: bytes, as: UTF8.self) }
            bytes += chunk[0..<got]
        }
    }

    /// The size of the object behind a descriptor, from `fstat`.
    static func fileSize(of descriptor: Int32) throws -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw TestFailure("fstat: errno \(errno)") }
        return Int(info.st_size)
    }

    /// Free bytes in `/dev/shm` for this user.
    static func sharedMemoryFreeBytes() throws -> Int {
        var stats = statvfs()
        guard statvfs("/dev/shm", &stats) == 0 else { throw TestFailure("statvfs /dev/shm: errno \(errno)") }
        return Int(stats.f_bavail) * Int(stats.f_frsize)
    }

    /// A new private directory under the system's temporary directory. Call ``remove()``
    /// (in a `defer`) to delete it and everything in it.
    struct TemporaryDirectory {
        let path: String

        init() throws {
            var base = NSTemporaryDirectory()
            while base.count > 1, base.hasSuffix("/") { base.removeLast() }
            var template = Array((base + "/ipctest-memory-XXXXXX").utf8CString)
            guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
                throw TestFailure("mkdtemp failed: errno \(errno)")
            }
            path = String(cString: made)
        }

        /// A path inside the directory.
        func file(_ name: String) -> String { path + "/" + name }

        func remove() { try? FileManager.default.removeItem(atPath: path) }
    }

    /// A listening Unix domain stream socket; closed and unlinked when it goes away.
    struct UnixListener: ~Copyable {
        let descriptor: Int32
        let path: String

        init(path: String) throws {
            let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { throw TestFailure("socket: errno \(errno)") }
            var address = MemoryFixtures.socketAddress(path)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard bound == 0, listen(descriptor, 4) == 0 else {
                let error = errno
                close(descriptor)
                throw TestFailure("bind/listen \(path): errno \(error)")
            }
            self.descriptor = descriptor
            self.path = path
        }

        /// Accepts one connection, waiting at most `timeout` seconds for it.
        func accept(timeout: Int32 = 30) throws -> Int32 {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, timeout * 1000)
            guard ready == 1 else { throw TestFailure("no connection on \(path) within \(timeout) s") }
            let connection = Glibc.accept(descriptor, nil, nil)
            guard connection >= 0 else { throw TestFailure("accept: errno \(errno)") }
            // Keep it out of processes spawned later.
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            return connection
        }

        deinit {
            close(descriptor)
            unlink(path)
        }
    }

    static func socketAddress(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        precondition(bytes.count < MemoryLayout.size(ofValue: address.sun_path), "socket path too long")
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        return address
    }
}
