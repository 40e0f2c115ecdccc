#if os(Linux)
/// The engine of ``SharedVector`` and ``SharedString``: a growable run of fixed-size elements in a
/// heap block, under a placed ``ProcessRWLock`` (`docs/FORMAT.md`, "Containers").
///
/// Every change becomes visible through one atomic store, so a writer killed at any instruction
/// leaves a buffer that is whole: an append writes the element, then stores the count; growth
/// copies into a new block, then stores the storage word (the block carries its own capacity and
/// count, so one store switches both), then frees the old block. A dead writer's half-work is
/// therefore ignorable — invisible bytes past the count, or one leaked block (the new block if it
/// died before the switch, the old one if after) — and the repair on owner death only checks the
/// words. The exception is ``write(at:bytes:)`` (``SharedVector/updateElement(at:to:)``), which
/// writes in place: a writer killed inside leaves that one element torn.
final class ContainerBuffer: @unchecked Sendable {
    // @unchecked: the address of a header in a mapping that stays while `segment` lives.

    /// Header fields after the magic and version.
    enum Field {
        static let elementSize = 8, elementAlignment = 12, storage = 16
    }
    /// Storage-block fields; the elements follow at ``elementsStart``.
    enum Storage {
        static let capacity = 0, count = 8
    }
    /// The header's bytes: line 0, then the lock.
    static let headerSize = ContainerHeader.locksOffset + ProcessRWLock.size

    let segment: ManagedSegment
    let header: UnsafeMutableRawPointer
    let lock: ProcessRWLock
    let stride: Int
    let alignment: Int
    /// "vector 'log'", for messages.
    let described: String

    init(segment: ManagedSegment, header: UnsafeMutableRawPointer, stride: Int, alignment: Int, described: String) throws(InterprocessError) {
        self.segment = segment
        self.header = header
        self.lock = try ProcessRWLock(placedAt: header + ContainerHeader.locksOffset)
        self.stride = stride
        self.alignment = alignment
        self.described = described
    }

    /// Where the elements start in a storage block: after its 16 bytes of words, aligned.
    static func elementsStart(alignment: Int) -> Int { max(16, alignment) }
    var elementsStart: Int { Self.elementsStart(alignment: alignment) }

    /// Writes an empty buffer's header (no storage block yet) and its lock.
    static func initialize(_ header: UnsafeMutableRawPointer, stride: Int, alignment: Int, magic: UInt32, version: UInt32) throws(InterprocessError) {
        header.initializeMemory(as: UInt8.self, repeating: 0, count: ContainerHeader.locksOffset)
        SharedWord.store32(UInt32(stride), header, Field.elementSize)
        SharedWord.store32(UInt32(alignment), header, Field.elementAlignment)
        try ProcessRWLock.initialize(at: header + ContainerHeader.locksOffset)
        ContainerHeader.publish(header, magic: magic, version: version)
    }

    /// Refuses a header made for another element size or alignment.
    static func validate(_ header: UnsafeMutableRawPointer, stride: Int, alignment: Int, described: String, segment: String) throws(InterprocessError) {
        let size = SharedWord.load32(header, Field.elementSize), align = SharedWord.load32(header, Field.elementAlignment)
        guard size == UInt32(stride), align == UInt32(alignment) else {
            throw InterprocessError(.wrongKind, operation: "open \(described)", name: segment,
                                    reason: "its elements are \(size) bytes aligned to \(align); this handle's are \(stride) aligned to \(alignment)")
        }
    }

    /// The storage block as the words said when it was checked: nil when there is none. The
    /// count is the one checked, not read again: a peer ignoring the lock could raise the word
    /// past the capacity between the check and a use.
    struct Block {
        let offset: SegmentOffset
        let base: UnsafeMutableRawPointer
        let capacity: Int
        let count: Int
    }

    /// The storage block, checked against the heap: capacity within the segment, count within
    /// the capacity, every element inside the mapping.
    func block(operation: String) throws(InterprocessError) -> Block? {
        let raw = SharedWord.load(header, Field.storage)
        guard raw != 0 else { return nil }
        let offset = SegmentOffset(rawValue: raw)
        guard raw % UInt64(max(16, alignment)) == 0, let words = try? segment.pointer(at: offset, byteCount: 16) else {
            throw corrupt(operation, "its storage word \(raw) is not an aligned block inside the heap")
        }
        let capacity = SharedWord.load(words, Storage.capacity), count = SharedWord.load(words, Storage.count)
        guard capacity <= UInt64(segment.maximumSize / max(stride, 1)), count <= capacity,
              (try? segment.pointer(at: offset, byteCount: elementsStart + Int(capacity) * stride)) != nil
        else {
            throw corrupt(operation, "its storage block at offset \(raw) claims \(count) of \(capacity) elements, past its heap")
        }
        return Block(offset: offset, base: words, capacity: Int(capacity), count: Int(count))
    }

    func corrupt(_ operation: String, _ reason: String) -> InterprocessError {
        InterprocessError(.corrupt, operation: operation, name: segment.name, reason: "\(described): \(reason)")
    }

    /// Runs `body` with the elements' bytes, holding the shared side of the lock.
    func withShared<R>(operation: String, _ body: (UnsafeRawBufferPointer) throws(InterprocessError) -> R) throws(InterprocessError) -> R {
        do throws(InterprocessError) {
            return try lock.withSharedLock(onOwnerDeath: { (_: ProcessIdentity) throws(InterprocessError) in
                _ = try block(operation: operation)
            }) { () throws(InterprocessError) -> R in
                guard let block = try block(operation: operation) else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
                return try body(UnsafeRawBufferPointer(start: block.base + elementsStart, count: block.count * stride))
            }
        } catch {
            throw error.reported(as: operation)
        }
    }

    /// Runs `body` holding the exclusive side. A writer that died holding it left the words
    /// whole (see the type's comment): the repair checks them.
    func withExclusive<R>(operation: String, _ body: () throws(InterprocessError) -> R) throws(InterprocessError) -> R {
        do throws(InterprocessError) {
            return try lock.withExclusiveLock(onOwnerDeath: { (_: ProcessIdentity) throws(InterprocessError) in
                _ = try block(operation: operation)
            }, body)
        } catch {
            throw error.reported(as: operation)
        }
    }

    /// The element count (call holding either side).
    func count(operation: String) throws(InterprocessError) -> Int { try block(operation: operation)?.count ?? 0 }

    /// A block with room for `needed` elements: the current one, or a larger copy switched in
    /// with one store (call holding the exclusive side).
    func reserve(_ needed: Int, operation: String) throws(InterprocessError) -> Block {
        let current = try block(operation: operation)
        if let current, current.capacity >= needed { return current }
        let count = current?.count ?? 0
        let doubled = (current?.capacity ?? 0).multipliedReportingOverflow(by: 2)
        let capacity = max(needed, doubled.overflow ? needed : doubled.partialValue, 16 / max(stride, 1), 1)
        let (bytes, overflow) = capacity.multipliedReportingOverflow(by: stride)
        guard !overflow, bytes <= segment.maximumSize else {
            throw InterprocessError(.insufficientSpace, operation: operation, name: segment.name,
                                    reason: "\(described) cannot hold \(needed) elements of \(stride) bytes in a segment of at most \(segment.maximumSize)")
        }
        let offset = try segment.allocate(byteCount: elementsStart + bytes, alignment: max(16, alignment))
        let base = try segment.pointer(at: offset, byteCount: elementsStart + bytes)
        if let current, count > 0 {
            (base + elementsStart).copyMemory(from: current.base + elementsStart, byteCount: count * stride)
        }
        SharedWord.store(UInt64(capacity), base, Storage.capacity)
        SharedWord.store(UInt64(count), base, Storage.count)
        SharedWord.store(offset.rawValue, header, Field.storage)
        if let current { try? segment.deallocate(current.offset) }
        return Block(offset: offset, base: base, capacity: capacity, count: count)
    }

    /// Appends `elementCount` elements written by `write` into their place, then publishes them
    /// with one store of the count (call holding the exclusive side).
    func append(_ elementCount: Int, operation: String, _ write: (UnsafeMutableRawBufferPointer) -> Void) throws(InterprocessError) {
        guard elementCount > 0 else { return }
        let count = try count(operation: operation)
        let (needed, overflow) = count.addingReportingOverflow(elementCount)
        guard !overflow else { throw corrupt(operation, "\(count) + \(elementCount) elements overflow") }
        let block = try reserve(needed, operation: operation)
        write(UnsafeMutableRawBufferPointer(start: block.base + elementsStart + count * stride, count: elementCount * stride))
        SharedWord.store(UInt64(needed), block.base, Storage.count)
    }

    /// Replaces every element with `elementCount` written by `write`: a new block, filled, then
    /// switched in with one store (call holding the exclusive side).
    func replace(_ elementCount: Int, operation: String, _ write: (UnsafeMutableRawBufferPointer) -> Void) throws(InterprocessError) {
        let old = try block(operation: operation)
        guard elementCount > 0 else { return try removeAll(keepingCapacity: false, operation: operation) }
        let bytes = elementCount * stride
        let offset = try segment.allocate(byteCount: elementsStart + bytes, alignment: max(16, alignment))
        let base = try segment.pointer(at: offset, byteCount: elementsStart + bytes)
        write(UnsafeMutableRawBufferPointer(start: base + elementsStart, count: bytes))
        SharedWord.store(UInt64(elementCount), base, Storage.capacity)
        SharedWord.store(UInt64(elementCount), base, Storage.count)
        SharedWord.store(offset.rawValue, header, Field.storage)
        if let old { try? segment.deallocate(old.offset) }
    }

    /// Drops the last `elementCount` elements (one store of the count); returns the bytes of the
    /// last one dropped through `read` first (call holding the exclusive side).
    func removeLast(_ elementCount: Int, operation: String, _ read: (UnsafeRawBufferPointer) -> Void) throws(InterprocessError) -> Bool {
        guard let block = try block(operation: operation), block.count >= elementCount, elementCount > 0 else { return false }
        let remaining = block.count - elementCount
        read(UnsafeRawBufferPointer(start: block.base + elementsStart + (block.count - 1) * stride, count: stride))
        SharedWord.store(UInt64(remaining), block.base, Storage.count)
        return true
    }

    /// Empties the buffer: its count to 0, or (not keeping the capacity) its storage word to 0
    /// and the block freed (call holding the exclusive side).
    func removeAll(keepingCapacity: Bool, operation: String) throws(InterprocessError) {
        guard let block = try block(operation: operation) else { return }
        if keepingCapacity {
            SharedWord.store(0, block.base, Storage.count)
        } else {
            SharedWord.store(0, header, Field.storage)
            try? segment.deallocate(block.offset)
        }
    }

    /// Overwrites element `index` in place (call holding the exclusive side): the one write
    /// that a kill can tear.
    func write(at index: Int, operation: String, _ write: (UnsafeMutableRawBufferPointer) -> Void) throws(InterprocessError) {
        guard let block = try block(operation: operation), index >= 0, index < block.count else {
            throw outOfRange(index, count: try count(operation: operation), operation: operation)
        }
        write(UnsafeMutableRawBufferPointer(start: block.base + elementsStart + index * stride, count: stride))
    }

    func outOfRange(_ index: Int, count: Int, operation: String) -> InterprocessError {
        InterprocessError(.invalidArgument, operation: operation, name: segment.name,
                          reason: "index \(index) is outside \(described)'s \(count) elements")
    }

    /// The blocks to free when the buffer is removed, taken under the exclusive side with the
    /// storage word cleared, so a handle still open sees an empty buffer rather than a freed block.
    static func blocksForRemoval(_ header: UnsafeMutableRawPointer) -> [SegmentOffset] {
        guard let lock = try? ProcessRWLock(placedAt: header + ContainerHeader.locksOffset) else { return [] }
        let taken = try? lock.withExclusiveLock(onOwnerDeath: .stateNeedsNoRepair) { () throws(InterprocessError) -> UInt64 in
            let raw = SharedWord.load(header, Field.storage)
            SharedWord.store(0, header, Field.storage)
            return raw
        }
        return [SegmentOffset(rawValue: taken ?? 0)]
    }
}
#endif
