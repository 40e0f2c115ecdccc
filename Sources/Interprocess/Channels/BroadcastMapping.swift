#if os(Linux)
import Synchronization

/// What the writer and the readers find in an opened broadcast stream segment, after
/// validating it. Copyable: the stream value and each endpoint hold one, sharing the one
/// ``QueueStorage`` that owns the segment.
@usableFromInline
struct BroadcastMapping: @unchecked Sendable {
    // @unchecked: immutable after init; the pointers are into a mapping `storage` keeps alive,
    // and every access through them is atomic or part of the protocol the endpoints own.
    @usableFromInline let storage: QueueStorage
    @usableFromInline let base: UnsafeMutableRawPointer
    @usableFromInline let ring: UnsafeMutableRawPointer
    @usableFromInline let capacity: Int
    @usableFromInline let maximumRecordSize: Int

    init(_ storage: QueueStorage) throws(InterprocessError) {
        let body = storage.body
        let name = storage.name
        let operation = "open broadcast stream"
        guard body.count > BroadcastLayout.ringOffset else {
            throw InterprocessError(.corrupt, operation: operation, name: name, reason: "its body of \(body.count) bytes is too small for a broadcast stream")
        }
        let base = body.baseAddress!
        let tag = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: BroadcastLayout.tagOffset, as: UInt32.self))
        let capacity = Int(truncatingIfNeeded: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: BroadcastLayout.capacityOffset, as: UInt64.self)))
        let maximum = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: BroadcastLayout.maximumRecordOffset, as: UInt32.self)))
        guard tag == BroadcastLayout.tag else {
            throw InterprocessError(.corrupt, operation: operation, name: name, reason: "its body does not start with the broadcast stream tag")
        }
        guard BroadcastLayout.capacityRange.contains(capacity), capacity & (capacity - 1) == 0,
              capacity == body.count - BroadcastLayout.ringOffset,
              BroadcastStream.maximumRecordSizeRange(for: capacity).contains(maximum)
        else {
            throw InterprocessError(.corrupt, operation: operation, name: name,
                                    reason: "its capacity \(capacity) and maximum record size \(maximum) do not fit its body of \(body.count) bytes")
        }
        self.base = base
        self.ring = base + BroadcastLayout.ringOffset
        self.capacity = capacity
        self.maximumRecordSize = maximum
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

    /// Where readers sleep for a record: the low half of the tail (it changes on every publish,
    /// the capacity being below 2^32), with the parked readers' count.
    var recordParking: FutexParking {
        FutexParking(word: base + BroadcastLayout.tailOffset, waiters: word32(BroadcastLayout.parkedReadersOffset), sleepers: .many)
    }

    /// Wakes every parked reader.
    @usableFromInline
    func wakeReaders() {
        Futex.wake(UnsafeMutablePointer(OpaquePointer(base + BroadcastLayout.tailOffset)))
    }

    /// The error for a shared word or record header that no writer produces.
    @usableFromInline
    func corruption(_ reason: String, operation: String) -> InterprocessError {
        InterprocessError(.corrupt, operation: operation, name: storage.name, reason: reason)
    }
}

/// The one place where a record header read from the ring is judged (the readers', the
/// starting reader's and the writer's take-over reads all come here).
@usableFromInline
enum BroadcastRecordHeader {
    /// What a header word at a ring offset says.
    @usableFromInline
    enum Verdict: Equatable {
        /// A data record whose payload is `payload` bytes, occupying `footprint` bytes.
        case data(payload: Int, footprint: Int)
        /// A padding record skipping `footprint` bytes.
        case padding(footprint: Int)
        /// Nothing a writer writes.
        case invalid(String)
    }

    /// Judges the header word `word` found at ring offset `offset`: a known type, a length that
    /// a record of this stream can have, and a record that ends inside the ring.
    @usableFromInline
    static func judge(_ word: UInt64, at offset: Int, capacity: Int, maximumRecordSize: Int) -> Verdict {
        let length = Int(UInt32(truncatingIfNeeded: word))
        let type = UInt32(truncatingIfNeeded: word >> 32)
        switch type {
        case BroadcastLayout.dataType:
            let payload = length &- BroadcastLayout.headerSize
            guard payload >= 0, payload <= maximumRecordSize else {
                return .invalid("a data record header at ring offset \(offset) has a length of \(length) bytes, outside \(BroadcastLayout.headerSize)...\(BroadcastLayout.headerSize + maximumRecordSize)")
            }
            let footprint = BroadcastLayout.footprint(payload)
            guard offset &+ footprint <= capacity else {
                return .invalid("a data record of \(length) bytes at ring offset \(offset) would run past the ring's end")
            }
            return .data(payload: payload, footprint: footprint)
        case BroadcastLayout.paddingType:
            guard length >= BroadcastLayout.paddingHeaderSize, offset &+ length == capacity else {
                return .invalid("a padding record at ring offset \(offset) skips \(length) bytes, not the \(capacity &- offset) to the ring's end")
            }
            return .padding(footprint: length)
        default:
            return .invalid("the record header at ring offset \(offset) has type \(type) (1: data, 2: padding)")
        }
    }
}
#endif
