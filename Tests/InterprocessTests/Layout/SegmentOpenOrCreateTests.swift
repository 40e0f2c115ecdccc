import Interprocess
import Testing

/// `Segment(openOrCreate:)`, `Segment`'s read-only body, and `SharedMemory(open:until:)`.
@Suite("Segment openOrCreate and read-only bodies", .timeLimit(.minutes(5)))
struct SegmentOpenOrCreateTests {
    @Test("openOrCreate creates once, then opens; another body size is incompatibleConfiguration")
    func openOrCreate() throws {
        let name = TestSupport.uniqueName("seg-ooc")
        defer { try? Segment.remove(name) }
        let created = try Segment(openOrCreate: name, bodySize: 64) { (body) throws(InterprocessError) in
            body.storeBytes(of: 0xFEED, as: UInt64.self)
        }
        let createdIt = created.wasCreated
        #expect(createdIt)
        let opened = try Segment(openOrCreate: name, bodySize: 64) { (_) throws(InterprocessError) in
            throw InterprocessError(.invalidArgument, operation: "initialize", reason: "must not run for an existing segment")
        }
        let openedIt = !opened.wasCreated
        #expect(openedIt)
        #expect(opened.readableBody.load(as: UInt64.self) == 0xFEED)
        let error = try #require(interprocessError { _ = try Segment(openOrCreate: name, bodySize: 128) })
        #expect(error.code == .incompatibleConfiguration)
        #expect(error.description.hasPrefix("Could not open or create segment"), "\(error)")
    }

    @Test("a read-only segment's body is readable, and writing it throws readOnly instead of faulting")
    func readOnlyBody() throws {
        let name = TestSupport.uniqueName("seg-ro")
        defer { try? Segment.remove(name) }
        let created = try Segment(create: name, bodySize: 64)
        try created.writableBody.storeBytes(of: 7, as: UInt64.self)
        let reader = try Segment(open: name, access: .readOnly)
        #expect(reader.readableBody.load(as: UInt64.self) == 7)
        #expect(interprocessError { _ = try reader.writableBody }?.code == .readOnly)
    }

    @Test("creating a segment that exists speaks of a segment")
    func createMessage() throws {
        let name = TestSupport.uniqueName("seg-msg")
        defer { try? Segment.remove(name) }
        _ = try Segment(create: name, bodySize: 64)
        let error = try #require(interprocessError { _ = try Segment(create: name, bodySize: 64) })
        #expect(error.code == .alreadyExists)
        #expect(error.description.hasPrefix("Could not create segment '\(name)'"), "\(error)")
    }

    @Test("SharedMemory(open:timeout:) waits for a creator in another process; without one it times out")
    func sharedMemoryOpenWaits() throws {
        let name = TestSupport.uniqueName("shm-wait")
        defer { try? SharedMemory.remove(name) }
        #expect(interprocessError { _ = try SharedMemory(open: name, timeout: .milliseconds(50)) }?.code == .timedOut)
        let start = MutexPeers.startTime(after: .milliseconds(200))
        let creator = try TestSupport.BackgroundPeer(["shm-open-or-create", name, "4096", start])
        let memory = try SharedMemory(open: name, timeout: .seconds(10))
        #expect(memory.size == 4096)
        #expect(try creator.wait().status == 0)
    }
}
