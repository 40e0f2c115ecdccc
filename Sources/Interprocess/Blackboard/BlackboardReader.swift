#if os(Linux)
public import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A reader of a ``Blackboard``: reads the latest value of an entry without locks, never a
/// torn one, and waits for changes. Made by ``Blackboard/makeReader()``.
///
/// ```swift
/// let reader = board.makeReader()
/// if let pose = try reader.read(poseKey) { steer(pose) }
/// let (status, version) = try reader.readWithVersion(statusKey) ?? ("", 0)
/// ```
///
/// Unlike other endpoints a reader is copyable and `Sendable`: it records nothing in the board
/// (readers are not counted), so any number can exist and be shared between tasks.
///
/// A read is allocation-free and makes no system call (the `[UInt8]` and `String` forms
/// allocate their result). It copies the copy the entry's version names and keeps it only if
/// the copy's stamp said "holds this version" before and after; otherwise the writer came round
/// the ring of copies while it copied, and it reads the new latest copy. After 64 such tries it
/// yields the processor between tries, and after ``Blackboard/readRetryLimit`` of them it
/// gives up with `timedOut` (a reader that never gets a whole copy is being lapped on every
/// try: the board needs more copies). A stamp no writer writes is `corrupt`.
///
/// For an entry whose copies take at most 1 KiB, a read first asks for all of their cache
/// lines, then loads the version: when the writer has moved on, the copy the version names is
/// then already on its way (one line transfer instead of two in a row; 1.2–4× the reads per
/// second of a reader polling a value the writer rewrites without pause). The price: such a
/// reader takes lines from the writer mid-update more often, which lowers the rate of a writer
/// updating millions of times a second (`BENCHMARKS.md`, "Blackboard reads").
@frozen
public struct BlackboardReader: @unchecked Sendable {
    // @unchecked: immutable; the pointer is into a mapping `mapping` keeps alive, and every
    // access through it is atomic or part of the stamp protocol.
    @usableFromInline let mapping: BlackboardMapping
    @usableFromInline let base: UnsafeMutableRawPointer
    @usableFromInline let mask: Int

    init(_ mapping: BlackboardMapping) {
        self.mapping = mapping
        base = mapping.base
        mask = mapping.copies - 1
    }

    /// The board's name.
    public var name: String { mapping.storage.name }

    // MARK: Reading

    /// The latest value of `key`'s entry, or nil if it was never written.
    ///
    /// - Throws: `corrupt` for a stamp no writer writes; `timedOut` if the writer overwrote every
    ///   copy this reader tried for ``Blackboard/readRetryLimit``.
    @inlinable
    public func read<Value: InterprocessValue>(_ key: BlackboardKey<Value>) throws(InterprocessError) -> Value? {
        var value: Value? = nil
        _ = try latest(key, into: &value)
        return value
    }

    /// The latest value of `key`'s entry with its version (the number of writes to the entry
    /// that made it), or nil if it was never written.
    @inlinable
    public func readWithVersion<Value: InterprocessValue>(_ key: BlackboardKey<Value>) throws(InterprocessError) -> (value: Value, version: UInt64)? {
        var value: Value? = nil
        let version = try latest(key, into: &value)
        return value.map { ($0, version) }
    }

    /// Stores the latest value of `key`'s entry into `value` and returns its version (0, leaving
    /// `value` alone, if never written). The entry reader's refresh uses it too: a value stored
    /// through `inout` reaches its caller whole, where an optional tuple returned through memory
    /// came back in odd-sized pieces whose loads waited on the stores (an entry reader's read
    /// after a write took 23 ns that way, 11 ns this way).
    @inlinable @inline(__always)
    func latest<Value: InterprocessValue>(_ key: BlackboardKey<Value>, into value: inout Value?) throws(InterprocessError) -> UInt64 {
        // The bytes are copied raw and become a `Value` only once the stamp says they are whole:
        // a torn copy may hold a bit pattern no `Value` has (a Bool of 2, an enum's spare case).
        try withUnsafeTemporaryAllocation(of: Value.self, capacity: 1) { (buffer) throws(InterprocessError) in
            let raw = UnsafeMutableRawPointer(buffer.baseAddress!)
            let version = try withLatestCopy(key) { bytes, _ in
                raw.copyMemory(from: bytes, byteCount: MemoryLayout<Value>.size)
            }
            if version != 0 { value = raw.load(as: Value.self) }
            return version
        }
    }

    /// Copies the latest bytes of `key`'s entry into `buffer` (which must hold the entry's
    /// capacity, ``BlackboardKey/size``); returns their count and version, or nil if it was
    /// never written. Allocation-free.
    ///
    /// - Throws: `invalidArgument` for a buffer smaller than the entry's capacity; as `read(_:)`.
    @inlinable
    public func read(_ key: BlackboardKey<[UInt8]>, into buffer: UnsafeMutableRawBufferPointer) throws(InterprocessError) -> (count: Int, version: UInt64)? {
        guard buffer.count >= key.size else { try QueueFailure.raise(bufferError(buffer.count, key)) }
        var count = 0
        let version = try withLatestCopy(key) { bytes, length in
            buffer.baseAddress!.copyMemory(from: bytes, byteCount: length)
            count = length
        }
        return version == 0 ? nil : (count, version)
    }

    /// A copy of the latest bytes of `key`'s entry, or nil if it was never written.
    public func read(_ key: BlackboardKey<[UInt8]>) throws(InterprocessError) -> [UInt8]? {
        try readWithVersion(key)?.value
    }

    /// A copy of the latest bytes of `key`'s entry with its version, or nil if never written.
    public func readWithVersion(_ key: BlackboardKey<[UInt8]>) throws(InterprocessError) -> (value: [UInt8], version: UInt64)? {
        var bytes = [UInt8](repeating: 0, count: key.size)
        let outcome = bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(InterprocessError) in try read(key, into: buffer) }
        }
        guard let result = try outcome.get() else { return nil }
        bytes.removeSubrange(result.count...)
        return (bytes, result.version)
    }

    /// The latest text of `key`'s entry (invalid UTF-8 repaired), or nil if never written.
    public func read(_ key: BlackboardKey<String>) throws(InterprocessError) -> String? {
        try readWithVersion(key)?.value
    }

    /// The latest text of `key`'s entry with its version, or nil if never written.
    public func readWithVersion(_ key: BlackboardKey<String>) throws(InterprocessError) -> (value: String, version: UInt64)? {
        let bytes = BlackboardKey<[UInt8]>(index: key.index, dataOffset: key.dataOffset, size: key.size, stride: key.stride)
        return try readWithVersion(bytes).map { (String(decoding: $0.value, as: UTF8.self), $0.version) }
    }

    /// The version of `key`'s entry: how many times it was written (0: never). One load.
    @inlinable
    public func version<Value>(of key: BlackboardKey<Value>) -> UInt64 {
        precondition(mapping.contains(key), "a BlackboardKey is used with a blackboard other than the one that made it")
        return (base + key.dataOffset).assumingMemoryBound(to: Atomic<UInt64>.self).pointee.load(ordering: .acquiring)
    }

    /// How many writes the board has seen, all entries together.
    public var changeCount: UInt64 {
        mapping.word64(BlackboardLayout.changeCountOffset).pointee.load(ordering: .acquiring)
    }

    // MARK: The stamp protocol

    /// Calls `copy` with the latest whole copy of `key`'s entry (its bytes and length), and
    /// returns its version (0, without calling `copy`, if never written). `copy` may be called
    /// more than once: only the last call's bytes are whole.
    @inlinable @inline(__always)
    func withLatestCopy<Value>(
        _ key: BlackboardKey<Value>, _ copy: (UnsafeRawPointer, Int) -> Void
    ) throws(InterprocessError) -> UInt64 {
        precondition(mapping.contains(key), "a BlackboardKey is used with a blackboard other than the one that made it")
        let line = base + key.dataOffset
        let versionWord = line.assumingMemoryBound(to: Atomic<UInt64>.self)
        let copies = line + BlackboardLayout.versionLineSize
        let size = key.size, stride = key.stride, mask = self.mask
        // Every copy's lines start on their way before the version is known: the copy the
        // version names is then already in flight, and a read while the writer writes costs one
        // line transfer instead of two in a row (the version's, then the copy's). Only for small
        // entries, where these hints cost a few instructions on a read that hits.
        let footprint = (mask &+ 1) &* stride
        if footprint <= BlackboardReader.prefetchLimit {
            var offset = 0
            while offset < footprint {
                CPU.prefetch(copies + offset)
                offset &+= 64
            }
        }
        var tries = 0
        var retryStart: UInt64 = 0
        while true {
            let version = versionWord.pointee.load(ordering: .acquiring)
            if version == 0 { return 0 }
            let slot = copies + (Int(truncatingIfNeeded: version) & mask) &* stride
            let stamp = slot.assumingMemoryBound(to: Atomic<UInt64>.self)
            let before = stamp.pointee.load(ordering: .acquiring)
            if before == version &<< 1 {
                let recorded = Int(UInt32(littleEndian: slot.loadUnaligned(fromByteOffset: BlackboardLayout.lengthOffset, as: UInt32.self)))
                let length = recorded <= size ? recorded : size
                copy(UnsafeRawPointer(slot + BlackboardLayout.valueOffset), length)
                // Orders the copy's loads before the stamp's second load (the seqlock reader's fence).
                atomicMemoryFence(ordering: .acquiring)
                if stamp.pointee.load(ordering: .relaxed) == before {
                    if recorded > size { try QueueFailure.raise(lengthError(recorded, key)) }
                    return version
                }
            }
            tries &+= 1
            if tries >= BlackboardReader.spinTries { try retryAfterLosing(stamp: before, version: version, key: key, tries: tries, since: &retryStart) }
        }
    }

    /// The most bytes of copies (all copies of an entry) a read prefetches before it loads the
    /// entry's version: 16 cache lines, which covers 4 copies of values up to 240 bytes.
    @usableFromInline static var prefetchLimit: Int { 1024 }

    /// Tries spent before the reader yields the processor between tries.
    @usableFromInline static var spinTries: Int { 64 }

    /// The slow path of a read that lost the race with the writer `tries` times: judges the
    /// stamp it found (a stamp of a write before `version`, or of another copy, is `corrupt`),
    /// yields, and gives up once ``Blackboard/readRetryLimit`` passed since the tries started.
    @usableFromInline
    func retryAfterLosing<Value>(
        stamp: UInt64, version: UInt64, key: BlackboardKey<Value>, tries: Int, since start: inout UInt64
    ) throws(InterprocessError) {
        let write = stamp >> 1
        if write < version || (write &- version) & UInt64(truncatingIfNeeded: mask) != 0 {
            try QueueFailure.raise(mapping.corruption(
                "entry \(mapping.entries[key.index].key)'s version is \(version), but the copy it names has the stamp \(stamp), which no write since then leaves",
                operation: "read blackboard"))
        }
        if tries == BlackboardReader.spinTries {
            start = Deadline.now.nanoseconds
            return
        }
        sched_yield()
        if tries & 15 == 0, Deadline.now.nanoseconds &- start > Blackboard.readRetryLimitNanoseconds {
            try QueueFailure.raise(InterprocessError(.timedOut, operation: "read blackboard", name: name,
                reason: "the writer overwrote entry \(mapping.entries[key.index].key)'s copy under every one of \(tries) reads in \(Blackboard.readRetryLimit.formattedForError): create the board with more copies"))
        }
    }

    @usableFromInline
    func lengthError<Value>(_ length: Int, _ key: BlackboardKey<Value>) -> InterprocessError {
        mapping.corruption("entry \(mapping.entries[key.index].key) records a value of \(length) bytes, more than its \(key.size)", operation: "read blackboard")
    }

    @usableFromInline
    func bufferError<Value>(_ count: Int, _ key: BlackboardKey<Value>) -> InterprocessError {
        InterprocessError(.invalidArgument, operation: "read blackboard", name: name,
                          reason: "a buffer of \(count) bytes cannot hold entry \(mapping.entries[key.index].key), which holds up to \(key.size)")
    }
}

extension Blackboard {
    /// How long a read keeps trying while the writer overwrites every copy it reads, before it
    /// throws `timedOut`: 1 s (a reader is lapped only while descheduled mid-copy, or when
    /// values are large and copies few).
    public static let readRetryLimit: Duration = .seconds(1)
    static var readRetryLimitNanoseconds: UInt64 { 1_000_000_000 }
}
#endif
