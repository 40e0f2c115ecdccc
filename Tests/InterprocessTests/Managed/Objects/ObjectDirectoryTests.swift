@testable import Interprocess
import Testing

/// The directory's logic on a stand-in heap, in one process.
@Suite("Object directory (in-process)", .timeLimit(.minutes(1)))
struct ObjectDirectoryTests {
    struct Point: BitwiseCopyable, Equatable { var x: Int32; var y: Int32 }

    func construct<T: BitwiseCopyable>(
        _ heap: FakeObjectHeap, _ type: T.Type, _ name: String, count: Int = 1, kind: ObjectKind = .named,
        typeName: String = String(reflecting: T.self), findExisting: Bool = false, _ value: @escaping (Int) -> T
    ) throws(InterprocessError) -> (offset: TypedSegmentOffset<T>, count: Int, wasConstructed: Bool) {
        try heap.constructObject(T.self, key: kind, name: name, typeName: typeName, count: count, findExisting: findExisting,
                                 operation: "construct object '\(name)'", initializer: value)
    }

    func find<T: BitwiseCopyable>(_ heap: FakeObjectHeap, _ type: T.Type, _ name: String, kind: ObjectKind = .named,
                                  typeName: String = String(reflecting: T.self)) throws(InterprocessError) -> (offset: TypedSegmentOffset<T>, count: Int)? {
        try heap.findObject(T.self, key: kind, name: name, typeName: typeName, operation: "find object '\(name)'")
    }

    @Test("construct, find, list and destroy; the blocks go back to the heap")
    func roundTrip() throws {
        let heap = try FakeObjectHeap()
        let made = try construct(heap, Point.self, "points", count: 3) { Point(x: Int32($0), y: -Int32($0)) }
        #expect(made.wasConstructed && made.count == 3)
        let found = try #require(try find(heap, Point.self, "points"))
        #expect(found.offset == made.offset && found.count == 3)
        let points = try heap.pointer(at: found.offset.offset, byteCount: 24).assumingMemoryBound(to: Point.self)
        #expect(points[2] == Point(x: 2, y: -2))
        let list = try heap.listObjects(operation: "list")
        #expect(list.count == 1)
        #expect(list.first?.name == "points" && list.first?.count == 3 && list.first?.size == 8 && list.first?.alignment == 4)
        #expect(list.first?.typeName == String(reflecting: Point.self) && list.first?.offset == made.offset.offset)
        let liveBefore = heap.live.count
        try heap.destroyObject(key: .named, name: "points", operation: "destroy")
        #expect(heap.live.count == liveBefore - 2)
        #expect(try find(heap, Point.self, "points") == nil)
        #expect(try heap.listObjects(operation: "list").isEmpty)
    }

    @Test("duplicate construct, missing destroy, wrong type and bad names are typed errors")
    func errors() throws {
        let heap = try FakeObjectHeap()
        _ = try construct(heap, UInt64.self, "counter") { _ in 7 }
        #expect(throws: InterprocessError.self) { try construct(heap, UInt64.self, "counter") { _ in 8 } }
        do { _ = try construct(heap, UInt64.self, "counter") { _ in 8 } } catch { #expect(error.code == .alreadyExists) }
        do { try heap.destroyObject(key: .named, name: "nothing", operation: "destroy"); Issue.record("destroyed nothing") }
        catch { #expect(error.code == .notFound) }
        do { _ = try find(heap, Int32.self, "counter"); Issue.record("found under the wrong type") } catch {
            #expect(error.code == .wrongKind)
            #expect(error.reason.contains("Swift.UInt64") && error.reason.contains("Swift.Int32"), "\(error)")
        }
        do { _ = try find(heap, UInt64.self, "counter", typeName: "Other.Counter"); Issue.record("found under another type name") } catch {
            #expect(error.code == .wrongKind)
        }
        for bad in ["", String(repeating: "n", count: 256), "a\u{0}b"] {
            do { _ = try construct(heap, UInt8.self, bad) { _ in 0 }; Issue.record("accepted name of \(bad.utf8.count) bytes") }
            catch { #expect(error.code == .invalidName) }
        }
        _ = try construct(heap, UInt8.self, String(repeating: "é", count: 127)) { _ in 0 }
        do { _ = try construct(heap, UInt8.self, "zero", count: 0) { _ in 0 }; Issue.record("count 0") }
        catch { #expect(error.code == .invalidArgument) }
        #expect(try find(heap, UInt64.self, "counter")?.count == 1)
    }

    @Test("findOrConstruct returns the existing object; named and unique keys are apart")
    func findOrConstruct() throws {
        let heap = try FakeObjectHeap()
        let first = try construct(heap, Int.self, "Swift.Int", findExisting: true) { _ in 1 }
        let again = try construct(heap, Int.self, "Swift.Int", findExisting: true) { _ in 2 }
        #expect(first.wasConstructed && !again.wasConstructed && first.offset == again.offset)
        let unique = try construct(heap, Int.self, "Swift.Int", kind: .unique) { _ in 3 }
        #expect(unique.offset != first.offset)
        #expect(try find(heap, Int.self, "Swift.Int", kind: .unique)?.offset == unique.offset)
        #expect(try heap.listObjects(operation: "list").map(\.isUnique).sorted { !$0 && $1 } == [false, true])
    }

    @Test("the table grows past its first 16 slots and reuses freed ones")
    func growth() throws {
        let heap = try FakeObjectHeap()
        for index in 0..<100 { _ = try construct(heap, Int.self, "n\(index)") { _ in index } }
        for index in stride(from: 0, to: 100, by: 2) { try heap.destroyObject(key: .named, name: "n\(index)", operation: "destroy") }
        for index in 100..<140 { _ = try construct(heap, Int.self, "n\(index)") { _ in index } }
        let names = Set(try heap.listObjects(operation: "list").map(\.name))
        #expect(names.count == 90)
        for index in 0..<140 {
            let found = try find(heap, Int.self, "n\(index)")
            #expect((found != nil) == (index % 2 == 1 || index >= 100), "n\(index)")
            if let found { #expect(try heap.pointer(at: found.offset.offset, byteCount: 8).load(as: Int.self) == index) }
        }
        let directory = try ObjectDirectory.openOrCreate(in: heap, operation: "test")
        #expect(try directory.table(operation: "test").capacity >= 128)
    }

    @Test("a constructing entry of a dead process, pending blocks and a pending anonymous object are cleaned up by the repair")
    func repair() throws {
        let heap = try FakeObjectHeap()
        _ = try construct(heap, Int.self, "kept") { _ in 5 }
        let directory = try ObjectDirectory.openOrCreate(in: heap, operation: "test")
        let key = try ObjectKey(.named, "half", operation: "test", segment: heap.name)
        let type = try ObjectType(Int.self, typeName: "Swift.Int", operation: "test", segment: heap.name)
        let entry = try directory.publishConstructing(key, type: type, count: 1, operation: "test")
        entry.setObject(try heap.allocate(byteCount: 8, alignment: 8))
        // An unpublished pending entry and a stray pending table, as a kill would leave them.
        let stray = try heap.allocate(byteCount: 64, alignment: 8)
        directory.pendingTable = stray
        let pending = try heap.allocate(byteCount: ObjectEntry.byteCount(key: key, type: type), alignment: 8)
        ObjectEntry.write(at: try heap.pointer(at: pending, byteCount: 80), key: key, type: type, count: 1)
        directory.pendingEntry = pending
        // And an anonymous object whose constructor never returned.
        directory.pendingObject = try heap.allocate(byteCount: 4096, alignment: 16)
        let liveBefore = heap.live.count
        directory.repair(operation: "test")
        #expect(heap.live.count == liveBefore - 5)
        #expect(directory.pendingEntry.isNull && directory.pendingTable.isNull && directory.pendingObject.isNull)
        #expect(try find(heap, Int.self, "half") == nil)
        #expect(try find(heap, Int.self, "kept")?.count == 1)
    }

    @Test("hostile entry words are corrupt errors, not crashes")
    func hostile() throws {
        let heap = try FakeObjectHeap()
        _ = try construct(heap, Int.self, "victim") { _ in 5 }
        let directory = try ObjectDirectory.openOrCreate(in: heap, operation: "test")
        let table = try directory.table(operation: "test")
        let entry = try heap.pointer(at: table.entry(0), byteCount: 64)
        let saved = entry.load(fromByteOffset: 46, as: UInt16.self)
        entry.storeBytes(of: 999, toByteOffset: 46, as: UInt16.self)
        do { _ = try find(heap, Int.self, "victim"); _ = try heap.listObjects(operation: "list"); Issue.record("no error") }
        catch { #expect(error.code == .corrupt, "\(error)") }
        entry.storeBytes(of: saved, toByteOffset: 46, as: UInt16.self)
        entry.storeBytes(of: UInt64.max - 3, toByteOffset: 16, as: UInt64.self)
        do { _ = try find(heap, Int.self, "victim"); Issue.record("no error") } catch { #expect(error.code == .corrupt, "\(error)") }
        table.address.storeBytes(of: UInt64(1) << 40, toByteOffset: 0, as: UInt64.self)
        do { _ = try find(heap, Int.self, "victim"); Issue.record("no error") } catch { #expect(error.code == .corrupt, "\(error)") }
        heap.directoryRoot.pointee.store(12_345, ordering: .relaxed)
        do { _ = try find(heap, Int.self, "victim"); Issue.record("no error") } catch { #expect(error.code == .corrupt, "\(error)") }
    }
}
