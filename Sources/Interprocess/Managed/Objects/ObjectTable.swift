#if os(Linux)
/// The directory's slot table, read and checked: a capacity, a high-water mark `used`, and
/// 16-byte slots (hash, entry offset). Lookup scans the used slots comparing hashes, then names.
///
/// Every change is one store of a slot's entry word (publish: hash first, entry last; remove:
/// entry to 0), made while holding the directory lock, so a process killed at any point leaves
/// each slot either free or naming a whole entry block.
struct ObjectTable {
    typealias Layout = ObjectDirectoryLayout.Table

    let offset: SegmentOffset
    let address: UnsafeMutableRawPointer
    let capacity: Int
    let used: Int

    /// The table block at `offset`, validated.
    init(at offset: SegmentOffset, in heap: some ObjectHeap, operation: String) throws(InterprocessError) {
        func corrupt(_ reason: String) -> InterprocessError {
            InterprocessError(.corrupt, operation: operation, name: heap.name,
                              reason: "the named-object table at offset \(offset.rawValue) \(reason)")
        }
        guard !offset.isNull, offset.rawValue % 8 == 0 else { throw corrupt("is null or not 8-byte aligned") }
        let head: UnsafeMutableRawPointer
        do { head = try heap.pointer(at: offset, byteCount: Layout.slotsOffset) } catch { throw corrupt("lies outside the heap") }
        let capacity = SharedWord.load(head, Layout.capacityOffset), used = SharedWord.load(head, Layout.usedOffset)
        guard capacity >= 1, capacity <= UInt64(Layout.maximumCapacity), used <= capacity else {
            throw corrupt("has capacity \(capacity) and \(used) used slots")
        }
        do { address = try heap.pointer(at: offset, byteCount: Self.byteCount(capacity: Int(capacity))) }
        catch { throw corrupt("has \(capacity) slots that run outside the heap") }
        self.offset = offset
        self.capacity = Int(capacity)
        self.used = Int(used)
    }

    /// The bytes of a table of `capacity` slots.
    static func byteCount(capacity: Int) -> Int { Layout.slotsOffset + capacity * Layout.slotSize }

    /// Writes an empty table of `capacity` slots at `address` (a block nobody else knows of).
    static func initialize(at address: UnsafeMutableRawPointer, capacity: Int) {
        address.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount(capacity: capacity))
        SharedWord.store(UInt64(capacity), address, Layout.capacityOffset)
    }

    private func slot(_ index: Int) -> UnsafeMutableRawPointer { address + Layout.slotsOffset + index * Layout.slotSize }

    /// The entry offset in slot `index` (0: free).
    func entry(_ index: Int) -> SegmentOffset { SegmentOffset(rawValue: SharedWord.load(slot(index), Layout.slotEntryOffset)) }

    /// The hash in slot `index`.
    func hash(_ index: Int) -> UInt64 { SharedWord.load(slot(index), Layout.slotHashOffset) }

    /// The slot and entry for `key`, if one is published.
    func lookup(_ key: ObjectKey, in heap: some ObjectHeap, operation: String) throws(InterprocessError) -> (slot: Int, entry: ObjectEntry)? {
        for index in 0..<used {
            let offset = entry(index)
            guard !offset.isNull, hash(index) == key.hash else { continue }
            let entry = try ObjectEntry(at: offset, in: heap, operation: operation)
            if entry.matches(key) { return (index, entry) }
        }
        return nil
    }

    /// The slot publishing `entry`, if any.
    func slot(publishing entry: SegmentOffset) -> Int? {
        (0..<used).first { self.entry($0) == entry }
    }

    /// The published entries, in slot order.
    var entries: [(slot: Int, offset: SegmentOffset)] {
        (0..<used).compactMap { index in
            let offset = entry(index)
            return offset.isNull ? nil : (index, offset)
        }
    }

    /// Publishes `entry` under `hash` in a free slot; returns false when the table is full.
    /// Raising `used` comes before the slot's stores, so a kill in between leaves a free slot.
    func publish(_ entry: SegmentOffset, hash: UInt64) -> Bool {
        var index = (0..<used).first { self.entry($0).isNull }
        if index == nil, used < capacity {
            SharedWord.store(UInt64(used + 1), address, Layout.usedOffset)
            index = used
        }
        guard let index else { return false }
        SharedWord.store(hash, slot(index), Layout.slotHashOffset)
        SharedWord.store(entry.rawValue, slot(index), Layout.slotEntryOffset)
        return true
    }

    /// Frees slot `index`.
    func remove(_ index: Int) { SharedWord.store(0, slot(index), Layout.slotEntryOffset) }

    /// Copies the published slots, packed, into the empty table at `address` (of `capacity` ≥
    /// the published count) and sets its `used`.
    func copyPublished(to address: UnsafeMutableRawPointer) {
        var next = 0
        for (index, offset) in entries {
            let target = address + Layout.slotsOffset + next * Layout.slotSize
            SharedWord.store(hash(index), target, Layout.slotHashOffset)
            SharedWord.store(offset.rawValue, target, Layout.slotEntryOffset)
            next += 1
        }
        SharedWord.store(UInt64(next), address, Layout.usedOffset)
    }
}
#endif
