import Interprocess

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `shm-open`, `shm-write`, `shm-read`, `shm-remove`: named shared memory, by name.
enum SharedMemoryCommands {
    /// `shm-remove NAME`: prints "removed".
    static func remove(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        try arguments.finish()
        try SharedMemory.remove(name)
        print("removed")
    }

    /// `shm-open NAME [read-only|read-write]`: prints "size N".
    static func open(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let access = try parseAccess(arguments.nextIfPresent())
        try arguments.finish()
        let memory = try SharedMemory(open: name, access: access)
        print("size \(memory.size)")
    }

    /// `shm-open-or-create NAME SIZE [START]`: prints "created N" or "opened N". With START (a
    /// `CLOCK_MONOTONIC` time in nanoseconds), waits until then, so several peers start together.
    static func openOrCreate(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let size = try arguments.nextInt("SIZE")
        let start = try arguments.nextIfPresent().map { text throws(UsageError) in
            guard let value = UInt64(text) else { throw UsageError("START must be nanoseconds (got '\(text)')") }
            return Deadline(nanoseconds: value)
        }
        try arguments.finish()
        if let start {
            var time = timespec(tv_sec: Int(start.nanoseconds / 1_000_000_000), tv_nsec: Int(start.nanoseconds % 1_000_000_000))
            while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &time, nil) == EINTR {}
        }
        let memory = try SharedMemory(openOrCreate: name, size: size)
        print("\(memory.wasCreated ? "created" : "opened") \(memory.size)")
    }

    /// `shm-write NAME OFFSET HEX`: prints "wrote N".
    static func write(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let offset = try arguments.nextInt("OFFSET")
        let bytes = try arguments.nextHex("HEX")
        try arguments.finish()
        let memory = try SharedMemory(open: name)
        try checkRange(offset: offset, count: bytes.count, size: memory.size)
        try memory.region.withUnsafeMutableBytes { buffer in
            buffer.baseAddress!.advanced(by: offset).copyMemory(from: bytes, byteCount: bytes.count)
        }
        print("wrote \(bytes.count)")
    }

    /// `shm-read NAME OFFSET COUNT [read-only]`: prints the bytes as hex.
    static func read(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let offset = try arguments.nextInt("OFFSET")
        let count = try arguments.nextInt("COUNT")
        let access = try parseAccess(arguments.nextIfPresent())
        try arguments.finish()
        let memory = try SharedMemory(open: name, access: access)
        try checkRange(offset: offset, count: count, size: memory.size)
        let hex = memory.region.withUnsafeBytes { Hex.encode($0[offset..<(offset + count)]) }
        print(hex)
    }

    static func parseAccess(_ text: String?) throws(UsageError) -> MappedRegion.Access {
        switch text {
        case nil, "read-write": return .readWrite
        case "read-only": return .readOnly
        case let other?: throw UsageError("access must be read-only or read-write (got '\(other)')")
        }
    }

    static func checkRange(offset: Int, count: Int, size: Int) throws(PeerFailure) {
        guard count <= size, offset <= size - count else {
            throw PeerFailure("\(count) bytes at offset \(offset) do not fit in \(size) bytes")
        }
    }
}
