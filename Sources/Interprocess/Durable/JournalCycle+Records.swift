#if os(Linux)
public import Synchronization

/// Reading records in place: the one check of a record's words before anything uses them.
extension JournalCycle {
    /// What ``look(at:expecting:)`` returns when there is no record to take.
    @usableFromInline static let nothing = -1
    /// … when the words at the position are not a whole, valid record of the expected sequence
    /// (a torn or junk record, or a hostile peer's words).
    @usableFromInline static let invalid = -2

    /// The payload length of the record at `position` if it is committed, lies within the
    /// cycle, carries `sequence` and matches its checksum; ``nothing`` if its commit word is 0
    /// (or the cycle has no room for a header there); ``invalid`` otherwise.
    ///
    /// `position` must be 8-byte aligned and at least ``dataStart`` (callers only advance by
    /// whole records from there, or check an index entry with ``isRecordOffset(_:)`` first).
    @inlinable @inline(__always)
    func look(at position: Int, expecting sequence: UInt64) -> Int {
        JournalCycle.look(base: base, dataEnd: dataEnd, at: position, expecting: sequence)
    }

    /// ``look(at:expecting:)`` on a cycle's mapping and end, for callers that keep both in
    /// locals (the tailer's fast path touches no class reference).
    @inlinable @inline(__always)
    static func look(base: UnsafeMutableRawPointer, dataEnd: Int, at position: Int, expecting sequence: UInt64) -> Int {
        guard position &+ 8 <= dataEnd else { return JournalCycle.nothing }
        let commit = JournalLayout.word(base, position).pointee.load(ordering: .acquiring)
        if commit == 0 { return JournalCycle.nothing }
        let length = Int(truncatingIfNeeded: commit & 0xFFFF_FFFF)
        let padded = JournalLayout.padded(length)
        guard length <= JournalLayout.maximumPayload,
              dataEnd &- position &- JournalLayout.recordHeaderSize >= padded else { return JournalCycle.invalid }
        let record = base + position
        let storedSequence = UInt64(littleEndian: record.load(fromByteOffset: JournalLayout.sequenceFieldOffset, as: UInt64.self))
        let timestamp = UInt64(littleEndian: record.load(fromByteOffset: JournalLayout.timestampFieldOffset, as: UInt64.self))
        guard storedSequence == sequence,
              UInt32(truncatingIfNeeded: commit >> 32) == JournalLayout.checksum(
                payload: record + JournalLayout.recordHeaderSize, paddedLength: padded, length: length,
                sequence: sequence, timestamp: timestamp)
        else { return JournalCycle.invalid }
        return length
    }

    /// The offset just past the record at `position` whose payload is `length` bytes.
    @inlinable @inline(__always)
    static func end(of position: Int, length: Int) -> Int {
        position &+ JournalLayout.recordHeaderSize &+ JournalLayout.padded(length)
    }

    /// The timestamp of the record at `position` (after ``look(at:expecting:)`` accepted it).
    @inlinable @inline(__always)
    func timestamp(at position: Int) -> UInt64 {
        UInt64(littleEndian: base.load(fromByteOffset: position &+ JournalLayout.timestampFieldOffset, as: UInt64.self))
    }

    /// Whether `offset`, read from shared memory, can be a record's start in this cycle.
    func isRecordOffset(_ offset: UInt64) -> Bool {
        offset >= UInt64(dataStart) && offset &+ 8 <= UInt64(dataEnd) && offset & 7 == 0
    }

    /// The index entry `slot` if it holds a plausible offset.
    func indexEntry(_ slot: Int) -> Int? {
        guard slot >= 0, slot < indexCapacity else { return nil }
        let offset = indexWord(slot).pointee.load(ordering: .acquiring)
        return isRecordOffset(offset) ? Int(offset) : nil
    }

    /// The position and sequence of the record `sequence` or, when it lies beyond the readable
    /// records, of where the readable records end. Starts at the nearest index entry below it
    /// that checks out, so it reads at most `indexSpacing` records of a well-formed cycle.
    func seek(to sequence: UInt64) -> (position: Int, sequence: UInt64) {
        let slot = sequence > firstSequence ? Int(clamping: (sequence &- firstSequence) / UInt64(indexSpacing)) : 0
        return scan(fromSlot: min(slot, indexCapacity - 1), to: sequence, repairingIndex: false)
    }

    /// Reads forward to `sequence` (or the end) from the highest index slot at or below `slot`
    /// that checks out. `repairingIndex`: the writer fills index entries a writer killed between
    /// a commit and its index store left empty.
    private func scan(fromSlot slot: Int, to sequence: UInt64, repairingIndex: Bool) -> (position: Int, sequence: UInt64) {
        var position = dataStart
        var current = firstSequence
        var slot = slot
        while slot > 0 {
            let slotSequence = firstSequence &+ UInt64(slot) &* UInt64(indexSpacing)
            if let offset = indexEntry(slot), look(at: offset, expecting: slotSequence) >= 0 {
                position = offset
                current = slotSequence
                break
            }
            slot -= 1
        }
        while current < sequence {
            let length = look(at: position, expecting: current)
            if length < 0 { break }
            if repairingIndex, (current &- firstSequence) % UInt64(indexSpacing) == 0 {
                let entry = Int(clamping: (current &- firstSequence) / UInt64(indexSpacing))
                if entry < indexCapacity, indexEntry(entry) != position {
                    indexWord(entry).pointee.store(UInt64(position), ordering: .releasing)
                }
            }
            position = JournalCycle.end(of: position, length: length)
            current &+= 1
        }
        return (position, current)
    }

    /// Where the readable records end: the first position holding no valid record, and the
    /// sequence number a record there would carry. Binary-searches the index for its last
    /// entry (entries are written in order), then reads forward. `repairingIndex` as in `scan`.
    func readableEnd(repairingIndex: Bool = false) -> (position: Int, sequence: UInt64) {
        var low = 0, high = indexCapacity
        while low < high {
            let middle = (low + high) / 2
            if indexWord(middle).pointee.load(ordering: .acquiring) != 0 { low = middle + 1 } else { high = middle }
        }
        return scan(fromSlot: max(0, low - 1), to: .max, repairingIndex: repairingIndex)
    }

    /// The first record at or after `nanoseconds` (since the Unix epoch), as `seek` returns it.
    func seek(toTime nanoseconds: UInt64) -> (position: Int, sequence: UInt64) {
        // Index entries are in time order: find the last one before the time, then read forward.
        var position = dataStart
        var current = firstSequence
        var slot = 1
        while let offset = indexEntry(slot) {
            let slotSequence = firstSequence &+ UInt64(slot) &* UInt64(indexSpacing)
            guard look(at: offset, expecting: slotSequence) >= 0, timestamp(at: offset) < nanoseconds else { break }
            position = offset
            current = slotSequence
            slot += 1
        }
        while true {
            let length = look(at: position, expecting: current)
            if length < 0 || timestamp(at: position) >= nanoseconds { break }
            position = JournalCycle.end(of: position, length: length)
            current &+= 1
        }
        return (position, current)
    }
}
#endif
