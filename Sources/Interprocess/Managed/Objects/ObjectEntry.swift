#if os(Linux)
/// One entry block of the directory, read and checked: every field is validated here, the one
/// choke point for entry words (a bad one is ``InterprocessError/Code/corrupt`` naming the entry).
struct ObjectEntry {
    typealias Layout = ObjectDirectoryLayout.Entry

    /// An entry's life: published while `constructing`, `ready` once the object is initialized.
    enum State: UInt32 {
        case constructing = 1
        case ready = 2
    }

    let offset: SegmentOffset
    let address: UnsafeMutableRawPointer
    let state: State
    let owner: UInt64
    let object: SegmentOffset
    let count: Int
    let kind: ObjectKind
    let name: [UInt8]
    let type: ObjectType

    /// The entry block at `offset`, validated.
    init(at offset: SegmentOffset, in heap: some ObjectHeap, operation: String) throws(InterprocessError) {
        func corrupt(_ reason: String) -> InterprocessError {
            InterprocessError(.corrupt, operation: operation, name: heap.name,
                              reason: "the named-object entry at offset \(offset.rawValue) \(reason)")
        }
        guard offset.rawValue % UInt64(Layout.alignment) == 0 else { throw corrupt("is not 8-byte aligned") }
        let head: UnsafeMutableRawPointer
        do { head = try heap.pointer(at: offset, byteCount: Layout.namesOffset) } catch { throw corrupt("lies outside the heap") }
        guard SharedWord.load32(head, Layout.magicOffset) == Layout.magic else { throw corrupt("has a bad magic number") }
        guard let state = State(rawValue: SharedWord.load32(head, Layout.stateOffset)) else { throw corrupt("has an unknown state") }
        let sizes = SharedWord.load(head, Layout.sizeOffset)
        let size = UInt32(truncatingIfNeeded: sizes), alignment = UInt32(truncatingIfNeeded: sizes >> 32)
        let packed = SharedWord.load(head, Layout.strideOffset)
        let stride = UInt32(truncatingIfNeeded: packed)
        let kindByte = UInt8(truncatingIfNeeded: packed >> 32)
        let nameLength = Int(UInt16(truncatingIfNeeded: packed >> 48))
        let typeNameLength = Int(SharedWord.load32(head, Layout.typeNameLengthOffset))
        guard let kind = ObjectKind(rawValue: kindByte) else { throw corrupt("has an unknown kind \(kindByte)") }
        guard alignment > 0, alignment & (alignment &- 1) == 0, alignment <= 65_536, stride >= size, stride % alignment == 0
        else { throw corrupt("describes an impossible type (size \(size), alignment \(alignment), stride \(stride))") }
        guard (1...ObjectKey.maximumNameLength).contains(nameLength), (1...ObjectType.maximumNameLength).contains(typeNameLength)
        else { throw corrupt("has name lengths \(nameLength) and \(typeNameLength)") }
        let rawCount = SharedWord.load(head, Layout.countOffset)
        guard rawCount >= 1, rawCount <= UInt64(Int.max),
              ObjectType(size: size, alignment: alignment, stride: stride, name: []).byteCount(count: Int(rawCount)) != nil
        else { throw corrupt("has an impossible count \(rawCount)") }
        let count = Int(rawCount)
        let whole: UnsafeMutableRawPointer
        do { whole = try heap.pointer(at: offset, byteCount: Layout.namesOffset + nameLength + typeNameLength) }
        catch { throw corrupt("has names that run outside the heap") }
        let names = UnsafeRawBufferPointer(start: whole + Layout.namesOffset, count: nameLength + typeNameLength)
        self.offset = offset
        address = whole
        self.state = state
        owner = SharedWord.load(head, Layout.ownerOffset)
        object = SegmentOffset(rawValue: SharedWord.load(head, Layout.objectOffset))
        self.count = count
        self.kind = kind
        name = Array(names[..<nameLength])
        type = ObjectType(size: size, alignment: alignment, stride: stride, name: Array(names[nameLength...]))
    }

    /// The bytes an entry for `key` and `type` takes.
    static func byteCount(key: ObjectKey, type: ObjectType) -> Int {
        Layout.namesOffset + key.bytes.count + type.name.count
    }

    /// Writes a new entry, `constructing` by the calling process with no object yet, at
    /// `address` (a block of ``byteCount(key:type:)`` bytes nobody else knows of).
    static func write(at address: UnsafeMutableRawPointer, key: ObjectKey, type: ObjectType, count: Int) {
        SharedWord.store32(Layout.magic, address, Layout.magicOffset)
        SharedWord.store32(State.constructing.rawValue, address, Layout.stateOffset)
        SharedWord.store(PackedProcessIdentity.claimWord.pack(CachedProcessIdentity.current), address, Layout.ownerOffset)
        SharedWord.store(0, address, Layout.objectOffset)
        SharedWord.store(UInt64(count), address, Layout.countOffset)
        SharedWord.store(UInt64(type.size) | UInt64(type.alignment) << 32, address, Layout.sizeOffset)
        SharedWord.store(UInt64(type.stride) | UInt64(key.kind.rawValue) << 32 | UInt64(key.bytes.count) << 48, address, Layout.strideOffset)
        SharedWord.store(UInt64(type.name.count), address, Layout.typeNameLengthOffset)
        let names = address + Layout.namesOffset
        key.bytes.withUnsafeBytes { names.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        type.name.withUnsafeBytes { (names + key.bytes.count).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    /// Whether this entry is for `key`.
    func matches(_ key: ObjectKey) -> Bool { kind == key.kind && name == key.bytes }

    /// Records the object's block.
    func setObject(_ object: SegmentOffset) { SharedWord.store(object.rawValue, address, Layout.objectOffset) }

    /// Publishes the object as complete.
    func markReady() { SharedWord.store32(State.ready.rawValue, address, Layout.stateOffset) }

    /// The name as text.
    var nameText: String { String(decoding: name, as: UTF8.self) }
}
#endif
