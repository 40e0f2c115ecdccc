import Interprocess
import Testing

/// The public object API of ``ManagedSegment`` in one process: typed access, spans, unique and
/// anonymous objects, relative pointers through the segment, and their typed errors.
@Suite("ManagedSegment objects", .timeLimit(.minutes(1)))
struct ManagedSegmentObjectsTests {
    struct Pair: BitwiseCopyable, Equatable { var a: UInt32; var b: UInt16 }

    @Test("spans read and write the elements in place; pointer(to:) and typedOffset(of:) agree")
    func spans() throws {
        let segment = try ManagedSegment.anonymous(size: 1 << 20)
        let pairs = try segment.construct(Pair.self, named: "pairs", count: 5) { Pair(a: UInt32($0), b: 7) }
        try segment.withMutableSpan(of: pairs, count: 5) { span in
            for index in 0..<span.count { span[index].b = UInt16(index * 2) }
        }
        let read = try segment.withSpan(of: pairs, count: 5) { span in (0..<span.count).map { span[$0] } }
        #expect(read == (0..<5).map { Pair(a: UInt32($0), b: UInt16($0 * 2)) })
        let pointer = try segment.pointer(to: pairs, count: 5)
        #expect(pointer[4] == Pair(a: 4, b: 8))
        #expect(segment.typedOffset(of: pointer + 3) == pairs.advanced(by: 3))
        #expect(segment.typedOffset(of: UnsafePointer<Pair>(bitPattern: 64)!) == nil)
        // Past the heap, misaligned, null or a bad count: typed errors.
        for (offset, count) in [(pairs.offset.rawValue, 1 << 40), (pairs.offset.rawValue + 2, 1), (0, 1), (pairs.offset.rawValue, 0)] {
            let error = #expect(throws: InterprocessError.self) {
                _ = try segment.pointer(to: TypedSegmentOffset<Pair>(SegmentOffset(rawValue: offset)), count: count)
            }
            #expect(error?.code == .invalidArgument)
        }
        #expect(TypedSegmentOffset<Pair>.null.isNull)
        #expect(pairs.advanced(by: -1) == nil && pairs.advanced(by: Int.max) == nil)
    }

    @Test("unique objects: one per type, found and destroyed by type")
    func unique() throws {
        let segment = try ManagedSegment.anonymous(size: 1 << 20)
        let made = try segment.constructUnique(Pair.self) { _ in Pair(a: 1, b: 2) }
        let again = #expect(throws: InterprocessError.self) { try segment.constructUnique(Pair.self) { _ in Pair(a: 3, b: 4) } }
        #expect(again?.code == .alreadyExists)
        #expect(try segment.findUnique(Pair.self)?.offset == made)
        #expect(try segment.find(Pair.self, named: String(reflecting: Pair.self)) == nil, "unique and named keys are apart")
        let info = try #require(try segment.namedObjects.first)
        #expect(info.isUnique && info.name == String(reflecting: Pair.self) && info.stride == 8 && info.byteCount == 8)
        try segment.destroyUnique(Pair.self)
        #expect(try segment.findUnique(Pair.self) == nil)
        let missing = #expect(throws: InterprocessError.self) { try segment.destroyUnique(Pair.self) }
        #expect(missing?.code == .notFound)
    }

    @Test("anonymous objects: constructed, linked by relative pointers, destroyed by offset; a named one is refused")
    func anonymousAndRelative() throws {
        let segment = try ManagedSegment.anonymous(size: 1 << 20)
        let head = try segment.construct(SegmentOffset.self, named: "head") { _ in .null }
        let cell = try segment.construct(UInt64.self, count: 4) { UInt64($0) * 3 }
        try segment.storeRelativePointer(cell, at: head.offset)
        #expect(try segment.loadRelativePointer(at: head.offset, as: UInt64.self) == cell)
        #expect(try segment.withSpan(of: cell, count: 4) { $0[3] } == 9)
        try segment.storeRelativePointer(TypedSegmentOffset<UInt64>?.none, at: head.offset)
        #expect(try segment.loadRelativePointer(at: head.offset, as: UInt64.self) == nil)
        let itself = #expect(throws: InterprocessError.self) {
            try segment.storeRelativePointer(TypedSegmentOffset<UInt64>(head.offset), at: head.offset)
        }
        #expect(itself?.code == .invalidArgument)
        // A distance no correct peer wrote: outside the heap, or misaligned for the type.
        for distance: Int64 in [1 << 40, -Int64(head.offset.rawValue), 3] {
            try segment.withMutableSpan(of: head) { span in span[0] = SegmentOffset(rawValue: UInt64(bitPattern: distance)) }
            let error = #expect(throws: InterprocessError.self) { _ = try segment.loadRelativePointer(at: head.offset, as: UInt64.self) }
            #expect(error?.code == .corrupt, "distance \(distance)")
        }
        let named = #expect(throws: InterprocessError.self) { try segment.destroy(head) }
        #expect(named?.code == .invalidArgument)
        try segment.destroy(cell)
        let twice = #expect(throws: InterprocessError.self) { try segment.destroy(cell) }
        #expect(twice?.code == .invalidArgument)
    }

    @Test("objects and their errors name the segment and the object")
    func wording() throws {
        let name = TestSupport.uniqueName("objects-words")
        defer { try? ManagedSegment.remove(name) }
        let segment = try ManagedSegment(create: name, size: 1 << 20)
        try segment.construct(Int64.self, named: "total") { _ in 0 }
        let error = #expect(throws: InterprocessError.self) { _ = try segment.find(Pair.self, named: "total") }
        #expect(error?.description.hasPrefix("Could not find object 'total' in managed segment '\(name)': object 'total' is a Swift.Int64") == true,
                "\(String(describing: error))")
        let big = #expect(throws: InterprocessError.self) { try segment.construct(UInt8.self, named: "big", count: 1 << 30) { _ in 0 } }
        #expect(big?.code == .insufficientSpace)
        #expect(try segment.find(UInt8.self, named: "big") == nil, "a failed construct leaves no entry")
        #expect(try segment.namedObjects.map(\.name) == ["total"])
    }
}
