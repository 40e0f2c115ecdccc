#if os(Linux)
extension JournalWriter {
    /// After an append under a durability other than ``JournalDurability/memory``: writes back
    /// the record now (``JournalDurability/synchronous``) or the batch when it is due.
    @usableFromInline
    mutating func writeBack(recordStart: Int, end: Int, timestamp: UInt64) throws(InterprocessError) {
        appendsSinceFlush += 1
        switch control.configuration.durability {
        case .memory: return
        case .synchronous: break
        case .flushedEvery(let records): guard appendsSinceFlush >= records else { return }
        case .flushed(let interval):
            guard timestamp &- lastFlush >= JournalConfiguration.Rolling.every(interval).nanoseconds else { return }
        }
        try flushPending()
        lastFlush = timestamp
    }

    /// Writes back every record appended since the last write-back, with the index entries
    /// written for them.
    mutating func flushPending() throws(InterprocessError) {
        guard position > flushedUpTo else { return }
        do {
            // The next commit word (cleared by the last append) goes with the records.
            try cycle.file.region.flush(flushedUpTo..<min(position + 8, cycle.dataEnd))
            let first = flushedSequence &- indexBase, last = nextSequence &- 1 &- indexBase
            let firstSlot = Int(truncatingIfNeeded: (first &+ indexMask) >> indexShift)
            let lastSlot = min(Int(truncatingIfNeeded: last >> indexShift), indexCapacity - 1)
            if firstSlot <= lastSlot {
                try cycle.file.region.flush((JournalLayout.indexOffset + firstSlot * 8)..<(JournalLayout.indexOffset + (lastSlot + 1) * 8))
            }
        } catch {
            throw error.reported(as: "write back journal")
        }
        flushCount += 1
        appendsSinceFlush = 0
        flushedUpTo = position
        flushedSequence = nextSequence
    }

    /// Writes back everything appended so far, whatever the durability.
    public mutating func flush() throws(InterprocessError) {
        try flushPending()
        lastFlush = JournalFiles.now()
    }
}
#endif
