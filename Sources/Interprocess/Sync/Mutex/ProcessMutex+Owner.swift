#if os(Linux)
import Synchronization

extension ProcessMutex {
    /// Who holds the mutex, as recorded in it by the owner itself: written after each acquisition
    /// (the thread id last, with a release store), cleared before the last release (the thread id
    /// first). Contenders read it to tell whether the owner is alive and, after its death, who died.
    /// Only the owning thread writes it; a peer may write anything, so every reader validates.
    struct OwnerRecord: Equatable {
        var pid: Int32
        var startTime: UInt64
        var depth: UInt32
        var thread: UInt32 = 0
        var handle: UInt64 = 0
        var pidNamespace: UInt32 = 0

        /// The recorded process.
        var identity: ProcessIdentity { ProcessIdentity(pid: pid, startTime: startTime, pidNamespace: pidNamespace) }

        static let none = OwnerRecord(pid: 0, startTime: 0, depth: 0)
    }

    private func field<Value: AtomicRepresentable>(_ field: Field, as type: Value.Type) -> UnsafeMutablePointer<Atomic<Value>> {
        (address + field.offset).assumingMemoryBound(to: Atomic<Value>.self)
    }

    /// The record as stored: the thread id first (acquire), so that the other fields are at least
    /// as new as the acquisition that wrote it.
    var ownerRecord: OwnerRecord {
        let thread = field(.ownerTID, as: UInt32.self).pointee.load(ordering: .acquiring)
        return OwnerRecord(
            pid: Int32(bitPattern: field(.ownerPID, as: UInt32.self).pointee.load(ordering: .relaxed)),
            startTime: field(.ownerStartTime, as: UInt64.self).pointee.load(ordering: .relaxed),
            depth: depth.pointee.load(ordering: .relaxed),
            thread: thread,
            handle: field(.ownerHandle, as: UInt64.self).pointee.load(ordering: .relaxed),
            pidNamespace: field(.ownerPIDNamespace, as: UInt32.self).pointee.load(ordering: .relaxed))
    }

    /// The process that holds the mutex, as recorded in it, or nil when nobody does. Read without
    /// the lock, for diagnostics: it may change as soon as it is returned.
    public var recordedOwner: ProcessIdentity? {
        let record = ownerRecord
        return record.pid == 0 ? nil : record.identity
    }

    /// Records the calling thread as the owner after the outermost acquisition (normal or a
    /// takeover). Cheap: the process identity is cached, nothing is read from `/proc`.
    @usableFromInline
    func recordOwner(thread: UInt32) {
        let me = CachedProcessIdentity.current
        depth.pointee.store(1, ordering: .relaxed)
        field(.ownerPID, as: UInt32.self).pointee.store(UInt32(bitPattern: me.pid), ordering: .relaxed)
        field(.ownerStartTime, as: UInt64.self).pointee.store(me.startTime, ordering: .relaxed)
        field(.ownerHandle, as: UInt64.self).pointee.store(handleToken, ordering: .relaxed)
        field(.ownerPIDNamespace, as: UInt32.self).pointee.store(me.pidNamespace, ordering: .relaxed)
        field(.ownerTID, as: UInt32.self).pointee.store(thread, ordering: .releasing)
    }

    /// Clears the record before the last release; the lock word's release store that follows
    /// publishes it.
    @usableFromInline
    func clearOwner() {
        field(.ownerTID, as: UInt32.self).pointee.store(0, ordering: .relaxed)
        field(.ownerPID, as: UInt32.self).pointee.store(0, ordering: .relaxed)
        depth.pointee.store(0, ordering: .relaxed)
        field(.ownerStartTime, as: UInt64.self).pointee.store(0, ordering: .relaxed)
        field(.ownerHandle, as: UInt64.self).pointee.store(0, ordering: .relaxed)
        field(.ownerPIDNamespace, as: UInt32.self).pointee.store(0, ordering: .relaxed)
    }
}
#endif
