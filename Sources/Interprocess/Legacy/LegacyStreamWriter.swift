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
        try write(value, until: .after(stream.lockTimeout))
    }

    /// Writes `value` if the lock word is free now; false if it is set.
    public func tryWrite(_ value: LegacyValue) throws(InterprocessError) -> Bool {
        try check(value)
        return try stream.withLock(until: nil, operation: "write libsharedmemory stream") { store(value) } != nil
    }

    /// Writes `value`, waiting until `deadline` for the lock word.
    public func write(_ value: LegacyValue, until deadline: Deadline) throws(InterprocessError) {
        try check(value)
        _ = try stream.withLock(until: deadline, operation: "write libsharedmemory stream") { store(value) }
    }

    /// Writes `value`, waiting at most `timeout` for the lock word.
    public func write(_ value: LegacyValue, timeout: Duration) throws(InterprocessError) {
        try write(value, until: .after(timeout))
    }

    /// Writes a string (the C++ `write(const std::string&)`).
    public func write(_ string: String) throws(InterprocessError) { try write(.string(string)) }
    /// Writes a `float` array (the C++ `write(const float*, length)`).
    public func write(_ floats: [Float]) throws(InterprocessError) { try write(.floats(floats)) }
    /// Writes a `double` array (the C++ `write(const double*, length)`).
    public func write(_ doubles: [Double]) throws(InterprocessError) { try write(.doubles(doubles)) }

    func check(_ value: LegacyValue) throws(InterprocessError) {
        let room = stream.size - stream.layout.offsets(typeBit: value.typeBit).data
        guard value.byteCount <= room else {
            throw InterprocessError(.invalidArgument, operation: "write libsharedmemory stream", name: stream.name,
                                    reason: "the value is \(value.byteCount) bytes, but the \(stream.size)-byte segment holds \(Swift.max(0, room)) bytes of it")
        }
    }

    /// The write itself (under the lock for version 2).
    func store(_ value: LegacyValue) {
        let storage = stream.storage, layout = stream.layout
        let offsets = layout.offsets(typeBit: value.typeBit)
        let flags = value.typeBit | (~storage.flagsWord.pointee.load(ordering: .relaxed) & LegacyStreamLayout.changedBit)
        if layout == .version2 { storage.flagsWord.pointee.store(flags, ordering: .relaxed) }
        storage.base.storeBytes(of: UInt32(truncatingIfNeeded: value.byteCount).littleEndian, toByteOffset: offsets.size, as: UInt32.self)
        value.store(at: storage.base + offsets.data)
        switch layout {
        case .version2:
            storage.word32(LegacyStreamLayout.revisionOffset).pointee.wrappingAdd(1, ordering: .relaxed)
        case .version1:
            storage.flagsWord.pointee.store(flags, ordering: .releasing)
        }
    }
}
#endif
