#if os(Linux)
public import Synchronization

/// The writer of a ``Blackboard``: at most one live per board at a time, across all
/// processes. Made by ``Blackboard/makeWriter()``.
///
/// A write **never waits** (readers never hold the writer back), which is why there are no
/// `tryWrite`, `write(until:)` or `write(timeout:)` forms; it returns the entry's new version.
/// It makes no system call unless a reader sleeps waiting for a change, and the value and
/// `[UInt8]`-pointer forms are allocation-free.
///
/// ```swift
/// var writer = try board.makeWriter()
/// writer.write(poseKey, Pose(x: 1, y: 2))
/// try writer.write(statusKey, "docked")
/// try writer.write(bytesKey, contentsOf: [1, 2, 3])
/// ```
///
/// Per write (see `docs/FORMAT.md`): the copy's stamp says "writing `k`", a release fence, the
/// bytes, the stamp "holds `k`" (release), the entry's version `k` (release), the board's change
/// count (release, then the parking handshake).
@frozen
public struct BlackboardWriter: ~Copyable {
    @usableFromInline let mapping: BlackboardMapping
    @usableFromInline let base: UnsafeMutableRawPointer
    @usableFromInline let mask: Int
    @usableFromInline let changeCount: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let sleepers: UnsafeMutablePointer<Atomic<UInt32>>
    let owner: UnsafeMutablePointer<Atomic<UInt64>>
    /// Whether this process is registered for the asymmetric fence (see ``AsymmetricFence``);
    /// if not, each change count is a sequentially consistent store.
    @usableFromInline let fenceIsAsymmetric: Bool
    /// The pid of a dead writer whose place this one took, if any.
    public let replacedWriter: Int32?

    init(_ mapping: BlackboardMapping) throws(InterprocessError) {
        let owner = mapping.word64(BlackboardLayout.writerOwnerOffset)
        replacedWriter = try EndpointClaim.claim(owner, role: "writer", name: mapping.storage.name, of: "blackboard")
        self.owner = owner
        self.mapping = mapping
        base = mapping.base
        mask = mapping.copies - 1
        changeCount = mapping.word64(BlackboardLayout.changeCountOffset)
        sleepers = mapping.word32(BlackboardLayout.sleepersOffset)
        fenceIsAsymmetric = AsymmetricFence.registerFrequentSide()
        // Nothing to repair after a dead writer: a copy it left "writing k" is not the one the
        // version names, and the next write of that entry (number k again) rewrites it.
    }

    deinit {
        EndpointClaim.release(owner)
    }

    /// The board's name.
    public var name: String { mapping.storage.name }

    // MARK: Writing

    /// Writes `value` as the latest value of `key`'s entry; returns the entry's new version.
    @inlinable @inline(__always) @discardableResult
    public mutating func write<Value: InterprocessValue>(_ key: BlackboardKey<Value>, _ value: Value) -> UInt64 {
        write(key) { out in
            out.storeBytes(of: value, as: Value.self)
            return MemoryLayout<Value>.size
        }
    }

    /// Writes the bytes `bytes` points to as the latest bytes of `key`'s entry (its bytes,
    /// never its address); returns the entry's new version. Allocation-free.
    ///
    /// - Throws: `invalidArgument` for more bytes than the entry holds.
    @inlinable @discardableResult
    public mutating func write(_ key: BlackboardKey<[UInt8]>, _ bytes: UnsafeRawBufferPointer) throws(InterprocessError) -> UInt64 {
        guard bytes.count <= key.size else { try QueueFailure.raise(sizeError(bytes.count, key)) }
        return write(key) { out in
            if let source = bytes.baseAddress { out.copyMemory(from: source, byteCount: bytes.count) }
            return bytes.count
        }
    }

    /// Writes `bytes` as the latest bytes of `key`'s entry; returns the entry's new version.
    ///
    /// - Throws: `invalidArgument` for more bytes than the entry holds.
    @discardableResult
    public mutating func write(_ key: BlackboardKey<[UInt8]>, contentsOf bytes: some Collection<UInt8>) throws(InterprocessError) -> UInt64 {
        let count = bytes.count
        guard count <= key.size else { try QueueFailure.raise(sizeError(count, key)) }
        return write(key) { out in QueueBytes.copy(bytes, into: UnsafeMutableRawBufferPointer(start: out, count: count)) }
    }

    /// Writes `text`'s UTF-8 bytes as the latest text of `key`'s entry; returns its new version.
    ///
    /// - Throws: `invalidArgument` for more bytes than the entry holds.
    @discardableResult
    public mutating func write(_ key: BlackboardKey<String>, _ text: String) throws(InterprocessError) -> UInt64 {
        let bytes = BlackboardKey<[UInt8]>(index: key.index, dataOffset: key.dataOffset, size: key.size, stride: key.stride)
        return try write(bytes, contentsOf: text.utf8)
    }

    // MARK: The stamp protocol

    /// Lets `fill` write the bytes (at most the entry's size, checked by the caller; it returns
    /// their count) into the next copy of `key`'s entry and publishes them; returns the new version.
    @inlinable @inline(__always)
    mutating func write<Value>(_ key: BlackboardKey<Value>, _ fill: (UnsafeMutableRawPointer) -> Int) -> UInt64 {
        precondition(mapping.contains(key), "a BlackboardKey is used with a blackboard other than the one that made it")
        let line = base + key.dataOffset
        let versionWord = line.assumingMemoryBound(to: Atomic<UInt64>.self)
        // Only this writer writes the version: the word it last stored (or a dead writer's).
        let version = versionWord.pointee.load(ordering: .relaxed) &+ 1
        let slot = line + BlackboardLayout.versionLineSize + (Int(truncatingIfNeeded: version) & mask) &* key.stride
        let stamp = slot.assumingMemoryBound(to: Atomic<UInt64>.self)
        stamp.pointee.store(version &<< 1 | 1, ordering: .relaxed)
        // Orders "writing" before every byte below: a reader that saw any of them sees it.
        atomicMemoryFence(ordering: .releasing)
        let count = fill(slot + BlackboardLayout.valueOffset)
        slot.storeBytes(of: UInt32(truncatingIfNeeded: count).littleEndian, toByteOffset: BlackboardLayout.lengthOffset, as: UInt32.self)
        stamp.pointee.store(version &<< 1, ordering: .releasing)
        versionWord.pointee.store(version, ordering: .releasing)
        // The waker's half of the parking handshake: store the change count, then look for sleepers.
        let changes = changeCount.pointee.load(ordering: .relaxed) &+ 1
        if fenceIsAsymmetric {
            changeCount.pointee.store(changes, ordering: .releasing)
            AsymmetricFence.frequentSide()
        } else {
            changeCount.pointee.store(changes, ordering: .sequentiallyConsistent)
        }
        if FutexParking.mayHaveSleepers(sleepers) { mapping.wakeReaders() }
        return version
    }

    @usableFromInline
    func sizeError<Value>(_ count: Int, _ key: BlackboardKey<Value>) -> InterprocessError {
        InterprocessError(.invalidArgument, operation: "write blackboard", name: name,
                          reason: "\(count) bytes do not fit entry \(mapping.entries[key.index].key), which holds up to \(key.size)")
    }
}

extension BlackboardMapping {
    /// Wakes every reader sleeping for a change.
    @usableFromInline
    func wakeReaders() {
        Futex.wake(UnsafeMutablePointer(OpaquePointer(base + BlackboardLayout.changeCountOffset)))
    }
}
#endif
