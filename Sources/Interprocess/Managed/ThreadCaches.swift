#if os(Linux)
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Which thread-cache record each thread of this process holds in each managed segment it
/// allocates small blocks from, and the records' release when a thread exits or a segment
/// handle goes away.
///
/// Each thread keeps a small table (a `pthread` key's value) of (segment serial, record
/// address); the allocation fast path finds its record there with one `pthread_getspecific`
/// and a compare, without a lock. The registry, behind a lock, is touched only when a thread
/// claims or releases a record.
enum ThreadCaches {
    /// One row of a thread's table.
    struct Entry {
        /// The segment handle's serial (0: empty).
        var serial: UInt64
        /// The claimed record in that segment's mapping; nil when none could be claimed (the
        /// thread then allocates from the large heap).
        var record: UnsafeMutableRawPointer?
    }

    /// Rows per thread: segments one thread allocates small blocks from at once.
    static let capacity = 8

    /// What the registry knows about one live segment handle.
    struct Registration {
        /// Valid while registered: the handle unregisters first thing in its deinit.
        unowned(unsafe) let segment: ManagedSegment
        /// The records this process's threads hold, by index.
        var claimed: Set<Int> = []
    }

    /// The live segment handles of this process, by serial.
    static let registry = ThreadLock<[UInt64: Registration]>([:])
    /// Hands out serials.
    static let nextSerial = Atomic<UInt64>(1)

    /// The key of every thread's table; its destructor releases the thread's records.
    static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { table in
            guard let table else { return }
            ThreadCaches.threadExited(table.assumingMemoryBound(to: Entry.self))
        }
        return key
    }()

    /// Registers a new segment handle and returns its serial.
    static func register(_ segment: ManagedSegment) {
        registry.withLock { $0[segment.serial] = Registration(segment: segment) }
    }

    /// Releases every record the process holds in the handle's segment; the handle is going away.
    static func unregister(serial: UInt64) {
        registry.withLock { registry in
            guard let registration = registry.removeValue(forKey: serial) else { return }
            for index in registration.claimed {
                registration.segment.releaseRecord(index)
            }
        }
    }

    /// The calling thread's table, made on first use.
    static func table(key: pthread_key_t) -> UnsafeMutablePointer<Entry> {
        if let existing = pthread_getspecific(key) { return existing.assumingMemoryBound(to: Entry.self) }
        let table = UnsafeMutablePointer<Entry>.allocate(capacity: capacity)
        table.initialize(repeating: Entry(serial: 0, record: nil), count: capacity)
        pthread_setspecific(key, table)
        return table
    }

    /// Claims a record in the segment `serial` for the calling thread and notes it in its
    /// table; nil when the table or the segment's record table is full.
    static func claim(serial: UInt64, key: pthread_key_t, segment: ManagedSegment) -> UnsafeMutableRawPointer? {
        let table = table(key: key)
        return registry.withLock { (registry: inout [UInt64: Registration]) -> UnsafeMutableRawPointer? in
            guard registry[serial] != nil else { return nil }
            // A row of a handle that went away is free again.
            guard let row = (0..<capacity).first(where: { table[$0].serial == 0 || registry[table[$0].serial] == nil }) else {
                return nil
            }
            let record = segment.claimRecord()
            table[row] = Entry(serial: serial, record: record?.address)
            if let record { registry[serial]?.claimed.insert(record.index) }
            return record?.address
        }
    }

    /// A thread ends: its records go back to their segments (those still attached).
    private static func threadExited(_ table: UnsafeMutablePointer<Entry>) {
        registry.withLock { registry in
            for row in 0..<capacity {
                let entry = table[row]
                guard entry.serial != 0, let address = entry.record, let registration = registry[entry.serial] else { continue }
                let index = (address - (registration.segment.base + ManagedLayout.cacheTableOffset)) / ManagedLayout.cacheRecordSize
                registration.segment.releaseRecord(index)
                registry[entry.serial]?.claimed.remove(index)
            }
        }
        table.deinitialize(count: capacity)
        table.deallocate()
    }
}
#endif
