#if os(Linux)
import Synchronization

/// The named-object directory of a managed segment: a directory block (found from the managed
/// header's root word) with a recursive ``ProcessMutex`` and the offset of an ``ObjectTable``
/// whose slots name ``ObjectEntry`` blocks. Every operation holds the mutex; a process that
/// died holding it is repaired after (``repair()``), so that the directory never shows an
/// entry whose object is not whole. The protocol is written down in docs/FORMAT.md.
struct ObjectDirectory<Heap: ObjectHeap> {
    typealias Layout = ObjectDirectoryLayout.Directory

    let heap: Heap
    let offset: SegmentOffset
    let address: UnsafeMutableRawPointer

    /// The segment's directory, created (and its root word set) if there is none yet.
    ///
    /// Two processes may create one at once: each builds a whole directory in blocks of its own,
    /// then one compare-and-exchange on the root word picks the winner and the loser frees
    /// its blocks. A process killed in between leaks its two small blocks, never more.
    static func openOrCreate(in heap: Heap, operation: String) throws(InterprocessError) -> ObjectDirectory {
        let root = heap.directoryRoot.pointee.load(ordering: .acquiring)
        if root != 0 { return try ObjectDirectory(heap: heap, at: SegmentOffset(rawValue: root), operation: operation) }
        let block = try heap.allocate(byteCount: Layout.size, alignment: Layout.alignment)
        let table: SegmentOffset
        do {
            table = try heap.allocate(byteCount: ObjectTable.byteCount(capacity: ObjectDirectoryLayout.Table.initialCapacity), alignment: 8)
        } catch {
            try? heap.deallocate(block)
            throw error
        }
        do throws(InterprocessError) {
            let address = try heap.pointer(at: block, byteCount: Layout.size)
            ObjectTable.initialize(at: try heap.pointer(at: table, byteCount: ObjectTable.byteCount(capacity: ObjectDirectoryLayout.Table.initialCapacity)),
                                   capacity: ObjectDirectoryLayout.Table.initialCapacity)
            address.initializeMemory(as: UInt8.self, repeating: 0, count: Layout.lockOffset)
            try ProcessMutex.initialize(at: address + Layout.lockOffset, recursive: true)
            SharedWord.store(table.rawValue, address, Layout.tableOffset)
            SharedWord.store32(Layout.version, address, Layout.versionOffset)
            SharedWord.store32(Layout.magic, address, Layout.magicOffset)
        } catch {
            try? heap.deallocate(table)
            try? heap.deallocate(block)
            throw error
        }
        let (won, winner) = heap.directoryRoot.pointee.compareExchange(expected: 0, desired: block.rawValue, ordering: .acquiringAndReleasing)
        if won { return try ObjectDirectory(heap: heap, at: block, operation: operation) }
        try? heap.deallocate(table)
        try? heap.deallocate(block)
        return try ObjectDirectory(heap: heap, at: SegmentOffset(rawValue: winner), operation: operation)
    }

    /// The segment's directory, or nil if nothing was ever constructed in it.
    static func openIfPresent(in heap: Heap, operation: String) throws(InterprocessError) -> ObjectDirectory? {
        let root = heap.directoryRoot.pointee.load(ordering: .acquiring)
        guard root != 0 else { return nil }
        return try ObjectDirectory(heap: heap, at: SegmentOffset(rawValue: root), operation: operation)
    }

    /// The directory block at `offset`, validated.
    init(heap: Heap, at offset: SegmentOffset, operation: String) throws(InterprocessError) {
        func corrupt(_ reason: String) -> InterprocessError {
            InterprocessError(.corrupt, operation: operation, name: heap.name,
                              reason: "its named-object directory (root word: offset \(offset.rawValue)) \(reason)")
        }
        guard offset.rawValue % UInt64(Layout.alignment) == 0 else { throw corrupt("is not 64-byte aligned") }
        do { address = try heap.pointer(at: offset, byteCount: Layout.size) } catch { throw corrupt("lies outside the heap") }
        guard SharedWord.load32(address, Layout.magicOffset) == Layout.magic else { throw corrupt("has a bad magic number") }
        let version = SharedWord.load32(address, Layout.versionOffset)
        guard version == Layout.version else {
            throw InterprocessError(.incompatibleVersion, operation: operation, name: heap.name,
                                    reason: "its named-object directory has layout version \(version); this library reads \(Layout.version)")
        }
        self.heap = heap
        self.offset = offset
    }

    /// Runs `body` holding the directory lock, repairing first after a process that died holding it.
    func withLock<R>(operation: String, _ body: () throws(InterprocessError) -> R) throws(InterprocessError) -> R {
        let lock = try ProcessMutex(placedAt: address + Layout.lockOffset)
        do {
            return try lock.withLock(onOwnerDeath: { (_: ProcessIdentity) throws(InterprocessError) in repair(operation: operation) }, body)
        } catch {
            throw error.code == .corrupt || error.code == .notRecoverable ? error.reported(as: operation) : error
        }
    }

    /// The current slot table.
    func table(operation: String) throws(InterprocessError) -> ObjectTable {
        try ObjectTable(at: SegmentOffset(rawValue: SharedWord.load(address, Layout.tableOffset)), in: heap, operation: operation)
    }

    /// The pending-entry word.
    var pendingEntry: SegmentOffset {
        get { SegmentOffset(rawValue: SharedWord.load(address, Layout.pendingEntryOffset)) }
        nonmutating set { SharedWord.store(newValue.rawValue, address, Layout.pendingEntryOffset) }
    }

    /// The pending-object word.
    var pendingObject: SegmentOffset {
        get { SegmentOffset(rawValue: SharedWord.load(address, Layout.pendingObjectOffset)) }
        nonmutating set { SharedWord.store(newValue.rawValue, address, Layout.pendingObjectOffset) }
    }

    /// The pending-table word.
    var pendingTable: SegmentOffset {
        get { SegmentOffset(rawValue: SharedWord.load(address, Layout.pendingTableOffset)) }
        nonmutating set { SharedWord.store(newValue.rawValue, address, Layout.pendingTableOffset) }
    }
}
#endif
