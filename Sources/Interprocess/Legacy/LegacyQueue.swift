#if os(Linux)
public import SystemPackage
import Synchronization

/// libsharedmemory's FIFO message queue (its 2.x `SharedMemoryQueue`), byte for byte: bounded
/// count, messages of up to a fixed maximum size, one lock word for producers and one for
/// consumers, so that a Swift process queues messages to and from C++ programs.
///
/// The segment is `/<name>`: a 28-byte header — `writeIndex`, `readIndex`, `capacity`, `count`,
/// `maxMessageSize`, `producerLock`, `consumerLock` (uint32 each) — then `capacity` slots of a
/// uint32 length and `maxMessageSize` bytes (`docs/FORMAT.md`, "libsharedmemory queues").
///
/// ```swift
/// let queue = try LegacyQueue(open: "commands")
/// try queue.send(Array("start".utf8))
/// let reply = try queue.receive(timeout: .seconds(1))      // [UInt8]
/// ```
///
/// As with ``LegacyStream``, the lock words have no owner: every wait for one ends at a deadline
/// (``lockTimeout`` for the forms without one) with `timedOut`, and ``breakLocks()`` clears them
/// when their holder is known to be dead. Every header word is checked against the segment before
/// use (`corrupt`); a message is never read past its slot. The C++ side wakes nobody: waiting for
/// room or for a message polls.
public struct LegacyQueue: Sendable {
    /// Keeps the segment mapped for as long as this handle lives.
    let owner: LegacyMapping
    /// The segment's words, read and written without touching `owner`'s reference count.
    let storage: LegacyWords
    /// How long the forms without a deadline wait for a lock word before they throw `timedOut`.
    public let lockTimeout: Duration
    /// How many messages the queue holds.
    public let capacity: Int
    /// The largest message, in bytes.
    public let maximumMessageSize: Int

    /// The queue's name (without the leading `/`).
    public var name: String { owner.name }

    /// Creates the queue `/<name>`: `28 + capacity × (4 + maximumMessageSize)` bytes, empty.
    ///
    /// - Throws: `alreadyExists`, `invalidName`, `invalidArgument` for a capacity or maximum size
    ///   below 1 or a segment above 4 GiB.
    public init(
        create name: String, capacity: Int, maximumMessageSize: Int,
        permissions: FilePermissions = .ownerReadWrite, lockTimeout: Duration = .seconds(1)
    ) throws(InterprocessError) {
        let operation = "create libsharedmemory queue"
        guard capacity >= 1, maximumMessageSize >= 1,
              let size = LegacyQueue.segmentSize(capacity: capacity, maximumMessageSize: maximumMessageSize) else {
            throw InterprocessError(.invalidArgument, operation: operation, name: name,
                                    reason: "capacity \(capacity) and maximumMessageSize \(maximumMessageSize) must be at least 1 and make a segment below 4 GiB")
        }
        let memory: SharedMemory
        do {
            memory = try SharedMemory(create: name, size: size, permissions: permissions)
        } catch {
            throw error.reported(as: operation)
        }
        let storage = LegacyMapping(memory)
        storage.base.storeBytes(of: UInt32(capacity).littleEndian, toByteOffset: LegacyQueue.capacityOffset, as: UInt32.self)
        storage.base.storeBytes(of: UInt32(maximumMessageSize).littleEndian, toByteOffset: LegacyQueue.maximumOffset, as: UInt32.self)
        try self.init(storage: storage, lockTimeout: lockTimeout, operation: operation)
    }

    /// Opens the queue `/<name>`, made by this library or by the C++ one.
    ///
    /// - Throws: `notFound`; `truncated` or `corrupt` when its header does not describe a queue
    ///   that fits the segment.
    public init(open name: String, lockTimeout: Duration = .seconds(1)) throws(InterprocessError) {
        try self.init(storage: LegacyStream.opened(name, operation: "open libsharedmemory queue"), lockTimeout: lockTimeout,
                      operation: "open libsharedmemory queue")
    }

    /// Removes the name `/<name>`; handles open keep working.
    public static func remove(_ name: String) throws(InterprocessError) {
        do {
            try SharedMemory.remove(name)
        } catch {
            throw error.reported(as: "remove libsharedmemory queue")
        }
    }

    /// Clears both lock words — a takeover, for when the caller knows their holders are dead.
    public func breakLocks() {
        storage.word32(LegacyQueue.producerLockOffset).pointee.store(0, ordering: .releasing)
        storage.word32(LegacyQueue.consumerLockOffset).pointee.store(0, ordering: .releasing)
    }

    /// The messages queued now (the `count` word, bounded by the capacity).
    public var count: Int {
        Swift.min(Int(storage.word32(LegacyQueue.countOffset).pointee.load(ordering: .acquiring)), capacity)
    }

    init(storage: LegacyMapping, lockTimeout: Duration, operation: String) throws(InterprocessError) {
        guard storage.size >= LegacyQueue.headerSize else {
            throw InterprocessError(.truncated, operation: operation, name: storage.name,
                                    reason: "it is \(storage.size) bytes, smaller than the \(LegacyQueue.headerSize)-byte queue header")
        }
        let capacity = Int(UInt32(littleEndian: storage.base.load(fromByteOffset: LegacyQueue.capacityOffset, as: UInt32.self)))
        let maximum = Int(UInt32(littleEndian: storage.base.load(fromByteOffset: LegacyQueue.maximumOffset, as: UInt32.self)))
        guard capacity >= 1, maximum >= 1,
              let needed = LegacyQueue.segmentSize(capacity: capacity, maximumMessageSize: maximum), needed <= storage.size else {
            throw InterprocessError(.corrupt, operation: operation, name: storage.name,
                                    reason: "its header says \(capacity) slots of \(maximum) bytes, which do not fit its \(storage.size) bytes")
        }
        owner = storage
        self.storage = storage.words
        self.lockTimeout = lockTimeout
        self.capacity = capacity
        maximumMessageSize = maximum
    }

    // MARK: Layout

    static let writeIndexOffset = 0
    static let readIndexOffset = 4
    static let capacityOffset = 8
    static let countOffset = 12
    static let maximumOffset = 16
    static let producerLockOffset = 20
    static let consumerLockOffset = 24
    static let headerSize = 28

    static func segmentSize(capacity: Int, maximumMessageSize: Int) -> Int? {
        let (slots, overflow) = capacity.multipliedReportingOverflow(by: 4 &+ maximumMessageSize)
        guard !overflow, maximumMessageSize <= Int(UInt32.max) - 4, slots <= Int(UInt32.max) - headerSize else { return nil }
        return headerSize + slots
    }

    /// Slot `index`'s length word.
    func slot(_ index: Int) -> UnsafeMutableRawPointer {
        storage.base + LegacyQueue.headerSize + index * (4 + maximumMessageSize)
    }
}
#endif
