import Interprocess
import Testing

/// Relative pointers on plain shared memory mapped twice (two addresses in one process) and in
/// another process.
@Suite("RelativePointer", .timeLimit(.minutes(1)))
struct RelativePointerTests {
    typealias Node = RelativePointerFixtures.Node

    @Test("null is distance 0, and zero-filled memory holds null pointers")
    func null() throws {
        #expect(RelativePointer<Int>().isNull)
        #expect(RelativePointer<Int>(distance: 0).isNull)
        #expect(!RelativePointer<Int>(distance: -8).isNull)
        let memory = try AnonymousSharedMemory(size: 4096, label: "relative-null")
        let base = memory.region.baseAddress
        #expect(RelativePointer<Int>.load(from: base) == nil)
        RelativePointer<Int>.store((base + 64).assumingMemoryBound(to: Int.self), at: base + 8)
        #expect(base.load(fromByteOffset: 8, as: Int64.self) == 56)
        #expect(RelativePointer<Int>.load(from: base + 8) == (base + 64).assumingMemoryBound(to: Int.self))
        RelativePointer<Int>.store(nil, at: base + 8)
        #expect(base.load(fromByteOffset: 8, as: Int64.self) == 0)
        #expect(RelativePointer<Int>.load(from: base + 8) == nil)
    }

    @Test("a list written through one mapping is walked through another at a different address")
    func twoMappings() throws {
        let name = TestSupport.uniqueName("relptr")
        let first = try SharedMemory(create: name, size: 65_536)
        defer { try? SharedMemory.remove(name) }
        let second = try SharedMemory(open: name)
        let (a, b) = (first.region.baseAddress, second.region.baseAddress)
        #expect(a != b)
        // Nodes out of address order, so that distances are both positive and negative.
        let offsets = RelativePointerFixtures.write(list: [10, 20, 30, 40], at: [4096, 128, 8192, 1024], in: a)
        var node = (b + offsets[0]).assumingMemoryBound(to: Node.self)
        var seen: [Int64] = [node.pointee.value]
        while let next = node.pointer(to: \.next)!.target() {
            #expect(UnsafeMutableRawPointer(next) >= b && UnsafeMutableRawPointer(next) < b + second.size)
            node = next
            seen.append(node.pointee.value)
        }
        #expect(seen == [10, 20, 30, 40])
    }

    @Test("another process maps the memory elsewhere and walks the same list")
    func anotherProcess() throws {
        let name = TestSupport.uniqueName("relptr-peer")
        let memory = try SharedMemory(create: name, size: 65_536)
        defer { try? SharedMemory.remove(name) }
        let base = memory.region.baseAddress
        let offsets = RelativePointerFixtures.write(list: [7, -3, 1 << 40], at: [8192, 64, 30_000], in: base)
        let outcome = try TestSupport.peer("relative-walk", name, String(offsets[0]))
        #expect(outcome.status == 0, "\(outcome)")
        let lines = outcome.standardOutput.split(separator: "\n")
        #expect(lines.contains("values 7 -3 \(1 << 40)"), "\(outcome)")
        #expect(!lines.contains("base \(String(UInt(bitPattern: base), radix: 16))"), "the peer mapped at the same address: \(outcome)")
    }

    @Test("init(pointingAt:from:) and the in-place accessors agree")
    func accessors() throws {
        let memory = try AnonymousSharedMemory(size: 4096, label: "relative-accessors")
        let base = memory.region.baseAddress
        let slot = (base + 512).assumingMemoryBound(to: RelativePointer<UInt8>.self)
        let target = (base + 16).assumingMemoryBound(to: UInt8.self)
        slot.setTarget(target)
        #expect(slot.pointee == RelativePointer(pointingAt: target, from: base + 512))
        #expect(slot.pointee.distance == -496)
        #expect(slot.target() == target)
        #expect(MemoryLayout<RelativePointer<Node>>.size == 8)
    }
}

/// Lists of ``Node``s written with relative pointers.
enum RelativePointerFixtures {
    /// 16 bytes: a value and the relative pointer to the next node.
    struct Node: BitwiseCopyable {
        var value: Int64
        var next: RelativePointer<Node>
    }

    /// Writes nodes holding `values` at byte offsets `offsets` from `base`, each pointing at the
    /// next; returns `offsets`.
    @discardableResult
    static func write(list values: [Int64], at offsets: [Int], in base: UnsafeMutableRawPointer) -> [Int] {
        for (index, offset) in offsets.enumerated() {
            let node = (base + offset).assumingMemoryBound(to: Node.self)
            node.initialize(to: Node(value: values[index], next: RelativePointer()))
            if index > 0 {
                (base + offsets[index - 1]).assumingMemoryBound(to: Node.self).pointer(to: \.next)!.setTarget(node)
            }
        }
        return offsets
    }
}
