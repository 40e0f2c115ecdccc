import Interprocess
import SystemPackage
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MemoryTests {
    /// Anonymous shared memory (memfd) handed to another process over a Unix domain socket.
    @Suite("AnonymousSharedMemory passed to another process", .timeLimit(.minutes(5)))
    struct AnonymousSharedMemoryPassingTests {
        /// Serves one peer: listens, starts it with `options`, sends `memory`, waits for it.
        static func hand(
            _ memory: borrowing AnonymousSharedMemory, toPeerWith options: [String]
        ) throws -> TestSupport.Outcome {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let listener = try MemoryFixtures.UnixListener(path: directory.file("peer.sock"))
            let peer = try TestSupport.BackgroundPeer(["memfd-receive", listener.path] + options)
            let connection = try listener.accept()
            defer { close(connection) }
            try memory.send(over: FileDescriptor(rawValue: connection))
            return try peer.wait()
        }

        @Test("the peer maps the memory, sees its size and seal, and its writes show up here")
        func peerWritesIntoSealedMemory() throws {
            let memory = try AnonymousSharedMemory(size: 65_536, label: "passing-test")
            let (size, sealed) = (memory.size, memory.isSizeSealed)
            #expect(size == 65_536)
            #expect(sealed)
            let ours = MemoryFixtures.pattern(8, seed: 21)
            try MemoryFixtures.write(ours, to: memory.region, at: 0)
            let theirs = MemoryFixtures.pattern(50, seed: 99)

            let outcome = try Self.hand(memory, toPeerWith: [
                "--read", "0", "8", "--try-resize", "--write", "60000", MemoryFixtures.hex(theirs),
            ])
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.standardOutput.split(separator: "\n") == [
                "size 65536", "sealed true", "read \(MemoryFixtures.hex(ours))", "resize refused EPERM", "wrote 50",
            ])
            let seen = MemoryFixtures.read(memory.region, 60_000..<60_050)
            let untouched = MemoryFixtures.read(memory.region, 8..<60_000)
            #expect(seen == theirs)
            #expect(untouched.allSatisfy { $0 == 0 })
            #expect(try MemoryFixtures.fileSize(of: memory.descriptor.rawValue) == 65_536)
        }

        @Test("memory created without a size seal is reported unsealed, and the peer may resize it")
        func unsealedMemory() throws {
            let memory = try AnonymousSharedMemory(size: 3 * 4096, sealingSize: false)
            let sealed = memory.isSizeSealed
            #expect(!sealed)
            let outcome = try Self.hand(memory, toPeerWith: ["--try-resize", "--write", "5", "0102"])
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.standardOutput.split(separator: "\n") == [
                "size 12288", "sealed false", "resize allowed", "wrote 2",
            ])
            let seen = MemoryFixtures.read(memory.region, 5..<7)
            #expect(seen == [1, 2])
        }
    }
}
