public import SystemPackage

/// A bounded queue of fixed-size slots between any number of producer and consumer processes,
/// in a named segment. Lock-free in steady state: no system call and no allocation per record;
/// producers meet on one cache line (`tail`), consumers on another (`head`).
///
/// Create the queue once, then attach as many ``MPMCProducer``s and ``MPMCConsumer``s as you
/// like, from any processes, in any order:
///
/// ```swift
/// try MPMCQueue.create("jobs", slotCount: 1024, slotSize: 256)
/// var producer = try MPMCProducer(attachingTo: "jobs")   // any number of processes
/// try producer.send(UInt64(42))
/// var consumer = try MPMCConsumer(attachingTo: "jobs")   // any number of processes
/// let job = try consumer.receive(as: UInt64.self)
/// ```
///
/// Each record goes to exactly one consumer. Records of one producer reach any one consumer in
/// the order they were sent; there is no order between producers.
///
/// **Crashes.** A slot is claimed by a compare-and-swap that also records the claimant's
/// identity (pid and start time), so a process that dies holding a slot can be recognized:
/// - A producer that dies between claiming a slot and publishing it never exposes the partial
///   record: the first consumer to wait on that slot finds its claimant dead (it looks only
///   after spinning, never on the fast path), skips the slot, and continues with the records
///   after it. Skipped slots are counted in ``MPMCConsumer/skippedRecords``.
/// - A consumer that dies while reading a record (in ``MPMCConsumer/tryReceive(_:)`` and its
///   relatives) does not lose it: a consumer that runs out of records, or a producer that runs
///   out of room at that slot, finds the dead claimant and the record is delivered again, to
///   another consumer. Delivery is thus exactly-once while no consumer crashes, and
///   at-least-once for the record a consumer was reading when it crashed. Counted in
///   ``MPMCConsumer/redeliveredRecords``.
/// - A process that cannot see whether another is alive (`/proc` hidden) treats it as alive:
///   a slot is never taken from a process that may still hold it.
/// - A wake-up lost to a dead process (killed between publishing or freeing a slot and waking
///   the other side) delays a parked endpoint by at most 20 ms: no park lasts longer.
///
/// Slot claims are 128-bit compare-and-swaps (`cmpxchg16b` on x86_64, `casp` on arm64). Code
/// built with ThreadSanitizer emulates those with a lock private to each process, so under TSan
/// the queue is not safe between processes (it is within one).
public enum MPMCQueue {
    /// The segment kind of a queue.
    public static let kind = SegmentKind.mpmcQueue

    /// The slot counts accepted: powers of two in this range.
    public static var slotCountRange: ClosedRange<Int> { MPMCLayout.slotCountRange }

    /// The slot sizes (largest payloads, in bytes) accepted.
    public static var slotSizeRange: ClosedRange<Int> { MPMCLayout.slotSizeRange }

    /// Creates the named segment of a queue.
    ///
    /// - Parameters:
    ///   - slotCount: how many records the queue holds: a power of two within ``slotCountRange``.
    ///   - slotSize: the largest record, in bytes, within ``slotSizeRange``. Each slot takes a
    ///     24-byte header plus `slotSize`, rounded up to a multiple of 64 bytes.
    /// - Throws: ``InterprocessError/Code/invalidArgument`` for a bad slot count or size, and the
    ///   errors of ``Segment/init(create:kind:kindVersion:bodySize:permissions:lifetime:initialize:)``.
    public static func create(
        _ name: String,
        slotCount: Int,
        slotSize: Int,
        permissions: FilePermissions = .ownerReadWrite
    ) throws {
        try validate(slotCount: slotCount, slotSize: slotSize, name: name)
        let stride = MPMCLayout.slotStride(forSlotSize: slotSize)
        _ = try Segment(create: name, kind: kind, kindVersion: MPMCLayout.version,
                        bodySize: MPMCLayout.ringOffset + slotCount * stride, permissions: permissions) { body in
            let base = body.baseAddress!
            base.storeBytes(of: MPMCLayout.version.littleEndian, toByteOffset: MPMCLayout.versionOffset, as: UInt32.self)
            base.storeBytes(of: UInt64(slotCount).littleEndian, toByteOffset: MPMCLayout.slotCountOffset, as: UInt64.self)
            base.storeBytes(of: UInt32(slotSize).littleEndian, toByteOffset: MPMCLayout.slotSizeOffset, as: UInt32.self)
            base.storeBytes(of: UInt32(stride).littleEndian, toByteOffset: MPMCLayout.slotStrideOffset, as: UInt32.self)
            // The body is zero-filled: counters, indices, waiter counts, futex words and
            // claimants start at 0. Slot i starts free for position i.
            for index in 0..<slotCount {
                base.storeBytes(of: UInt64(index).littleEndian,
                                toByteOffset: MPMCLayout.ringOffset + index * stride + MPMCLayout.slotSequenceOffset, as: UInt64.self)
            }
            base.storeBytes(of: MPMCLayout.tag.littleEndian, toByteOffset: MPMCLayout.tagOffset, as: UInt32.self)
        }
    }

    /// Removes a queue's segment (attached endpoints keep working until they detach).
    public static func remove(_ name: String) throws(InterprocessError) {
        try SharedMemory.remove(name)
    }

    static func validate(slotCount: Int, slotSize: Int, name: String) throws(InterprocessError) {
        guard slotCountRange.contains(slotCount), slotCount & (slotCount - 1) == 0 else {
            throw InterprocessError(.invalidArgument, operation: "create queue", name: name,
                                    reason: "the slot count must be a power of two from \(slotCountRange.lowerBound) to \(slotCountRange.upperBound) (got \(slotCount))")
        }
        guard slotSizeRange.contains(slotSize) else {
            throw InterprocessError(.invalidArgument, operation: "create queue", name: name,
                                    reason: "the slot size must be from \(slotSizeRange.lowerBound) to \(slotSizeRange.upperBound) bytes (got \(slotSize))")
        }
    }
}
