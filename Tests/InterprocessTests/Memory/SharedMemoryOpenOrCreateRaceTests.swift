import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MemoryTests {
    /// openOrCreate from several processes at once: one creates, every other one opens, even
    /// while the creator is still reserving a large segment.
    @Suite("SharedMemory openOrCreate races", .timeLimit(.minutes(5)))
    struct SharedMemoryOpenOrCreateRaceTests {
        @Test("four processes racing on one name: exactly one creates, all get the full size")
        func racingProcesses() throws {
            let name = TestSupport.uniqueName("race")
            defer { try? SharedMemory.remove(name) }
            let size = 256 << 20  // large enough that reserving it takes tens of milliseconds
            // All four start at the same moment, half a second from now.
            let start = Deadline.after(.milliseconds(500)).nanoseconds
            let peers = try (0..<4).map { _ in
                try TestSupport.BackgroundPeer(["shm-open-or-create", name, String(size), String(start)])
            }
            let outcomes = try peers.map { try $0.wait() }
            for outcome in outcomes {
                #expect(outcome.status == 0, "\(outcome)")
            }
            let lines = outcomes.map(\.standardOutput).sorted()
            #expect(lines == ["created \(size)\n"] + Array(repeating: "opened \(size)\n", count: 3))
            let existingSize = try SharedMemory(open: name).size
            #expect(existingSize == size)
        }

        @Test("a segment left empty by a creator that died before sizing it is reported truncated")
        func emptySegmentOfDeadCreator() throws {
            let name = TestSupport.uniqueName("empty")
            defer { try? SharedMemory.remove(name) }
            // What a creator that died right after shm_open leaves behind.
            let descriptor = open(MemoryFixtures.shmPath(name), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0o600)
            try #require(descriptor >= 0)
            close(descriptor)

            let opened = #expect(throws: InterprocessError.self) { _ = try SharedMemory(open: name) }
            #expect(opened?.code == .truncated)
            let started = Deadline.now
            let error = #expect(throws: InterprocessError.self) { _ = try SharedMemory(openOrCreate: name, size: 4096) }
            #expect(error?.code == .truncated)
            #expect(error?.name == name)
            // It waited for the creator a while, but not for ever.
            let waited = Deadline.now.nanoseconds - started.nanoseconds
            #expect(waited >= 1_000_000_000)
            #expect(waited < 30_000_000_000)
            #expect(SharedMemory.exists(name))
        }
    }
}
