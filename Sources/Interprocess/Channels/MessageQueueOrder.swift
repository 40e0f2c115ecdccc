#if os(Linux)
/// One entry of a message queue's order: a message's sequence and priority (its place in the
/// heap) and the slot that holds it.
@usableFromInline @frozen
struct MessageQueueEntry {
    @usableFromInline var sequence: UInt64
    @usableFromInline var priority: UInt32
    @usableFromInline var slot: UInt32

    @inlinable @inline(__always)
    init(sequence: UInt64, priority: UInt32, slot: UInt32) {
        self.sequence = sequence
        self.priority = priority
        self.slot = slot
    }

    /// Whether `self` is received before `other`: a higher priority, or the same one sent earlier.
    @inlinable @inline(__always)
    func precedes(_ other: MessageQueueEntry) -> Bool {
        priority > other.priority || (priority == other.priority && sequence < other.sequence)
    }
}

/// The heap of the order, changed only under the queue's lock. The first `count` entries form a
/// binary heap (``MessageQueueEntry/precedes(_:)``); the others name the free slots. The slots'
/// sequence words are the truth: whatever a holder of the lock killed mid-change leaves here,
/// ``rebuildOrder()`` makes whole from them.
///
/// Slot numbers read from the order are used only after the caller checked them against the
/// capacity; sifting moves entries without reading through them, so no word here can make the
/// queue touch memory outside its body.
extension MessageQueueMapping {
    @inlinable @inline(__always)
    func entry(_ position: Int) -> MessageQueueEntry {
        let address = order + position &* MessageQueueLayout.entryStride
        return MessageQueueEntry(sequence: address.load(fromByteOffset: MessageQueueLayout.entrySequenceOffset, as: UInt64.self),
                                 priority: address.load(fromByteOffset: MessageQueueLayout.entryPriorityOffset, as: UInt32.self),
                                 slot: address.load(fromByteOffset: MessageQueueLayout.entrySlotOffset, as: UInt32.self))
    }

    @inlinable @inline(__always)
    func setEntry(_ position: Int, _ entry: MessageQueueEntry) {
        let address = order + position &* MessageQueueLayout.entryStride
        address.storeBytes(of: entry.sequence, toByteOffset: MessageQueueLayout.entrySequenceOffset, as: UInt64.self)
        address.storeBytes(of: entry.priority, toByteOffset: MessageQueueLayout.entryPriorityOffset, as: UInt32.self)
        address.storeBytes(of: entry.slot, toByteOffset: MessageQueueLayout.entrySlotOffset, as: UInt32.self)
    }

    /// Puts `entry` into the heap of `count` entries at position `count` and sifts it up.
    /// - Complexity: O(log count); O(1) when every message has the same priority.
    @inlinable @inline(__always)
    func siftUp(_ entry: MessageQueueEntry, count: Int) {
        var position = count
        while position > 0 {
            let parent = (position &- 1) >> 1
            let above = self.entry(parent)
            if !entry.precedes(above) { break }
            setEntry(position, above)
            position = parent
        }
        setEntry(position, entry)
    }

    /// Places `entry` at `start` in the heap of `count` entries and sifts it down.
    /// - Complexity: O(log count).
    @inlinable @inline(__always)
    func siftDown(_ entry: MessageQueueEntry, from start: Int, count: Int) {
        var position = start
        while true {
            let left = position &* 2 &+ 1
            if left >= count { break }
            var child = left
            var below = self.entry(left)
            let right = left &+ 1
            if right < count {
                let other = self.entry(right)
                if other.precedes(below) {
                    child = right
                    below = other
                }
            }
            if !below.precedes(entry) { break }
            setEntry(position, below)
            position = child
        }
        setEntry(position, entry)
    }

    /// Rebuilds the order from the slots after a holder of the lock died: every slot whose
    /// sequence word is set (and whose length is possible) is a message, every other one is free.
    /// Returns the message count. Call holding the lock.
    ///
    /// A send is committed by its slot's sequence store and a receive by clearing it, so a
    /// holder killed anywhere leaves each message either wholly in the queue or wholly out.
    /// - Complexity: O(capacity).
    func rebuildOrder() -> Int {
        var messages = 0
        var free = capacity
        var highest: UInt64 = 0
        for index in 0..<capacity {
            let slot = self.slot(index)
            let sequence = slot.load(fromByteOffset: MessageQueueLayout.slotSequenceOffset, as: UInt64.self)
            let length = slot.load(fromByteOffset: MessageQueueLayout.slotLengthOffset, as: UInt32.self)
            if sequence != 0, Int(length) <= maximumSize {
                let priority = slot.load(fromByteOffset: MessageQueueLayout.slotPriorityOffset, as: UInt32.self)
                setEntry(messages, MessageQueueEntry(sequence: sequence, priority: priority, slot: UInt32(index)))
                messages += 1
                highest = Swift.max(highest, sequence)
            } else {
                // A length no sender writes is dropped rather than delivered.
                slot.storeBytes(of: 0, toByteOffset: MessageQueueLayout.slotSequenceOffset, as: UInt64.self)
                free -= 1
                setEntry(free, MessageQueueEntry(sequence: 0, priority: 0, slot: UInt32(index)))
            }
        }
        var parent = messages / 2
        while parent > 0 {
            parent -= 1
            siftDown(entry(parent), from: parent, count: messages)
        }
        if nextSequence <= highest { nextSequence = highest &+ 1 }
        if nextSequence == 0 { nextSequence = 1 }
        self.count.pointee.store(UInt32(messages), ordering: .sequentiallyConsistent)
        _ = word64(MessageQueueLayout.repairsOffset).pointee.wrappingAdd(1, ordering: .relaxed)
        return messages
    }
}
#endif
