#if os(Linux)
public import Synchronization

/// What every endpoint of an ``MPMCQueue`` finds in an opened queue segment, after validating
/// it, and the wake-ups both sides share.
///
/// **Parking** goes through ``FutexParking``. Each side parks on a 32-bit futex word of the
/// other side's line (`notEmpty` for consumers, `notFull` for producers) after adding itself to
/// a waiter count (wrapping: a peer may write any value there). The side that makes progress
/// stores its slot transition (a sequentially consistent CAS, a full barrier), then reads the
/// waiter count (sequentially consistent: a plain load on x86), and only if it is not zero bumps
/// the futex word and wakes every waiter. A waiter reads the futex word *after* counting itself
/// and *before* re-checking the ring, so a record published after its re-check is always
/// followed by a bump that makes its `FUTEX_WAIT` return at once: no lost wake-ups, and no
/// system call while nobody sleeps. Waking all waiters (not one) keeps this simple and correct
/// with many parties: a woken waiter that finds nothing to do parks again. A wake-up lost to a
/// process killed between its transition and its wake delays a waiter by at most
/// ``FutexParking/recheckInterval``.
///
/// Copyable: the queue value and each endpoint hold one, all sharing the one ``QueueStorage``
/// that owns the segment (see ``SPSCMapping``).
@usableFromInline
struct MPMCMapping: @unchecked Sendable {
    // @unchecked: immutable after init; the pointers are into a mapping `storage` keeps alive.
    @usableFromInline let storage: QueueStorage
    @usableFromInline let base: UnsafeMutableRawPointer
    @usableFromInline let ring: UnsafeMutableRawPointer
    @usableFromInline let slotCount: Int
    @usableFromInline let slotSize: Int
    @usableFromInline let stride: Int

    init(_ storage: QueueStorage) throws(InterprocessError) {
        let body = storage.body
        let name = storage.name
        let operation = "open queue"
        guard body.count > MPMCLayout.ringOffset else {
            throw InterprocessError(.corrupt, operation: operation, name: name, reason: "its body of \(body.count) bytes is too small for a queue")
        }
        let base = body.baseAddress!
        let tag = UInt32(littleEndian: base.load(fromByteOffset: MPMCLayout.tagOffset, as: UInt32.self))
        let version = UInt32(littleEndian: base.load(fromByteOffset: MPMCLayout.versionOffset, as: UInt32.self))
        let count = UInt64(littleEndian: base.load(fromByteOffset: MPMCLayout.slotCountOffset, as: UInt64.self))
        let size = Int(UInt32(littleEndian: base.load(fromByteOffset: MPMCLayout.slotSizeOffset, as: UInt32.self)))
        let stride = Int(UInt32(littleEndian: base.load(fromByteOffset: MPMCLayout.slotStrideOffset, as: UInt32.self)))
        guard tag == MPMCLayout.tag else {
            throw InterprocessError(.corrupt, operation: operation, name: name, reason: "its body does not start with the queue tag")
        }
        guard version == MPMCLayout.version else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its body says layout version \(version), but its header says \(MPMCLayout.version)")
        }
        // Checked in an order that keeps every product below 2^48: no overflow.
        guard count <= UInt64(MPMCLayout.slotCountRange.upperBound), MPMCLayout.slotCountRange.contains(Int(count)),
              count & (count - 1) == 0, MPMCLayout.slotSizeRange.contains(size),
              stride == MPMCLayout.slotStride(forSlotSize: size),
              body.count == MPMCLayout.ringOffset + Int(count) * stride
        else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its slot count \(count), slot size \(size) and stride \(stride) do not fit its body of \(body.count) bytes")
        }
        self.base = base
        self.ring = base + MPMCLayout.ringOffset
        self.slotCount = Int(count)
        self.slotSize = size
        self.stride = stride
        self.storage = storage
    }

    /// The atomic 64-bit word at `offset` in the body, bound for this process.
    func word64(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (base + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
    }

    /// The atomic 32-bit word at `offset` in the body, bound for this process.
    func word32(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        (base + offset).bindMemory(to: Atomic<UInt32>.self, capacity: 1)
    }

    /// The slot that holds `position`.
    @inlinable @inline(__always)
    func slot(_ position: UInt64) -> UnsafeMutableRawPointer {
        ring + Int(truncatingIfNeeded: position & UInt64(truncatingIfNeeded: slotCount &- 1)) &* stride
    }

    /// Slots of dead producers skipped so far.
    var skippedRecords: UInt64 { word64(MPMCLayout.skippedOffset).pointee.load(ordering: .relaxed) }

    /// Records of dead consumers delivered again so far.
    var redeliveredRecords: UInt64 { word64(MPMCLayout.redeliveredOffset).pointee.load(ordering: .relaxed) }

    /// Counts a skipped slot.
    func countSkipped() { _ = word64(MPMCLayout.skippedOffset).pointee.wrappingAdd(1, ordering: .relaxed) }

    /// Counts a record delivered again.
    func countRedelivered() { _ = word64(MPMCLayout.redeliveredOffset).pointee.wrappingAdd(1, ordering: .relaxed) }

    // MARK: Parking

    /// How often a party that keeps failing looks for slots held by dead processes: a polling
    /// endpoint at most this often, a parked one this often while a slot it waits for is held.
    static let recoveryInterval = Duration.milliseconds(2)

    /// The most slots one look for dead readers reads: a huge ring is covered over several looks,
    /// so that no single look (or the wait around it) takes long.
    static let recoveryScanLength = 4096

    /// The most distinct claimants one look judges (each judgement reads `/proc`), so that slots
    /// filled with made-up claimants cost a bounded amount per look.
    static let recoveryJudgements = 16

    /// Wakes every parked consumer if any is parked (or about to park). Call after a slot
    /// transition that may let a consumer proceed.
    @inlinable @inline(__always)
    func wakeConsumersIfWaiting() {
        if FutexParking.mayHaveSleepers(waiters(MPMCLayout.consumersWaitingOffset)) { wake(MPMCLayout.notEmptyOffset) }
    }

    /// Wakes every parked producer if any is parked (or about to park).
    @inlinable @inline(__always)
    func wakeProducersIfWaiting() {
        if FutexParking.mayHaveSleepers(waiters(MPMCLayout.producersWaitingOffset)) { wake(MPMCLayout.notFullOffset) }
    }

    /// The waiter count at `offset`.
    @inlinable @inline(__always)
    func waiters(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt32>> {
        UnsafeMutablePointer(OpaquePointer(base + offset))
    }

    /// Bumps the futex word at `offset` and wakes all its waiters.
    @usableFromInline
    func wake(_ offset: Int) {
        _ = word32(offset).pointee.wrappingAdd(1, ordering: .sequentiallyConsistent)
        Futex.wake(UnsafeMutablePointer(OpaquePointer(base + offset)))
    }

    /// Sleeps once on the futex word at `futexOffset` if `stillBlocked()` holds, counted in the
    /// waiter count at `waitingOffset`, until woken, `deadline`, or at most
    /// ``FutexParking/recheckInterval``. The caller loops.
    func park(futex futexOffset: Int, waiting waitingOffset: Int, until deadline: Deadline, stillBlocked: () -> Bool) {
        FutexParking(word: word32(futexOffset), waiters: word32(waitingOffset))
            .sleepOnce(until: deadline, whileBlocked: stillBlocked)
    }
}
#endif
