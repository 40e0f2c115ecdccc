#if os(Linux)
public import Synchronization

/// What the writer and the readers find in an opened blackboard segment, after validating
/// every word the creator wrote (the one choke point: later reads trust only what was checked
/// here, and judge the words the writer keeps changing as they read them).
@usableFromInline
struct BlackboardMapping: @unchecked Sendable {
    // @unchecked: immutable after init; the pointers are into a mapping `storage` keeps alive,
    // and every access through them is atomic or part of the stamp protocol (docs/FORMAT.md).
    @usableFromInline let storage: QueueStorage
    @usableFromInline let base: UnsafeMutableRawPointer
    /// The entries, as validated.
    let entries: [Blackboard.Entry]
    /// Each entry's version line, from the body's start.
    let dataOffsets: [Int]
    /// Copies per entry (a power of two).
    @usableFromInline let copies: Int
    /// The body's size: every entry's data lies below it.
    @usableFromInline let bodySize: Int

    init(_ storage: QueueStorage, operation: String) throws(InterprocessError) {
        let body = storage.body
        let name = storage.name
        func corrupt(_ reason: String) -> InterprocessError {
            InterprocessError(.corrupt, operation: operation, name: name, reason: reason)
        }
        guard body.count > BlackboardLayout.entriesOffset else { throw corrupt("its body of \(body.count) bytes is too small for a blackboard") }
        let base = body.baseAddress!
        let u32 = { (offset: Int) in Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
        let u64 = { (offset: Int) in UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        guard UInt32(truncatingIfNeeded: u32(BlackboardLayout.tagOffset)) == BlackboardLayout.tag else {
            throw corrupt("its body does not start with the blackboard tag")
        }
        let count = u32(BlackboardLayout.entryCountOffset), copies = u32(BlackboardLayout.copiesOffset)
        guard Blackboard.entryCountRange.contains(count), Blackboard.copiesRange.contains(copies), copies & (copies - 1) == 0 else {
            throw corrupt("its \(count) entries of \(copies) copies are outside \(Blackboard.entryCountRange) entries of \(Blackboard.copiesRange) copies (a power of two)")
        }
        let tableEnd = BlackboardLayout.entriesOffset + count * BlackboardLayout.descriptorSize
        guard tableEnd <= body.count else { throw corrupt("its entry table of \(count) entries runs past its body of \(body.count) bytes") }
        var entries: [Blackboard.Entry] = [], offsets: [Int] = []
        var next = Blackboard.dataStart(entryCount: count)
        var keys = Set<Blackboard.Key>()
        for index in 0..<count {
            let descriptor = BlackboardLayout.entriesOffset + index * BlackboardLayout.descriptorSize
            guard let entry = BlackboardMapping.entry(at: base + descriptor) else {
                throw corrupt("entry \(index)'s descriptor holds a key, kind or size no creator writes")
            }
            let recorded = u64(descriptor + BlackboardLayout.entryDataOffset)
            guard recorded == UInt64(next), keys.insert(entry.key).inserted else {
                throw corrupt("entry \(index) (\(entry.key)) records its data at \(recorded), not \(next), or repeats a key")
            }
            entries.append(entry)
            offsets.append(next)
            next += BlackboardLayout.entryFootprint(size: entry.size, copies: copies)
        }
        guard u64(BlackboardLayout.dataSizeOffset) == UInt64(next - BlackboardLayout.entriesOffset), next <= body.count else {
            throw corrupt("its entries need \(next) bytes, which its data size \(u64(BlackboardLayout.dataSizeOffset)) and body of \(body.count) bytes do not match")
        }
        self.base = base
        self.entries = entries
        self.dataOffsets = offsets
        self.copies = copies
        self.bodySize = body.count
        self.storage = storage
    }

    /// Whether every copy of `key`'s entry lies inside this board's body. A key is made by its
    /// own board, but one of a larger board used with this one would address memory past it:
    /// the writer and the readers check this before the stamp protocol (one compare).
    @usableFromInline @inline(__always)
    func contains<Value>(_ key: BlackboardKey<Value>) -> Bool {
        let end = UInt(bitPattern: key.dataOffset) &+ UInt(BlackboardLayout.versionLineSize) &+ UInt(copies) &* UInt(bitPattern: key.stride)
        return UInt(bitPattern: key.dataOffset) >= UInt(BlackboardLayout.entriesOffset) && end <= UInt(bodySize)
            && UInt(bitPattern: key.stride) <= UInt(bodySize)
    }

    /// Reads one descriptor; nil when a field holds what no creator writes.
    static func entry(at descriptor: UnsafeMutableRawPointer) -> Blackboard.Entry? {
        let u32 = { (offset: Int) in Int(UInt32(littleEndian: descriptor.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
        let text = { (offset: Int, length: Int) -> String? in
            guard (0...BlackboardLayout.nameCapacity).contains(length) else { return nil }
            return String(validating: UnsafeRawBufferPointer(start: descriptor + offset, count: length), as: UTF8.self)
        }
        let size = u32(BlackboardLayout.valueSizeOffset)
        guard Blackboard.valueSizeRange.contains(size) else { return nil }
        let key: Blackboard.Key
        switch UInt32(u32(BlackboardLayout.keyKindOffset)) {
        case BlackboardLayout.nameKey:
            let length = u32(BlackboardLayout.keyNameLengthOffset)
            guard length > 0, let name = text(BlackboardLayout.keyNameOffset, length) else { return nil }
            key = .name(name)
        case BlackboardLayout.numberKey:
            key = .number(UInt64(littleEndian: descriptor.loadUnaligned(fromByteOffset: BlackboardLayout.keyNumberOffset, as: UInt64.self)))
        default: return nil
        }
        switch UInt32(u32(BlackboardLayout.valueKindOffset)) {
        case BlackboardLayout.fixedValue:
            guard let typeName = text(BlackboardLayout.typeNameOffset, u32(BlackboardLayout.typeNameLengthOffset)) else { return nil }
            return Blackboard.Entry(key: key, content: .value, size: size, typeName: typeName)
        case BlackboardLayout.bytesValue:
            return Blackboard.Entry(key: key, content: .bytes, size: size, typeName: nil)
        default: return nil
        }
    }

    /// Writes one descriptor (the creator, into a zero-filled body).
    static func write(_ entry: Blackboard.Entry, dataOffset: Int, at descriptor: UnsafeMutableRawPointer) {
        func store32(_ value: Int, _ offset: Int) { descriptor.storeBytes(of: UInt32(value).littleEndian, toByteOffset: offset, as: UInt32.self) }
        func text(_ string: String, at offset: Int) -> Int {
            let bytes = Array(string.utf8.prefix(BlackboardLayout.nameCapacity))
            bytes.withUnsafeBytes { (descriptor + offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            return bytes.count
        }
        switch entry.key {
        case .name(let name):
            store32(Int(BlackboardLayout.nameKey), BlackboardLayout.keyKindOffset)
            store32(text(name, at: BlackboardLayout.keyNameOffset), BlackboardLayout.keyNameLengthOffset)
        case .number(let number):
            store32(Int(BlackboardLayout.numberKey), BlackboardLayout.keyKindOffset)
            descriptor.storeBytes(of: number.littleEndian, toByteOffset: BlackboardLayout.keyNumberOffset, as: UInt64.self)
        }
        store32(entry.size, BlackboardLayout.valueSizeOffset)
        if entry.content == .value {
            store32(Int(BlackboardLayout.fixedValue), BlackboardLayout.valueKindOffset)
            let typeName = entry.typeName ?? ""
            store32(text(typeName, at: BlackboardLayout.typeNameOffset), BlackboardLayout.typeNameLengthOffset)
            descriptor.storeBytes(of: FNV1a.hash(typeName.utf8).littleEndian, toByteOffset: BlackboardLayout.typeHashOffset, as: UInt64.self)
        } else {
            store32(Int(BlackboardLayout.bytesValue), BlackboardLayout.valueKindOffset)
        }
        descriptor.storeBytes(of: UInt64(dataOffset).littleEndian, toByteOffset: BlackboardLayout.entryDataOffset, as: UInt64.self)
    }

    /// The atomic 64-bit word at `offset` in the body, bound for this process.
    @usableFromInline
    func word64(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
    }

    /// The atomic 32-bit word at `offset` in the body, bound for this process.
    func word32(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (base + offset).bindMemory(to: Atomic<UInt32>.self, capacity: 1)
    }

    /// Where readers sleep for a change: the low half of the change count (it changes on every
    /// write), with the sleeping readers' count.
    var changeParking: FutexParking {
        FutexParking(word: base + BlackboardLayout.changeCountOffset, waiters: word32(BlackboardLayout.sleepersOffset), sleepers: .many)
    }

    /// The error for a shared word no writer produces.
    @usableFromInline
    func corruption(_ reason: String, operation: String) -> InterprocessError {
        InterprocessError(.corrupt, operation: operation, name: storage.name, reason: reason)
    }
}
#endif
