@testable import Interprocess
import Synchronization

/// A stand-in heap for unit tests of the directory: a bump allocator over anonymous shared
/// memory that remembers its live blocks, so that a double or wild free is an error here too.
final class FakeObjectHeap: ObjectHeap, @unchecked Sendable {
    let name = "fake-heap"
    let memory: AnonymousSharedMemory
    private var next = 64
    private(set) var live: [UInt64: Int] = [:]

    init(size: Int = 1 << 20) throws {
        memory = try AnonymousSharedMemory(size: size, label: "fake-heap")
    }

    var base: UnsafeMutableRawPointer { memory.region.baseAddress }

    var directoryRoot: UnsafeMutablePointer<Atomic<UInt64>> { base.assumingMemoryBound(to: Atomic<UInt64>.self) }

    func allocate(byteCount: Int, alignment: Int) throws(InterprocessError) -> SegmentOffset {
        let start = (next + max(alignment, 16) - 1) & ~(max(alignment, 16) - 1)
        guard start + byteCount <= memory.size else {
            throw InterprocessError(.insufficientSpace, operation: "allocate", name: name, reason: "full")
        }
        next = start + max(byteCount, 1)
        live[UInt64(start)] = byteCount
        base.advanced(by: start).initializeMemory(as: UInt8.self, repeating: 0xA5, count: byteCount)
        return SegmentOffset(rawValue: UInt64(start))
    }

    func deallocate(_ offset: SegmentOffset) throws(InterprocessError) {
        guard live.removeValue(forKey: offset.rawValue) != nil else {
            throw InterprocessError(.invalidArgument, operation: "deallocate", name: name, reason: "not a live block: \(offset)")
        }
    }

    func pointer(at offset: SegmentOffset, byteCount: Int) throws(InterprocessError) -> UnsafeMutableRawPointer {
        guard offset.rawValue >= 64, byteCount >= 0, offset.rawValue &+ UInt64(byteCount) <= UInt64(memory.size),
              offset.rawValue &+ UInt64(byteCount) >= offset.rawValue else {
            throw InterprocessError(.invalidArgument, operation: "access", name: name, reason: "outside: \(offset) + \(byteCount)")
        }
        return base + Int(offset.rawValue)
    }
}
