public import SystemPackage
import Synchronization

/// A queue of variable-size records from exactly one producer process to exactly one consumer
/// process, in a named segment. Lock-free: in steady state neither side makes a system call or
/// allocates; each side writes only its own cache line.
///
/// Create the queue once, then attach one ``SPSCProducer`` and one ``SPSCConsumer`` (from any
/// processes, in any order):
///
/// ```swift
/// try SPSCQueue.create("ticks", capacity: 1 << 20, maximumRecordSize: 4096)
/// var producer = try SPSCProducer(attachingTo: "ticks")     // process A
/// try producer.send(UInt64(42))
/// var consumer = try SPSCConsumer(attachingTo: "ticks")     // process B
/// let value = try consumer.receive(as: UInt64.self)
/// ```
///
/// Crash safety: a record becomes visible only when its producer publishes it, so a record is
/// never seen half-written, even if the producer is killed while writing it. A producer or
/// consumer that dies leaves its place to the next process that attaches, which continues from
/// the last published (producer) or released (consumer) position; a record that was borrowed
/// but not released is delivered again. A parked side re-checks the other's index at least
/// every 20 ms, so a wake-up lost to a dead process delays it by at most 20 ms.
public enum SPSCQueue {
    /// The segment kind of a queue.
    public static let kind = SegmentKind.spscQueue

    /// Creates the named segment of a queue.
    ///
    /// - Parameters:
    ///   - capacity: the ring's size in bytes: a power of two within ``SPSCLayout/capacityRange``.
    ///     Each record takes its payload plus an 8-byte header, rounded up to 8 bytes.
    ///   - maximumRecordSize: the largest payload accepted, at most `capacity / 2 - 8` (so that a
    ///     record always fits, even after padding at the ring's end).
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a bad capacity or maximum, and the
    ///   errors of ``Segment/init(create:kind:kindVersion:bodySize:permissions:lifetime:initialize:)``.
    public static func create(
        _ name: String,
        capacity: Int,
        maximumRecordSize: Int,
        permissions: FilePermissions = .ownerReadWrite
    ) throws {
        try validate(capacity: capacity, maximumRecordSize: maximumRecordSize, name: name)
        _ = try Segment(create: name, kind: kind, kindVersion: SPSCLayout.version,
                        bodySize: SPSCLayout.ringOffset + capacity, permissions: permissions) { body in
            let base = body.baseAddress!
            base.storeBytes(of: SPSCLayout.version.littleEndian, toByteOffset: SPSCLayout.versionOffset, as: UInt32.self)
            base.storeBytes(of: UInt64(capacity).littleEndian, toByteOffset: SPSCLayout.capacityOffset, as: UInt64.self)
            base.storeBytes(of: UInt32(maximumRecordSize).littleEndian, toByteOffset: SPSCLayout.maximumRecordOffset, as: UInt32.self)
            for offset in [SPSCLayout.tailOffset, SPSCLayout.producerOwnerOffset, SPSCLayout.headOffset, SPSCLayout.consumerOwnerOffset] {
                (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1).initialize(to: Atomic(0))
            }
            for offset in [SPSCLayout.consumerSleepingOffset, SPSCLayout.producerSleepingOffset] {
                (base + offset).bindMemory(to: Atomic<UInt32>.self, capacity: 1).initialize(to: Atomic(0))
            }
            base.storeBytes(of: SPSCLayout.tag.littleEndian, toByteOffset: SPSCLayout.tagOffset, as: UInt32.self)
        }
    }

    /// Removes a queue's segment (attached endpoints keep working until they detach).
    public static func remove(_ name: String) throws(InterprocessError) {
        try SharedMemory.remove(name)
    }

    static func validate(capacity: Int, maximumRecordSize: Int, name: String) throws(InterprocessError) {
        guard SPSCLayout.capacityRange.contains(capacity), capacity & (capacity - 1) == 0 else {
            throw InterprocessError(.invalidArgument, operation: "create queue", name: name,
                                    reason: "the capacity must be a power of two from \(SPSCLayout.capacityRange.lowerBound) to \(SPSCLayout.capacityRange.upperBound) bytes (got \(capacity))")
        }
        let largest = capacity / 2 - SPSCLayout.recordHeaderSize
        guard maximumRecordSize >= 1, maximumRecordSize <= largest else {
            throw InterprocessError(.invalidArgument, operation: "create queue", name: name,
                                    reason: "the maximum record size must be from 1 to \(largest) bytes for a capacity of \(capacity) (got \(maximumRecordSize))")
        }
    }
}

/// What both endpoints find in an opened queue segment, after validating it.
@usableFromInline
struct SPSCMapping: ~Copyable {
    @usableFromInline let segment: Segment
    @usableFromInline let base: UnsafeMutableRawPointer
    @usableFromInline let ring: UnsafeMutableRawPointer
    @usableFromInline let capacity: Int
    @usableFromInline let maximumRecordSize: Int

    init(opening name: String, timeout: Duration) throws(InterprocessError) {
        let segment = try Segment(open: name, kind: SPSCQueue.kind, kindVersion: SPSCLayout.version, timeout: timeout)
        let body = segment.body
        let operation = "open queue"
        guard body.count > SPSCLayout.ringOffset else {
            throw InterprocessError(.corrupt, operation: operation, name: name, reason: "its body of \(body.count) bytes is too small for a queue")
        }
        let base = body.baseAddress!
        let tag = UInt32(littleEndian: base.load(fromByteOffset: SPSCLayout.tagOffset, as: UInt32.self))
        let capacity = Int(truncatingIfNeeded: UInt64(littleEndian: base.load(fromByteOffset: SPSCLayout.capacityOffset, as: UInt64.self)))
        let maximum = Int(UInt32(littleEndian: base.load(fromByteOffset: SPSCLayout.maximumRecordOffset, as: UInt32.self)))
        guard tag == SPSCLayout.tag else {
            throw InterprocessError(.corrupt, operation: operation, name: name, reason: "its body does not start with the queue tag")
        }
        guard SPSCLayout.capacityRange.contains(capacity), capacity & (capacity - 1) == 0,
              capacity == body.count - SPSCLayout.ringOffset,
              maximum >= 1, maximum <= capacity / 2 - SPSCLayout.recordHeaderSize
        else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its capacity \(capacity) and maximum record size \(maximum) do not fit its body of \(body.count) bytes")
        }
        self.base = base
        self.ring = base + SPSCLayout.ringOffset
        self.capacity = capacity
        self.maximumRecordSize = maximum
        self.segment = segment
    }

    /// The atomic 64-bit word at `offset` in the body, bound for this process.
    func word64(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
    }

    /// The atomic 32-bit word at `offset` in the body, bound for this process.
    func word32(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (base + offset).bindMemory(to: Atomic<UInt32>.self, capacity: 1)
    }

    /// The 32-bit futex word a parked side sleeps on: the low half of the 64-bit index at
    /// `offset` (little-endian), which changes on every publish (capacity is below 2^32).
    func futexWord(_ offset: Int) -> UnsafeMutablePointer<UInt32> {
        // The kernel reads the word; Swift never accesses it through this pointer.
        UnsafeMutablePointer(OpaquePointer(base + offset))
    }
}
