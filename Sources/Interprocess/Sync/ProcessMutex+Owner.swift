extension ProcessMutex {
    /// Who holds the mutex, as recorded in its header by the owner itself: written after each
    /// acquisition, cleared before the last release, so that after an owner's death the next
    /// locker can say which process died. Only the owning thread writes it.
    struct OwnerRecord: Equatable {
        var pid: Int32
        var startTime: UInt64
        var depth: UInt32

        static let none = OwnerRecord(pid: 0, startTime: 0, depth: 0)
    }

    /// The record as stored.
    var ownerRecord: OwnerRecord {
        get {
            OwnerRecord(
                pid: Int32(littleEndian: address.load(fromByteOffset: Field.ownerPID.offset, as: Int32.self)),
                startTime: UInt64(littleEndian: address.load(fromByteOffset: Field.ownerStartTime.offset, as: UInt64.self)),
                depth: UInt32(littleEndian: address.load(fromByteOffset: Field.ownerDepth.offset, as: UInt32.self)))
        }
        nonmutating set {
            address.storeBytes(of: newValue.pid.littleEndian, toByteOffset: Field.ownerPID.offset, as: Int32.self)
            address.storeBytes(of: newValue.startTime.littleEndian, toByteOffset: Field.ownerStartTime.offset, as: UInt64.self)
            address.storeBytes(of: newValue.depth.littleEndian, toByteOffset: Field.ownerDepth.offset, as: UInt32.self)
        }
    }

    /// The process that holds the mutex, as recorded in it, or nil when nobody does. Read without
    /// the lock, for diagnostics: it may change as soon as it is returned.
    public var recordedOwner: ProcessIdentity? {
        let record = ownerRecord
        return record.pid == 0 ? nil : ProcessIdentity(pid: record.pid, startTime: record.startTime)
    }

    /// Records the calling process after a normal acquisition (a recursive one counts up).
    func recordAcquisition() {
        var record = ownerRecord
        if record.depth == 0 {
            let me = CachedProcessIdentity.current
            record = OwnerRecord(pid: me.pid, startTime: me.startTime, depth: 1)
        } else {
            record.depth &+= 1
        }
        ownerRecord = record
    }

    /// Takes over from a dead owner: returns who it was and records the calling process.
    func recordTakeover() -> ProcessIdentity {
        let dead = ownerRecord
        let me = CachedProcessIdentity.current
        ownerRecord = OwnerRecord(pid: me.pid, startTime: me.startTime, depth: 1)
        return ProcessIdentity(pid: dead.pid, startTime: dead.startTime)
    }

    /// Counts one release down (clearing the record at zero) and returns the record before it,
    /// to restore if the release fails.
    func recordRelease() -> OwnerRecord {
        let before = ownerRecord
        if before.depth <= 1 {
            ownerRecord = .none
        } else {
            var after = before
            after.depth -= 1
            ownerRecord = after
        }
        return before
    }
}
