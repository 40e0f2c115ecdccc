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
/// Each thread keeps a small table of (segment serial, record address, record token); the
/// allocation fast path finds its row there with one thread-local load (``HeapThreadTableSlot``)
/// and a compare, without a lock. A `pthread` key holds the same table only for its destructor,
/// which releases the records when the thread exits. The registry, behind a lock, is touched only when a thread
/// claims or releases a record.
enum ThreadCaches {
    /// One row of a thread's table.
    struct Entry {
        /// The segment handle's serial (0: empty).
        var serial: UInt64
        /// The claimed record in that segment's mapping; nil when none could be claimed (the
        /// thread then allocates from the large heap).
        var record: UnsafeMutableRawPointer?
        /// The record's token (index + 1), as the slabs it owns name it; 0 when there is no record.
        var token: UInt64 = 0
        /// The remote-free word of this thread's frees not yet published, and their bits: frees
        /// into one bitmap word are gathered and published with one atomic OR when the thread
        /// frees into another word (or exits, or the handle closes), so that a consumer freeing
        /// consecutive records pays one locked instruction per 64 of them.
        var pendingWord: UnsafeMutablePointer<Atomic<UInt64>>? = nil
        var pendingBits: UInt64 = 0

        /// Publishes the gathered frees.
        mutating func flush() {
            if let pendingWord, pendingBits != 0 {
                pendingWord.pointee.bitwiseOr(pendingBits, ordering: .releasing)
            }
            pendingWord = nil
            pendingBits = 0
        }
    }

    /// Every thread's table (their addresses), so that a handle going away can publish the
    /// frees its threads gathered.
    static let tables = ThreadLock<Set<UInt>>([])

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
            // No thread is inside a call on the handle (it is being deinitialized), so its rows
            // in other threads' tables are safe to touch.
            tables.withLock { tables in
                for address in tables {
                    let table = UnsafeMutablePointer<Entry>(bitPattern: address)!
                    for row in 0..<capacity where table[row].serial == serial { table[row].flush() }
                }
            }
            for index in registration.claimed {
                registration.segment.releaseRecord(index)
            }
        }
    }

    /// The calling thread's table, made on first use.
    static func table(key: pthread_key_t) -> UnsafeMutablePointer<Entry> {
        if let existing = HeapThreadTableSlot.table { return existing.assumingMemoryBound(to: Entry.self) }
        let table = UnsafeMutablePointer<Entry>.allocate(capacity: capacity)
        table.initialize(repeating: Entry(serial: 0, record: nil), count: capacity)
        pthread_setspecific(key, table)
        HeapThreadTableSlot.table = UnsafeMutableRawPointer(table)
        tables.withLock { _ = $0.insert(UInt(bitPattern: table)) }
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
            // A row of a handle that went away had its frees published by the handle's deinit.
            let record = segment.claimRecord()
            table[row] = Entry(serial: serial, record: record?.address, token: record?.token ?? 0)
            if let record { registry[serial]?.claimed.insert(record.index) }
            return record?.address
        }
    }

    /// The calling thread's row for the segment `serial`, made (with a record claimed) if
    /// there is none; nil when the thread's table is full.
    static func entry(serial: UInt64, key: pthread_key_t, segment: ManagedSegment) -> UnsafeMutablePointer<Entry>? {
        _ = claim(serial: serial, key: key, segment: segment)
        let table = table(key: key)
        for row in 0..<capacity where table[row].serial == serial { return table + row }
        return nil
    }

    /// A thread ends: its records go back to their segments (those still attached).
    private static func threadExited(_ table: UnsafeMutablePointer<Entry>) {
        registry.withLock { registry in
            for row in 0..<capacity {
                let entry = table[row]
                guard entry.serial != 0, let registration = registry[entry.serial] else { continue }
                table[row].flush()
                guard let address = entry.record else { continue }
                let index = (address - (registration.segment.base + ManagedLayout.cacheTableOffset)) / ManagedLayout.cacheRecordSize
                registration.segment.releaseRecord(index)
                registry[entry.serial]?.claimed.remove(index)
            }
        }
        tables.withLock { _ = $0.remove(UInt(bitPattern: table)) }
        // A destructor running after this one that allocates again makes a new table.
        if HeapThreadTableSlot.table == UnsafeMutableRawPointer(table) { HeapThreadTableSlot.table = nil }
        table.deinitialize(count: capacity)
        table.deallocate()
    }
}
#endif
