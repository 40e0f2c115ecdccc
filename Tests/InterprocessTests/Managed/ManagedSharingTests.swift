import Interprocess
import SystemPackage
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// An anonymous managed segment handed to another process: by descriptor, over a Unix socket.
@Suite("ManagedSegment handed to another process", .timeLimit(.minutes(1)))
struct ManagedSharingTests {
    @Test("a peer receives an anonymous segment over a socket, finds its objects, allocates and names blocks we then see")
    func peerAttachesByDescriptor() throws {
        let heap = try ManagedSegment.anonymous(size: 4 << 20)
        try heap.construct(UInt64.self, named: "greeting") { _ in 4242 }
        let directory = try MemoryFixtures.TemporaryDirectory()
        defer { directory.remove() }
        let listener = try MemoryFixtures.UnixListener(path: directory.file("managed.sock"))
        let peer = try TestSupport.BackgroundPeer(["managed-receive", listener.path])
        let connection = try listener.accept()
        defer { close(connection) }
        try heap.send(over: FileDescriptor(rawValue: connection))
        let outcome = try peer.wait()
        #expect(outcome.status == 0 && outcome.standardOutput == "greeting 4242\nreplied\n", "\(outcome)")

        let reply = try #require(try heap.find(UInt64.self, named: "reply"))
        #expect(reply.count == 64)
        let offsets = try heap.withSpan(of: reply.offset, count: reply.count) { span in (0..<span.count).map { span[$0] } }
        for offset in offsets {
            let bytes = try heap.pointer(at: SegmentOffset(rawValue: offset), byteCount: 100).assumingMemoryBound(to: UInt8.self)
            #expect((0..<100).allSatisfy { bytes[$0] == 0xAB })
            try heap.deallocate(SegmentOffset(rawValue: offset))
        }
        // The peer's thread records went back when it exited; its blocks are ours to free.
        _ = try heap.verify()
    }

    @Test("a peer of another user (nobody) adopts our 0600 named segment's descriptor: it cannot reopen it, so it keeps the received one",
          .enabled(if: geteuid() == 0, "switching the peer to nobody needs root"))
    func otherUserAdopts() throws {
        let name = TestSupport.uniqueName("mshare")
        let heap = try ManagedSegment(create: name, size: 4 << 20)
        defer { try? ManagedSegment.remove(name) }
        try heap.construct(UInt64.self, named: "greeting") { _ in 4343 }
        let directory = try MemoryFixtures.TemporaryDirectory()
        defer { directory.remove() }
        // The peer runs as nobody: it must be able to reach the socket.
        chmod(directory.path, 0o755)
        let listener = try MemoryFixtures.UnixListener(path: directory.file("managed.sock"))
        chmod(listener.path, 0o777)
        let peer = try TestSupport.BackgroundPeer(["as-nobody", "managed-receive", listener.path])
        let connection = try listener.accept()
        defer { close(connection) }
        try heap.send(over: FileDescriptor(rawValue: connection))
        let outcome = try peer.wait()
        #expect(outcome.status == 0 && outcome.standardOutput == "greeting 4343\nreplied\n", "\(outcome)")
        let reply = try #require(try heap.find(UInt64.self, named: "reply"))
        #expect(reply.count == 64)
        _ = try heap.verify()
    }

    @Test("adopting a duplicate descriptor attaches in this process; a descriptor of something else is a typed error")
    func adoptingDescriptors() throws {
        let heap = try ManagedSegment.anonymous(size: 1 << 20)
        let block = try heap.allocate(byteCount: 64)
        try heap.pointer(at: block, byteCount: 8).storeBytes(of: UInt64(77), as: UInt64.self)
        var second: ManagedSegment? = try ManagedSegment(adopting: FileDescriptor(rawValue: dup(heap.descriptor.rawValue)))
        #expect(try second!.pointer(at: block, byteCount: 8).load(as: UInt64.self) == 77)
        try second!.deallocate(block)
        // A free through another handle is published when that handle checks the heap (or closes).
        #expect(try second!.verify().statistics.smallBlocks == 0)
        // The adopter holds a lock of its own on the memory file: shrinking waits for it.
        try heap.grow(to: 4 << 20)
        let busy = #expect(throws: InterprocessError.self) { try heap.shrinkToFit() }
        #expect(busy?.code == .resourceLimit)
        second = nil
        try heap.shrinkToFit()
        #expect(heap.size == 1 << 20)

        let plain = try AnonymousSharedMemory(size: 65_536)
        let error = #expect(throws: InterprocessError.self) {
            try ManagedSegment(adopting: FileDescriptor(rawValue: dup(plain.descriptor.rawValue)))
        }
        #expect(error?.code == .foreignSegment || error?.code == .truncated, "\(String(describing: error))")
        let closed = #expect(throws: InterprocessError.self) { try ManagedSegment(adopting: FileDescriptor(rawValue: 1 << 20)) }
        #expect(closed != nil)
    }
}
