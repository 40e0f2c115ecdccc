#if os(Linux)
/// The named-object operations, on any ``ObjectHeap`` (the public forms on ``ManagedSegment``
/// forward here). Each runs holding the directory lock and reports failures as one operation
/// ("construct object 'x' in managed segment").
extension ObjectHeap {
    /// Constructs `count` elements under `key`, or returns the existing object when `findExisting`.
    func constructObject<T: BitwiseCopyable>(
        _ type: T.Type, key kind: ObjectKind, name: String, typeName: String, count: Int, findExisting: Bool,
        operation: String, initializer: (Int) -> T
    ) throws(InterprocessError) -> (offset: TypedSegmentOffset<T>, count: Int, wasConstructed: Bool) {
        do throws(InterprocessError) {
            let key = try ObjectKey(kind, name, operation: operation, segment: self.name)
            let type = try ObjectType(T.self, typeName: typeName, operation: operation, segment: self.name)
            guard count >= 1, let byteCount = type.byteCount(count: count) else {
                throw InterprocessError(.invalidArgument, operation: operation, name: self.name,
                                        reason: "the count must be at least 1 and its bytes must fit in an Int (got \(count))")
            }
            let directory = try ObjectDirectory.openOrCreate(in: self, operation: operation)
            return try directory.withLock(operation: operation) { () throws(InterprocessError) in
                if let (_, existing) = try directory.lookupSettled(key, operation: operation) {
                    guard findExisting else {
                        throw InterprocessError(.alreadyExists, operation: operation, name: self.name,
                                                reason: "the segment already holds \(key.described) (\(existing.type.described) × \(existing.count))")
                    }
                    let found: TypedSegmentOffset<T> = try checkedObject(existing, as: type, key: key, operation: operation)
                    return (found, existing.count, false)
                }
                let entry = try directory.publishConstructing(key, type: type, count: count, operation: operation)
                let object: SegmentOffset
                let elements: UnsafeMutablePointer<T>
                do throws(InterprocessError) {
                    object = try allocate(byteCount: byteCount, alignment: Int(type.alignment))
                    entry.setObject(object)
                    elements = try pointer(at: object, byteCount: byteCount).bindMemory(to: T.self, capacity: count)
                } catch {
                    let table = try directory.table(operation: operation)
                    if let slot = table.slot(publishing: entry.offset) { try? directory.remove(entry, slot: slot, from: table) }
                    throw error
                }
                for index in 0..<count { (elements + index).initialize(to: initializer(index)) }
                entry.markReady()
                return (TypedSegmentOffset(object), count, true)
            }
        } catch {
            throw error.reported(as: operation)
        }
    }

    /// Constructs `count` anonymous elements holding the directory lock, with the object's
    /// offset in the pending-object word while `initializer` runs, so that a process killed
    /// inside leaves it to the repair instead of leaking it.
    func constructAnonymousObject<T: BitwiseCopyable>(
        _ type: T.Type, count: Int, operation: String, initializer: (Int) -> T
    ) throws(InterprocessError) -> TypedSegmentOffset<T> {
        do throws(InterprocessError) {
            let (byteCount, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
            guard count >= 1, !overflow else {
                throw InterprocessError(.invalidArgument, operation: operation, name: self.name,
                                        reason: "the count must be at least 1 and its bytes must fit in an Int (got \(count))")
            }
            let directory = try ObjectDirectory.openOrCreate(in: self, operation: operation)
            return try directory.withLock(operation: operation) { () throws(InterprocessError) in
                let object = try allocate(byteCount: byteCount, alignment: MemoryLayout<T>.alignment)
                directory.pendingObject = object
                let elements: UnsafeMutablePointer<T>
                do throws(InterprocessError) {
                    elements = try pointer(at: object, byteCount: byteCount).bindMemory(to: T.self, capacity: count)
                } catch {
                    directory.pendingObject = .null
                    try? deallocate(object)
                    throw error
                }
                for index in 0..<count { (elements + index).initialize(to: initializer(index)) }
                directory.pendingObject = .null
                return TypedSegmentOffset(object)
            }
        } catch {
            throw error.reported(as: operation)
        }
    }

    /// The object under `key`, checked against `T`; nil if there is none.
    func findObject<T: BitwiseCopyable>(
        _ type: T.Type, key kind: ObjectKind, name: String, typeName: String, operation: String
    ) throws(InterprocessError) -> (offset: TypedSegmentOffset<T>, count: Int)? {
        do throws(InterprocessError) {
            let key = try ObjectKey(kind, name, operation: operation, segment: self.name)
            let type = try ObjectType(T.self, typeName: typeName, operation: operation, segment: self.name)
            guard let directory = try ObjectDirectory.openIfPresent(in: self, operation: operation) else { return nil }
            return try directory.withLock(operation: operation) { () throws(InterprocessError) in
                guard let (_, entry) = try directory.lookupSettled(key, operation: operation) else { return nil }
                return (try checkedObject(entry, as: type, key: key, operation: operation), entry.count)
            }
        } catch {
            throw error.reported(as: operation)
        }
    }

    /// Removes the object under `key` and frees it.
    func destroyObject(key kind: ObjectKind, name: String, operation: String) throws(InterprocessError) {
        do throws(InterprocessError) {
            let key = try ObjectKey(kind, name, operation: operation, segment: self.name)
            let notFound = InterprocessError(.notFound, operation: operation, name: self.name, reason: "the segment holds no \(key.described)")
            guard let directory = try ObjectDirectory.openIfPresent(in: self, operation: operation) else { throw notFound }
            try directory.withLock(operation: operation) { () throws(InterprocessError) in
                guard let (slot, entry) = try directory.lookupSettled(key, operation: operation) else { throw notFound }
                try directory.remove(entry, slot: slot, from: try directory.table(operation: operation))
            }
        } catch {
            throw error.reported(as: operation)
        }
    }

    /// Every complete named and unique object, in table order.
    func listObjects(operation: String) throws(InterprocessError) -> [NamedObjectInfo] {
        do throws(InterprocessError) {
            guard let directory = try ObjectDirectory.openIfPresent(in: self, operation: operation) else { return [] }
            return try directory.withLock(operation: operation) { () throws(InterprocessError) in
                let table = try directory.table(operation: operation)
                var objects: [NamedObjectInfo] = []
                for (_, offset) in table.entries {
                    let entry = try ObjectEntry(at: offset, in: self, operation: operation)
                    guard entry.state == .ready else { continue }
                    objects.append(NamedObjectInfo(
                        name: entry.nameText, isUnique: entry.kind == .unique, typeName: entry.type.text, size: Int(entry.type.size),
                        alignment: Int(entry.type.alignment), stride: Int(entry.type.stride), count: entry.count, offset: entry.object))
                }
                return objects
            }
        } catch {
            throw error.reported(as: operation)
        }
    }

    /// Whether `object` is the object of a named or unique entry.
    func isPublishedObject(_ object: SegmentOffset, operation: String) throws(InterprocessError) -> Bool {
        guard let directory = try ObjectDirectory.openIfPresent(in: self, operation: operation) else { return false }
        return try directory.withLock(operation: operation) { () throws(InterprocessError) in
            let table = try directory.table(operation: operation)
            for (_, offset) in table.entries where try ObjectEntry(at: offset, in: self, operation: operation).object == object {
                return true
            }
            return false
        }
    }

    /// The object of a ready entry as a `T`, after the type-identity check and a bounds and
    /// alignment check of its block.
    ///
    /// - Throws: ``InterprocessError/Code/wrongKind`` naming both types when they differ;
    ///   `corrupt` for an object block outside the heap or misaligned.
    func checkedObject<T: BitwiseCopyable>(
        _ entry: ObjectEntry, as type: ObjectType, key: ObjectKey, operation: String
    ) throws(InterprocessError) -> TypedSegmentOffset<T> {
        guard entry.type == type else {
            throw InterprocessError(.wrongKind, operation: operation, name: self.name,
                                    reason: "\(key.described) is a \(entry.type.described), not a \(type.described)")
        }
        let byteCount = entry.type.byteCount(count: entry.count) ?? Int.max
        guard !entry.object.isNull, entry.object.rawValue % UInt64(entry.type.alignment) == 0,
              (try? pointer(at: entry.object, byteCount: byteCount)) != nil else {
            throw InterprocessError(.corrupt, operation: operation, name: self.name,
                                    reason: "the entry of \(key.described) at offset \(entry.offset.rawValue) names object offset \(entry.object.rawValue), which is not \(byteCount) bytes aligned to \(entry.type.alignment) inside the heap")
        }
        return TypedSegmentOffset(entry.object)
    }
}

extension ObjectDirectory {
    /// The ready entry for `key`, if any. Holding the lock, an entry still `constructing` is
    /// either this thread's own (a lookup from inside an initializer: not there yet) or was
    /// left by a process that died (the repair missed it only if the words were rewritten
    /// since): the latter is removed now.
    func lookupSettled(_ key: ObjectKey, operation: String) throws(InterprocessError) -> (slot: Int, entry: ObjectEntry)? {
        let table = try table(operation: operation)
        guard let (slot, entry) = try table.lookup(key, in: heap, operation: operation) else { return nil }
        guard entry.state == .constructing else { return (slot, entry) }
        if entry.owner == PackedProcessIdentity.claimWord.pack(CachedProcessIdentity.current) {
            throw InterprocessError(.alreadyExists, operation: operation, name: heap.name,
                                    reason: "\(key.described) is being constructed by this thread (a lookup from inside its initializer)")
        }
        try remove(entry, slot: slot, from: table)
        return nil
    }
}
#endif
