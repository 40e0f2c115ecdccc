import Interprocess
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `memfd-receive`: anonymous shared memory received over a Unix domain socket.
enum AnonymousMemoryCommands {
    /// `memfd-receive SOCKET [--read OFFSET COUNT] [--try-resize] [--write OFFSET HEX]`
    static func receive(_ arguments: inout Arguments) throws {
        let socketPath = try arguments.next("SOCKET")
        var read: (offset: Int, count: Int)? = nil
        var write: (offset: Int, bytes: [UInt8])? = nil
        var tryResize = false
        while let option = arguments.nextIfPresent() {
            switch option {
            case "--read": read = (try arguments.nextInt("OFFSET"), try arguments.nextInt("COUNT"))
            case "--write": write = (try arguments.nextInt("OFFSET"), try arguments.nextHex("HEX"))
            case "--try-resize": tryResize = true
            default: throw UsageError("unknown option '\(option)'")
            }
        }

        let socket = try connect(to: socketPath)
        defer { close(socket) }
        let memory = try AnonymousSharedMemory(receivingFrom: FileDescriptor(rawValue: socket))
        print("size \(memory.size)")
        print("sealed \(memory.isSizeSealed)")
        if let read {
            try SharedMemoryCommands.checkRange(offset: read.offset, count: read.count, size: memory.size)
            print("read " + memory.region.withUnsafeBytes { Hex.encode($0[read.offset..<(read.offset + read.count)]) })
        }
        if tryResize {
            // Try to grow by a page; if that works, put the size back. Only if growing was
            // refused, try to shrink (to the same size less a page, so a mapping stays valid).
            let size = memory.size
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            if ftruncate(memory.descriptor.rawValue, off_t(size + page)) == 0 {
                guard ftruncate(memory.descriptor.rawValue, off_t(size)) == 0 else { throw PeerFailure.system("ftruncate back") }
                print("resize allowed")
            } else {
                let growErrno = errno
                if size > page, ftruncate(memory.descriptor.rawValue, off_t(size - page)) == 0 {
                    print("resize allowed (shrink)")
                } else {
                    let shrinkErrno = size > page ? errno : growErrno
                    print("resize refused " + (growErrno == EPERM && shrinkErrno == EPERM ? "EPERM" : "errno \(growErrno)/\(shrinkErrno)"))
                }
            }
        }
        if let write {
            try SharedMemoryCommands.checkRange(offset: write.offset, count: write.bytes.count, size: memory.size)
            try memory.region.withUnsafeMutableBytes { buffer in
                buffer.baseAddress!.advanced(by: write.offset).copyMemory(from: write.bytes, byteCount: write.bytes.count)
            }
            print("wrote \(write.bytes.count)")
        }
    }

    /// `managed-receive SOCKET`: receives an anonymous managed segment over the socket, prints
    /// its named UInt64 "greeting" ("greeting N"), then allocates 64 blocks of 100 bytes filled
    /// with 0xAB and constructs a named UInt64 array "reply" of their offsets; prints "replied".
    static func receiveManaged(_ arguments: inout Arguments) throws {
        let socketPath = try arguments.next("SOCKET")
        try arguments.finish()
        let socket = try connect(to: socketPath)
        defer { close(socket) }
        let segment = try ManagedSegment(receivingFrom: FileDescriptor(rawValue: socket))
        guard let (greeting, _) = try segment.find(UInt64.self, named: "greeting") else { throw PeerFailure("no greeting") }
        print("greeting \(try segment.pointer(to: greeting).pointee)")
        var blocks: [UInt64] = []
        for _ in 0..<64 {
            let block = try segment.allocate(byteCount: 100)
            try segment.pointer(at: block, byteCount: 100).initializeMemory(as: UInt8.self, repeating: 0xAB, count: 100)
            blocks.append(block.rawValue)
        }
        try segment.construct(UInt64.self, named: "reply", count: blocks.count) { blocks[$0] }
        print("replied")
    }

    /// A stream socket connected to the Unix domain socket at `path`.
    static func connect(to path: String) throws(PeerFailure) -> Int32 {
        let socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw .system("socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(socket)
            throw PeerFailure("socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: pathBytes)
        }
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                Glibc.connect(socket, address, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let failure = PeerFailure.system("connect to \(path)")
            close(socket)
            throw failure
        }
        return socket
    }
}
