#if os(Linux)
/// The directory's changes, each made holding the lock in an order that a process killed at any
/// point leaves repairable (``ObjectDirectory/repair(operation:)``) or, at worst, leaks one block.
extension ObjectDirectory {
    /// Writes a `constructing` entry for `key` and publishes it; returns the entry.
    ///
    /// The entry is written whole before the pending-entry word names it, and published after,
    /// so a kill leaves either an unknown block (leaked), a pending unpublished entry (freed by
    /// the repair), or a published `constructing` entry (removed by the repair).
    func publishConstructing(_ key: ObjectKey, type: ObjectType, count: Int, operation: String) throws(InterprocessError) -> ObjectEntry {
        let byteCount = ObjectEntry.byteCount(key: key, type: type)
        let offset = try heap.allocate(byteCount: byteCount, alignment: ObjectDirectoryLayout.Entry.alignment)
        do throws(InterprocessError) {
            ObjectEntry.write(at: try heap.pointer(at: offset, byteCount: byteCount), key: key, type: type, count: count)
            pendingEntry = offset
            try publish(offset, hash: key.hash, operation: operation)
            pendingEntry = .null
            return try ObjectEntry(at: offset, in: heap, operation: operation)
        } catch {
            pendingEntry = .null
            try? heap.deallocate(offset)
            throw error
        }
    }

    /// Publishes `entry` in the table, moving to a larger table when it is full.
    private func publish(_ entry: SegmentOffset, hash: UInt64, operation: String) throws(InterprocessError) {
        let table = try self.table(operation: operation)
        if table.publish(entry, hash: hash) { return }
        let grown = try replace(table, capacity: min(table.capacity * 2, ObjectDirectoryLayout.Table.maximumCapacity), operation: operation)
        guard grown.publish(entry, hash: hash) else {
            throw InterprocessError(.resourceLimit, operation: operation, name: heap.name,
                                    reason: "its named-object directory holds the most entries it can (\(ObjectDirectoryLayout.Table.maximumCapacity))")
        }
    }

    /// Copies `table`'s published slots into a new table of `capacity` and switches to it.
    ///
    /// The pending-table word names the new table until the switch, so the repair frees it if
    /// the switch never happened; it is cleared before the old table is freed, so a kill between
    /// the switch and that free leaks the old table rather than risking a second free.
    private func replace(_ table: ObjectTable, capacity: Int, operation: String) throws(InterprocessError) -> ObjectTable {
        let byteCount = ObjectTable.byteCount(capacity: capacity)
        let offset = try heap.allocate(byteCount: byteCount, alignment: 8)
        pendingTable = offset
        let address: UnsafeMutableRawPointer
        do { address = try heap.pointer(at: offset, byteCount: byteCount) } catch {
            pendingTable = .null
            try? heap.deallocate(offset)
            throw error
        }
        ObjectTable.initialize(at: address, capacity: capacity)
        table.copyPublished(to: address)
        SharedWord.store(offset.rawValue, self.address, Layout.tableOffset)
        pendingTable = .null
        try heap.deallocate(table.offset)
        return try ObjectTable(at: offset, in: heap, operation: operation)
    }

    /// Removes the entry in `slot` and frees it and its object.
    func remove(_ entry: ObjectEntry, slot: Int, from table: ObjectTable) throws(InterprocessError) {
        pendingEntry = entry.offset
        table.remove(slot)
        try release(entry.offset, repairing: false)
    }

    /// Frees the unpublished entry the pending-entry word names, and its object.
    ///
    /// Each block's offset leaves the shared words before the block is freed, so a kill between
    /// the two leaks it rather than leaving a word that a later repair would free twice.
    func release(_ offset: SegmentOffset, repairing: Bool) throws(InterprocessError) {
        let entry = try? heap.pointer(at: offset, byteCount: ObjectDirectoryLayout.Entry.namesOffset)
        var firstError: InterprocessError?
        if let entry, offset.rawValue % 8 == 0,
           SharedWord.load32(entry, ObjectDirectoryLayout.Entry.magicOffset) == ObjectDirectoryLayout.Entry.magic {
            let object = SegmentOffset(rawValue: SharedWord.load(entry, ObjectDirectoryLayout.Entry.objectOffset))
            if !object.isNull {
                SharedWord.store(0, entry, ObjectDirectoryLayout.Entry.objectOffset)
                do { try heap.deallocate(object) } catch { firstError = error }
            }
        }
        pendingEntry = .null
        do { try heap.deallocate(offset) } catch { firstError = firstError ?? error }
        if let firstError, !repairing { throw firstError }
    }

    /// Puts the directory right after a process died holding its lock: frees a pending table
    /// that is not the table, a pending anonymous object (its constructor never returned it), a
    /// pending entry that was not published, and removes every
    /// entry still `constructing` (only the lock's holder constructs, and it died). Words it
    /// cannot read are left as they are, to be reported as ``InterprocessError/Code/corrupt`` by
    /// the operation that meets them; a lock whose repair failed would help nobody.
    func repair(operation: String) {
        let table = try? self.table(operation: operation)
        let staleTable = pendingTable
        if !staleTable.isNull {
            pendingTable = .null
            if staleTable != table?.offset { try? heap.deallocate(staleTable) }
        }
        let staleObject = pendingObject
        if !staleObject.isNull {
            pendingObject = .null
            try? heap.deallocate(staleObject)
        }
        let staleEntry = pendingEntry
        if !staleEntry.isNull {
            if let table, table.slot(publishing: staleEntry) == nil {
                try? release(staleEntry, repairing: true)
            } else {
                pendingEntry = .null
            }
        }
        guard let table else { return }
        for (slot, offset) in table.entries {
            guard let entry = try? ObjectEntry(at: offset, in: heap, operation: operation), entry.state == .constructing else { continue }
            pendingEntry = offset
            table.remove(slot)
            try? release(offset, repairing: true)
        }
    }
}
#endif
