#if os(Linux)
import Synchronization

/// The named tailers' table in the control file: 64 slots of `state · name length · position ·
/// name`. Slots change only under the registry seat; a position is one atomic word that only
/// the tailer holding the slot's seat writes.
extension JournalControl {
    /// A named tailer as recorded.
    struct TailerSlot {
        var index: Int
        var name: String
        /// The next sequence number the tailer will read.
        var position: UInt64
    }

    /// The address of slot `index`.
    func slotBase(_ index: Int) -> UnsafeMutableRawPointer {
        base + JournalLayout.tailersOffset + index * JournalLayout.tailerSlotSize
    }

    /// The position word of slot `index`.
    func positionWord(_ index: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        JournalLayout.word(slotBase(index), JournalLayout.tailerPositionOffset)
    }

    /// The slots in use. A slot whose name length is out of range is skipped (it names nothing
    /// a tailer could ask for) and reported as unnamed.
    var tailerSlots: [TailerSlot] {
        (0..<JournalLayout.tailerSlots).compactMap { index -> TailerSlot? in
            let slot = slotBase(index)
            guard JournalLayout.word32(slot, JournalLayout.tailerStateOffset).pointee.load(ordering: .acquiring) == 1 else { return nil }
            let length = Int(UInt32(littleEndian: slot.loadUnaligned(fromByteOffset: JournalLayout.tailerNameLengthOffset, as: UInt32.self)))
            guard length <= JournalLayout.tailerNameCapacity else { return nil }
            let name = String(decoding: UnsafeRawBufferPointer(start: slot + JournalLayout.tailerNameOffset, count: length), as: UTF8.self)
            return TailerSlot(index: index, name: name, position: positionWord(index).pointee.load(ordering: .acquiring))
        }
    }

    /// The slot of the tailer `name`, recording it at `initialPosition` (computed only then) if
    /// it is new. Throws `resourceLimit` when all slots are used.
    func slot(
        named name: String, initialPosition: () throws(InterprocessError) -> UInt64
    ) throws(InterprocessError) -> (index: Int, created: Bool) {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= JournalLayout.tailerNameCapacity else {
            throw InterprocessError(.invalidName, operation: "make journal tailer", name: directory,
                                    reason: "a tailer's name is 1 to \(JournalLayout.tailerNameCapacity) bytes of UTF-8 (got \(bytes.count))")
        }
        return try withRegistry { () throws(InterprocessError) -> (index: Int, created: Bool) in
            if let existing = tailerSlots.first(where: { $0.name == name }) { return (existing.index, false) }
            guard let free = (0..<JournalLayout.tailerSlots).first(where: {
                JournalLayout.word32(slotBase($0), JournalLayout.tailerStateOffset).pointee.load(ordering: .acquiring) != 1
            }) else {
                throw InterprocessError(.resourceLimit, operation: "make journal tailer", name: directory,
                                        reason: "all \(JournalLayout.tailerSlots) named tailer slots are used; remove one with Journal.removeTailer(named:)")
            }
            let position = try initialPosition()
            let slot = slotBase(free)
            for offset in 0..<JournalLayout.tailerSlotSize { slot.storeBytes(of: 0, toByteOffset: offset, as: UInt8.self) }
            slot.storeBytes(of: UInt32(bytes.count).littleEndian, toByteOffset: JournalLayout.tailerNameLengthOffset, as: UInt32.self)
            for (offset, byte) in bytes.enumerated() {
                slot.storeBytes(of: byte, toByteOffset: JournalLayout.tailerNameOffset + offset, as: UInt8.self)
            }
            positionWord(free).pointee.store(position, ordering: .relaxed)
            JournalLayout.word32(slot, JournalLayout.tailerStateOffset).pointee.store(1, ordering: .releasing)
            return (free, true)
        }
    }

    /// Frees the slot of the tailer `name`; false if there is none. Throws `alreadyExists` while
    /// a live tailer holds it.
    func removeTailer(named name: String) throws(InterprocessError) -> Bool {
        try withRegistry { () throws(InterprocessError) -> Bool in
            guard let existing = tailerSlots.first(where: { $0.name == name }) else { return false }
            guard try tryTake(seat: JournalControl.tailerSeat + Int64(existing.index)) else {
                throw InterprocessError(.alreadyExists, operation: "remove journal tailer", name: directory,
                                        reason: "tailer '\(name)' is in use by a live process")
            }
            defer { release(seat: JournalControl.tailerSeat + Int64(existing.index)) }
            JournalLayout.word32(slotBase(existing.index), JournalLayout.tailerStateOffset).pointee.store(0, ordering: .releasing)
            return true
        }
    }
}
#endif
