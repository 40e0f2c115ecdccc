#if os(Linux)
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// Reads a libsharedmemory stream as the C++ `SharedMemoryReadStream` does, and tells new
/// values from ones already read.
///
/// "Unread" is the format's own notion: for version 2, `ack != revision` (a read stores the
/// revision it read into `ack`, so one reader's read marks the value read for every reader, as
/// in C++); for version 1, the flags byte (its change bit or its type) differs from the one this
/// reader last read — two writes of one type between reads toggle the bit back and look like none,
/// a limit of that format.
/// The C++ writer wakes nobody, so the waiting forms poll (spinning briefly, then sleeping from
/// 50 µs up to 1 ms between looks).
public struct LegacyStreamReader: Sendable {
    /// The stream read.
    public let stream: LegacyStream
    /// Version 1: the flags byte of the value this reader read last.
    var lastFlags: UInt8?

    init(_ stream: LegacyStream) { self.stream = stream }

    /// Whether the stream holds a value this reader (version 2: any reader) has not read.
    public var hasUnread: Bool {
        let storage = stream.storage
        switch stream.layout {
        case .version2:
            return storage.word32(LegacyStreamLayout.revisionOffset).pointee.load(ordering: .acquiring)
                != storage.word32(LegacyStreamLayout.ackOffset).pointee.load(ordering: .relaxed)
        case .version1:
            let flags = storage.flagsWord.pointee.load(ordering: .acquiring)
            guard flags & LegacyStreamLayout.typeBits != 0 else { return false }
            // The whole byte: a change of type shows even when two writes toggled the bit back.
            return flags != lastFlags
        }
    }

    /// The value the stream holds now, or nil if none was ever written; marks it read. Waits at
    /// most the stream's ``LegacyStream/lockTimeout`` for the lock word.
    ///
    /// - Throws: `timedOut` when the lock word stays set; `corrupt` for a flags byte with no
    ///   single type or a size past the segment's end.
    public mutating func read() throws(InterprocessError) -> LegacyValue? {
        try read(until: .after(stream.lockTimeout))
    }

    /// ``read()`` waiting until `deadline` for the lock word.
    public mutating func read(until deadline: Deadline) throws(InterprocessError) -> LegacyValue? {
        switch stream.layout {
        case .version2:
            return try stream.withLock(until: deadline, operation: "read libsharedmemory stream") { () throws(InterprocessError) in
                try readLocked()
            } ?? nil
        case .version1:
            return try readUnlocked()
        }
    }

    /// ``read()`` waiting at most `timeout` for the lock word.
    public mutating func read(timeout: Duration) throws(InterprocessError) -> LegacyValue? {
        try read(until: .after(timeout))
    }

    /// The value not read yet, or nil at once when there is none (or the lock word is set).
    public mutating func tryReceive() throws(InterprocessError) -> LegacyValue? {
        guard hasUnread else { return nil }
        switch stream.layout {
        case .version2:
            return try stream.withLock(until: nil, operation: "receive from libsharedmemory stream") { () throws(InterprocessError) in
                try readLocked()
            } ?? nil
        case .version1:
            return try readUnlocked()
        }
    }

    /// Waits until there is a value not read yet and reads it.
    ///
    /// - Throws: `timedOut` when none came (or the lock word stayed set) until `deadline`.
    public mutating func receive(until deadline: Deadline) throws(InterprocessError) -> LegacyValue {
        var pause: UInt32 = 50
        var spins = 0
        while true {
            if hasUnread {
                let remaining = deadline.remaining.map { Swift.min($0, stream.lockTimeout) } ?? stream.lockTimeout
                if let value = try read(until: .after(Swift.max(remaining, .zero))) { return value }
            }
            if deadline.hasPassed {
                throw InterprocessError(.timedOut, operation: "receive from libsharedmemory stream", name: stream.name,
                                        reason: "no new value was written before the deadline")
            }
            if spins < 4096 {
                spins += 1
                CPU.relax()
            } else {
                usleep(pause)
                pause = Swift.min(pause * 2, 1000)
            }
        }
    }

    /// Waits at most `timeout` for a value not read yet.
    public mutating func receive(timeout: Duration) throws(InterprocessError) -> LegacyValue {
        try receive(until: .after(timeout))
    }

    /// Waits for a value not read yet, without limit. Blocks the thread.
    @available(*, noasync, message: "blocks the thread; in async code use receive(until:) from a thread of your own")
    public mutating func receive() throws(InterprocessError) -> LegacyValue {
        try receive(until: .never)
    }

    // MARK: The reads

    /// Version 2, holding the lock.
    mutating func readLocked() throws(InterprocessError) -> LegacyValue? {
        let storage = stream.storage
        let flags = storage.flagsWord.pointee.load(ordering: .relaxed)
        let revision = storage.word32(LegacyStreamLayout.revisionOffset).pointee.load(ordering: .relaxed)
        guard let value = try decode(flags: flags) else { return nil }
        storage.word32(LegacyStreamLayout.ackOffset).pointee.store(revision, ordering: .relaxed)
        return value.value
    }

    /// Version 1: copy, then check that neither the flags nor the size moved meanwhile.
    mutating func readUnlocked() throws(InterprocessError) -> LegacyValue? {
        let storage = stream.storage
        for _ in 0..<64 {
            let flags = storage.flagsWord.pointee.load(ordering: .acquiring)
            guard let copy = try decode(flags: flags) else { return nil }
            atomicMemoryFence(ordering: .acquiring)
            let offsets = stream.layout.offsets(typeBit: flags & LegacyStreamLayout.typeBits)
            if storage.flagsWord.pointee.load(ordering: .relaxed) == flags,
               UInt32(littleEndian: storage.base.loadUnaligned(fromByteOffset: offsets.size, as: UInt32.self)) == copy.size {
                lastFlags = flags
                return copy.value
            }
        }
        throw InterprocessError(.timedOut, operation: "read libsharedmemory stream", name: stream.name,
                                reason: "the value changed under each of 64 reads (a version-1 stream has no lock)")
    }

    /// The value the flags byte and the size describe, copied out; nil when no type bit is set.
    func decode(flags: UInt8) throws(InterprocessError) -> (value: LegacyValue, size: UInt32)? {
        let type = flags & LegacyStreamLayout.typeBits
        guard type != 0 else { return nil }
        guard type & (type &- 1) == 0 else { throw corrupt("its flags byte 0x\(String(flags, radix: 16)) names more than one type") }
        let storage = stream.storage
        let offsets = stream.layout.offsets(typeBit: type)
        guard offsets.size + 4 <= storage.size else { throw corrupt("a \(LegacyStreamReader.typeName(type)) does not fit its \(storage.size) bytes") }
        let size = UInt32(littleEndian: storage.base.loadUnaligned(fromByteOffset: offsets.size, as: UInt32.self))
        guard Int(size) <= storage.size - offsets.data else {
            throw corrupt("its size word says \(size) bytes of \(LegacyStreamReader.typeName(type)) at offset \(offsets.data), past its \(storage.size) bytes")
        }
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: Int(size), alignment: 8)
        defer { bytes.deallocate() }
        if size > 0 { bytes.baseAddress!.copyMemory(from: storage.base + offsets.data, byteCount: Int(size)) }
        guard let value = LegacyValue.decode(typeBit: type, bytes: UnsafeRawBufferPointer(bytes)) else {
            throw corrupt("a \(LegacyStreamReader.typeName(type)) of \(size) bytes is not a whole number of elements")
        }
        return (value, size)
    }

    static func typeName(_ type: UInt8) -> String {
        type == LegacyStreamLayout.stringBit ? "string" : type == LegacyStreamLayout.floatBit ? "float array" : "double array"
    }

    func corrupt(_ reason: String) -> InterprocessError {
        InterprocessError(.corrupt, operation: "read libsharedmemory stream", name: stream.name, reason: reason)
    }
}
#endif
