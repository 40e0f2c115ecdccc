#if os(Linux)
import Synchronization

/// Writes values into a libsharedmemory stream as the C++ `SharedMemoryWriteStream` does: the
/// flags byte (the value's type bit, bit 0 toggled), the size, the bytes; version 2 under the
/// lock word and with `revision` incremented, so that readers can tell a value is new.
///
/// Version 1 writes the flags byte last (the C++ writer writes it first): a reader that polls
/// the flags for a change then finds the whole value behind it.
public struct LegacyStreamWriter: Sendable {
    /// The stream written.
    public let stream: LegacyStream

    init(_ stream: LegacyStream) { self.stream = stream }

    /// Writes `value`, waiting at most the stream's ``LegacyStream/lockTimeout`` for the lock word.
    ///
    /// - Throws: `invalidArgument` when the value does not fit the segment; `timedOut` when the
    ///   lock word stays set.
    public func write(_ value: LegacyValue) throws(InterprocessError) {
        try check(value)
        _ = try stream.withLock(.timeout(stream.lockTimeout), operation: "write libsharedmemory stream") { store(value) }
    }

    /// Writes `value` if the lock word is free now; false if it is set.
    public func tryWrite(_ value: LegacyValue) throws(InterprocessError) -> Bool {
        try check(value)
        return try stream.withLock(.tryOnce, operation: "write libsharedmemory stream") { store(value) } != nil
    }

    /// Writes `value`, waiting until `deadline` for the lock word.
    public func write(_ value: LegacyValue, until deadline: Deadline) throws(InterprocessError) {
        try check(value)
        _ = try stream.withLock(.until(deadline), operation: "write libsharedmemory stream") { store(value) }
    }

    /// Writes `value`, waiting at most `timeout` for the lock word.
    public func write(_ value: LegacyValue, timeout: Duration) throws(InterprocessError) {
        try write(value, until: .after(timeout))
    }

    /// Writes `bytes` as a value of `kind` without building a ``LegacyValue`` (no allocation):
    /// UTF-8 for a string, little-endian elements for the arrays. Waits at most the stream's
    /// ``LegacyStream/lockTimeout`` for the lock word.
    ///
    /// - Throws: `invalidArgument` when the bytes do not fit the segment or are not a whole
    ///   number of elements; `timedOut` when the lock word stays set.
    public func write(_ kind: LegacyValueKind, bytes: UnsafeRawBufferPointer) throws(InterprocessError) {
        try check(kind, byteCount: bytes.count)
        _ = try stream.withLock(.timeout(stream.lockTimeout), operation: "write libsharedmemory stream") {
            store(kind.typeBit, byteCount: bytes.count) { destination in
                if let source = bytes.baseAddress { destination.copyMemory(from: source, byteCount: bytes.count) }
            }
        }
    }

    /// Writes a string (the C++ `write(const std::string&)`).
    public func write(_ string: String) throws(InterprocessError) { try write(.string(string)) }
    /// Writes a `float` array (the C++ `write(const float*, length)`).
    public func write(_ floats: [Float]) throws(InterprocessError) { try write(.floats(floats)) }
    /// Writes a `double` array (the C++ `write(const double*, length)`).
    public func write(_ doubles: [Double]) throws(InterprocessError) { try write(.doubles(doubles)) }

    func check(_ value: LegacyValue) throws(InterprocessError) {
        try check(value.kind, byteCount: value.byteCount)
    }

    func check(_ kind: LegacyValueKind, byteCount: Int) throws(InterprocessError) {
        let room = stream.size - stream.layout.offsets(typeBit: kind.typeBit).data
        guard byteCount <= room, byteCount % kind.elementSize == 0 else {
            throw InterprocessError(.invalidArgument, operation: "write libsharedmemory stream", name: stream.name,
                                    reason: byteCount % kind.elementSize != 0
                                        ? "\(byteCount) bytes are not a whole number of \(kind.elementSize)-byte elements"
                                        : "the value is \(byteCount) bytes, but the \(stream.size)-byte segment holds \(Swift.max(0, room)) bytes of it")
        }
    }

    /// The write itself (under the lock for version 2).
    func store(_ value: LegacyValue) {
        store(value.typeBit, byteCount: value.byteCount) { value.store(at: $0) }
    }

    /// Writes the flags, the size and, through `fill`, the data of a value of type bit `typeBit`.
    @inline(__always)
    func store(_ typeBit: UInt8, byteCount: Int, _ fill: (UnsafeMutableRawPointer) -> Void) {
        let storage = stream.storage, layout = stream.layout
        let offsets = layout.offsets(typeBit: typeBit)
        let flags = typeBit | (~storage.flagsWord.pointee.load(ordering: .relaxed) & LegacyStreamLayout.changedBit)
        if layout == .version2 { storage.flagsWord.pointee.store(flags, ordering: .relaxed) }
        storage.base.storeBytes(of: UInt32(truncatingIfNeeded: byteCount).littleEndian, toByteOffset: offsets.size, as: UInt32.self)
        fill(storage.base + offsets.data)
        switch layout {
        case .version2:
            // Under the lock this side is the only writer of `revision`: no locked instruction.
            let revision = storage.word32(LegacyStreamLayout.revisionOffset)
            revision.pointee.store(revision.pointee.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
        case .version1:
            storage.flagsWord.pointee.store(flags, ordering: .releasing)
        }
    }
}
#endif
