#if os(Linux)
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
        try read(.timeout(stream.lockTimeout))
    }

    /// ``read()`` waiting until `deadline` for the lock word.
    public mutating func read(until deadline: Deadline) throws(InterprocessError) -> LegacyValue? {
        try read(.until(deadline))
    }

    mutating func read(_ wait: LegacyLock.Wait) throws(InterprocessError) -> LegacyValue? {
        switch stream.layout {
        case .version2:
            return try stream.withLock(wait, operation: "read libsharedmemory stream") { () throws(InterprocessError) in
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
        return try read(.tryOnce)
    }

    /// Lends the value not read yet to `body` — its kind and its bytes, in place in the mapping
    /// (version 2, under the lock word: keep `body` short) or in a copy checked not to be torn
    /// (version 1: one allocation) — and marks it read. Returns false at once when there is none or the lock
    /// word is set. No allocation with version 2 (not generic, so that it costs no
    /// metadata lookup per call: capture what `body` produces).
    ///
    /// - Throws: `corrupt` for a flags byte or size word no writer leaves; what `body` throws.
    public mutating func tryReceive(
        _ body: (LegacyValueKind, UnsafeRawBufferPointer) throws(InterprocessError) -> Void
    ) throws(InterprocessError) -> Bool {
        guard hasUnread else { return false }
        switch stream.layout {
        case .version2:
            let storage = stream.storage
            return try stream.withLock(.tryOnce, operation: "receive from libsharedmemory stream") { () throws(InterprocessError) -> Bool in
                let flags = storage.flagsWord.pointee.load(ordering: .relaxed)
                let revision = storage.word32(LegacyStreamLayout.revisionOffset).pointee.load(ordering: .relaxed)
                guard let (kind, bytes) = try located(flags: flags) else { return false }
                storage.word32(LegacyStreamLayout.ackOffset).pointee.store(revision, ordering: .relaxed)
                try body(kind, bytes)
                return true
            } ?? false
        case .version1:
            return try lendUnlocked(body)
        }
    }

    /// Waits until there is a value not read yet and reads it.
    ///
    /// - Throws: `timedOut` when none came (or the lock word stayed set) until `deadline`.
    public mutating func receive(until deadline: Deadline) throws(InterprocessError) -> LegacyValue {
        var received: LegacyValue?
        try LegacyLock.poll(until: deadline, truncation: stream.owner.memory.truncationProbe, timedOut: {
            InterprocessError(.timedOut, operation: "receive from libsharedmemory stream", name: stream.name,
                              reason: "no new value was written before the deadline")
        }) { () throws(InterprocessError) -> Bool in
            guard hasUnread else { return false }
            // The lock wait is bounded by lockTimeout even when the receive waits for ever.
            received = try read(.until(Deadline.after(stream.lockTimeout).earlier(than: deadline)))
            return received != nil
        }
        return received!
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
        guard let (kind, bytes) = try located(flags: flags) else { return nil }
        let value = LegacyValue(kind, bytes: bytes)
        storage.word32(LegacyStreamLayout.ackOffset).pointee.store(revision, ordering: .relaxed)
        return value
    }

    /// Version 1: copy, then check that neither the flags nor the size moved meanwhile.
    mutating func readUnlocked() throws(InterprocessError) -> LegacyValue? {
        var value: LegacyValue?
        _ = try lendUnlocked { kind, bytes in value = LegacyValue(kind, bytes: bytes) }
        return value
    }

    func tornError() -> InterprocessError {
        InterprocessError(.timedOut, operation: "read libsharedmemory stream", name: stream.name,
                          reason: "the value changed under each of 64 reads (a version-1 stream has no lock)")
    }

    /// Version 1's one read: the bytes copied once into a buffer, then checked not to be torn
    /// (neither the flags nor the size moved meanwhile), then lent. The buffer is on the stack
    /// (no allocation) for values up to a few KiB.
    mutating func lendUnlocked(_ body: (LegacyValueKind, UnsafeRawBufferPointer) throws(InterprocessError) -> Void) throws(InterprocessError) -> Bool {
        let storage = stream.storage
        for _ in 0..<64 {
            let flags = storage.flagsWord.pointee.load(ordering: .acquiring)
            guard let (kind, bytes) = try located(flags: flags) else { return false }
            let offsets = stream.layout.offsets(typeBit: kind.typeBit)
            let lent = try withUnsafeTemporaryAllocation(byteCount: Swift.max(1, bytes.count), alignment: 8) { buffer throws(InterprocessError) -> Bool in
                if let source = bytes.baseAddress { buffer.baseAddress!.copyMemory(from: source, byteCount: bytes.count) }
                atomicMemoryFence(ordering: .acquiring)
                guard storage.flagsWord.pointee.load(ordering: .relaxed) == flags,
                      Int(UInt32(littleEndian: storage.base.loadUnaligned(fromByteOffset: offsets.size, as: UInt32.self))) == bytes.count
                else { return false }
                lastFlags = flags
                try body(kind, UnsafeRawBufferPointer(start: buffer.baseAddress, count: bytes.count))
                return true
            }
            if lent { return true }
        }
        throw tornError()
    }

    /// Where the value the flags byte and the size describe is, checked against the mapping;
    /// nil when no type bit is set.
    func located(flags: UInt8) throws(InterprocessError) -> (LegacyValueKind, UnsafeRawBufferPointer)? {
        let type = flags & LegacyStreamLayout.typeBits
        guard type != 0 else { return nil }
        guard let kind = LegacyValueKind(typeBit: type) else { throw corrupt("its flags byte 0x\(String(flags, radix: 16)) names more than one type") }
        let storage = stream.storage
        let offsets = stream.layout.offsets(typeBit: type)
        guard offsets.size + 4 <= storage.size else { throw corrupt("a \(LegacyStreamReader.typeName(type)) does not fit its \(storage.size) bytes") }
        let size = UInt32(littleEndian: storage.base.loadUnaligned(fromByteOffset: offsets.size, as: UInt32.self))
        guard Int(size) <= storage.size - offsets.data else {
            throw corrupt("its size word says \(size) bytes of \(LegacyStreamReader.typeName(type)) at offset \(offsets.data), past its \(storage.size) bytes")
        }
        guard Int(size) % kind.elementSize == 0 else {
            throw corrupt("a \(LegacyStreamReader.typeName(type)) of \(size) bytes is not a whole number of elements")
        }
        return (kind, UnsafeRawBufferPointer(start: storage.base + offsets.data, count: Int(size)))
    }

    static func typeName(_ type: UInt8) -> String {
        type == LegacyStreamLayout.stringBit ? "string" : type == LegacyStreamLayout.floatBit ? "float array" : "double array"
    }

    func corrupt(_ reason: String) -> InterprocessError {
        InterprocessError(.corrupt, operation: "read libsharedmemory stream", name: stream.name, reason: reason)
    }
}
#endif
