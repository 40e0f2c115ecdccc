#if os(Linux)
/// The byte layout of the named-object directory (docs/FORMAT.md, "Named objects"): three kinds
/// of heap blocks, all little-endian, all found from the managed header's directory root word.
enum ObjectDirectoryLayout {
    /// The directory block: its header, then its lock.
    enum Directory {
        /// `IPOD` in ASCII (little-endian UInt32).
        static let magic: UInt32 = 0x444F_5049
        /// The directory layout version this library writes and reads.
        static let version: UInt32 = 1
        static let magicOffset = 0
        static let versionOffset = 4
        /// The offset of the slot table (a table block).
        static let tableOffset = 8
        /// An entry block being published or released: freed by the repair unless published.
        static let pendingEntryOffset = 16
        /// A table block being switched in or out: freed by the repair unless it is the table.
        static let pendingTableOffset = 24
        /// An anonymous object being initialized: freed by the repair (nobody was given it yet).
        static let pendingObjectOffset = 32
        /// The recursive ``ProcessMutex`` that serializes every directory operation.
        static let lockOffset = 64
        /// The whole block.
        static let size = 192
        /// The block's alignment (the lock's).
        static let alignment = 64
    }

    /// The table block: a capacity, a high-water mark, then 16-byte slots.
    enum Table {
        static let capacityOffset = 0
        /// Slots at and past `used` are all zero; a slot below it whose entry is 0 is free.
        static let usedOffset = 8
        static let slotsOffset = 16
        static let slotSize = 16
        /// In a slot: the FNV-1a hash of the kind byte and the name's UTF-8 bytes.
        static let slotHashOffset = 0
        /// In a slot: the entry block's offset; 0 for a free slot. Written last, cleared first.
        static let slotEntryOffset = 8
        /// The capacity of a new table.
        static let initialCapacity = 16
        /// The largest capacity read as valid (a bound against hostile words).
        static let maximumCapacity = 1 << 24
    }

    /// The entry block: one named or unique object.
    enum Entry {
        /// `IPOE` in ASCII (little-endian UInt32).
        static let magic: UInt32 = 0x454F_5049
        static let magicOffset = 0
        /// ``ObjectEntry/State``.
        static let stateOffset = 4
        /// The constructing process (``PackedProcessIdentity/claimWord``).
        static let ownerOffset = 8
        /// The object's block; 0 until allocated.
        static let objectOffset = 16
        static let countOffset = 24
        static let sizeOffset = 32
        static let alignmentOffset = 36
        static let strideOffset = 40
        /// ``ObjectKind``.
        static let kindOffset = 44
        static let nameLengthOffset = 46
        static let typeNameLengthOffset = 48
        /// The name's UTF-8 bytes, then the type name's.
        static let namesOffset = 56
        static let alignment = 8
    }
}
#endif
