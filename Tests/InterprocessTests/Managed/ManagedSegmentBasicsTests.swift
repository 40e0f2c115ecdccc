import Foundation
@testable import Interprocess
import SystemPackage
import Testing

/// create / open / openOrCreate / anonymous / remove, and the large-block allocator in one process.
@Suite("ManagedSegment basics", .timeLimit(.minutes(1)))
struct ManagedSegmentBasicsTests {
    static let size = 1 << 20

    @Test("create, allocate, write; another handle reads the bytes at the same offset; deallocate")
    func allocateAndShare() throws {
        let name = TestSupport.uniqueName("managed")
        defer { try? ManagedSegment.remove(name) }
        let heap = try ManagedSegment(create: name, size: Self.size)
        #expect(heap.wasCreated)
        #expect(heap.size == Self.size)
        let offset = try heap.allocate(byteCount: 100)
        #expect(!offset.isNull)
        #expect(offset.rawValue % 16 == 0)
        try heap.withUnsafeMutableBytes(at: offset, byteCount: 100) { bytes in
            for index in 0..<100 { bytes[index] = UInt8(index) }
        }
        let other = try ManagedSegment(open: name)
        #expect(!other.wasCreated)
        let read = try other.withUnsafeMutableBytes(at: offset, byteCount: 100) { Array($0) }
        #expect(read == (0..<100).map(UInt8.init))
        let pointer = try other.pointer(at: offset, byteCount: 100)
        #expect(other.offset(of: pointer) == offset)
        #expect(heap.offset(of: UnsafeRawPointer(bitPattern: 16)!) == nil)
        try other.deallocate(offset)
        // Freed once: a second free and a free of an interior offset are typed errors.
        let twice = #expect(throws: InterprocessError.self) { try other.deallocate(offset) }
        #expect(twice?.code == .invalidArgument)
        let block = try heap.allocate(byteCount: 2000)
        let interior = #expect(throws: InterprocessError.self) { try heap.deallocate(block + 16) }
        #expect(interior?.code == .invalidArgument)
        let outside = #expect(throws: InterprocessError.self) { try heap.deallocate(SegmentOffset(rawValue: 1 << 40)) }
        #expect(outside?.code == .invalidArgument)
        try heap.deallocate(block)
    }

    @Test("many blocks of mixed sizes and alignments never overlap, and freeing them all makes room for a large block")
    func mixedSizesDoNotOverlap() throws {
        let heap = try ManagedSegment.anonymous(size: 8 * Self.size)
        var blocks: [(offset: SegmentOffset, count: Int)] = []
        var random = SeededRandom(seed: 7)
        for round in 0..<2000 {
            if blocks.isEmpty || random.next() % 3 != 0 {
                let count = Int(random.next() % 3000)
                let alignment = 1 << Int(random.next() % 10)
                let offset = try heap.allocate(byteCount: count, alignment: alignment)
                #expect(offset.rawValue % UInt64(max(alignment, 16)) == 0)
                _ = try heap.withUnsafeMutableBytes(at: offset, byteCount: count) { $0.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: round)) }
                blocks.append((offset, count))
            } else {
                let index = Int(random.next() % UInt64(blocks.count))
                try heap.deallocate(blocks.remove(at: index).offset)
            }
        }
        let sorted = blocks.sorted { $0.offset < $1.offset }
        for (left, right) in zip(sorted, sorted.dropFirst()) {
            #expect(left.offset.rawValue + UInt64(left.count) <= right.offset.rawValue)
        }
        for block in blocks { try heap.deallocate(block.offset) }
        let large = try heap.allocate(byteCount: 6 * Self.size)
        try heap.deallocate(large)
    }

    @Test("allocating more than the heap holds is insufficientSpace, and the heap stays usable")
    func outOfSpace() throws {
        let heap = try ManagedSegment.anonymous(size: Self.size)
        let error = #expect(throws: InterprocessError.self) { _ = try heap.allocate(byteCount: Self.size) }
        #expect(error?.code == .insufficientSpace)
        var held: [SegmentOffset] = []
        while let offset = try? heap.allocate(byteCount: 4000) { held.append(offset) }
        #expect(held.count > 100)
        for offset in held { try heap.deallocate(offset) }
        _ = try heap.allocate(byteCount: 4000)
        let badAlignment = #expect(throws: InterprocessError.self) { _ = try heap.allocate(byteCount: 8, alignment: 3) }
        #expect(badAlignment?.code == .invalidArgument)
        let negative = #expect(throws: InterprocessError.self) { _ = try heap.allocate(byteCount: -1) }
        #expect(negative?.code == .invalidArgument)
    }

    @Test("open of a missing name is notFound; open(timeout:) times out; a later create wakes open(until:)")
    func openWaits() throws {
        let name = TestSupport.uniqueName("managed-wait")
        defer { try? ManagedSegment.remove(name) }
        let missing = #expect(throws: InterprocessError.self) { _ = try ManagedSegment(open: name) }
        #expect(missing?.code == .notFound)
        let late = #expect(throws: InterprocessError.self) { _ = try ManagedSegment(open: name, timeout: .milliseconds(50)) }
        #expect(late?.code == .timedOut)
        let creator = Thread {
            usleep(100_000)
            _ = try? ManagedSegment(create: name, size: Self.size)
        }
        creator.start()
        let opened = try ManagedSegment(open: name, until: .after(.seconds(5)))
        #expect(!opened.wasCreated)
    }

    @Test("openOrCreate creates once, then opens; a different maximumSize is incompatibleConfiguration")
    func openOrCreate() throws {
        let name = TestSupport.uniqueName("managed-ooc")
        defer { try? ManagedSegment.remove(name) }
        let first = try ManagedSegment(openOrCreate: name, size: Self.size)
        let second = try ManagedSegment(openOrCreate: name, size: Self.size)
        #expect(first.wasCreated && !second.wasCreated)
        let error = #expect(throws: InterprocessError.self) {
            _ = try ManagedSegment(openOrCreate: name, size: Self.size, maximumSize: 1 << 30)
        }
        #expect(error?.code == .incompatibleConfiguration)
    }

    @Test("a segment of another kind is wrongKind, for open and remove")
    func wrongKind() throws {
        let name = TestSupport.uniqueName("managed-kind")
        defer { try? Segment.remove(name) }
        _ = try Segment(create: name, bodySize: 4096)
        let error = #expect(throws: InterprocessError.self) { _ = try ManagedSegment(open: name) }
        #expect(error?.code == .wrongKind)
        let removal = #expect(throws: InterprocessError.self) { try ManagedSegment.remove(name) }
        #expect(removal?.code == .wrongKind)
    }

    @Test("sizes out of range are invalidArgument naming the range")
    func sizesOutOfRange() throws {
        let name = TestSupport.uniqueName("managed-size")
        let small = #expect(throws: InterprocessError.self) { _ = try ManagedSegment(create: name, size: 4096) }
        #expect(small?.code == .invalidArgument)
        #expect(small?.reason.contains("between") == true)
        let huge = #expect(throws: InterprocessError.self) { _ = try ManagedSegment(create: name, size: Self.size, maximumSize: 1 << 50) }
        #expect(huge?.code == .invalidArgument)
        #expect(!SharedMemory.exists(name))
    }

    @Test("a file backing persists the heap across handles, and remove deletes the file")
    func fileBacking() throws {
        let path = FilePath(NSTemporaryDirectory() + TestSupport.uniqueName("managed-file"))
        defer { unlink(path.string) }
        let offset: SegmentOffset
        do {
            let heap = try ManagedSegment(create: "file", size: Self.size, backing: .file(path: path))
            offset = try heap.allocate(byteCount: 8)
            try heap.withUnsafeMutableBytes(at: offset, byteCount: 8) { $0.storeBytes(of: 0xfeed, as: UInt64.self) }
        }
        let reopened = try ManagedSegment(open: "file", backing: .file(path: path))
        let value = try reopened.withUnsafeMutableBytes(at: offset, byteCount: 8) { $0.load(as: UInt64.self) }
        #expect(value == 0xfeed)
        let again = #expect(throws: InterprocessError.self) {
            _ = try ManagedSegment(create: "file", size: Self.size, backing: .file(path: path))
        }
        #expect(again?.code == .alreadyExists)
        try ManagedSegment.remove("file", backing: .file(path: path))
        #expect(!FileManager.default.fileExists(atPath: path.string))
    }

    @Test("the directory root starts at 0 in a fixed header word")
    func directoryRoot() throws {
        let heap = try ManagedSegment.anonymous(size: Self.size)
        #expect(heap.directoryRoot.pointee.load(ordering: .acquiring) == 0)
        #expect(UnsafeMutableRawPointer(heap.directoryRoot) - heap.base == 168)
    }
}
