import Interprocess
import Testing

extension MemoryTests {
    /// Another process (the test peer) opens a segment by name: bytes travel both ways.
    @Suite("SharedMemory across processes", .timeLimit(.minutes(5)))
    struct SharedMemoryCrossProcessTests {
        @Test("bytes the peer writes appear in this process's mapping, nowhere else")
        func peerWritesWeRead() throws {
            let name = TestSupport.uniqueName("xp-write")
            defer { try? SharedMemory.remove(name) }
            let memory = try SharedMemory(create: name, size: 65_536)
            let pattern = MemoryFixtures.pattern(23, seed: 5)

            let outcome = try TestSupport.peer("shm-write", name, "40001", MemoryFixtures.hex(pattern))
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.standardOutput == "wrote 23\n")

            let written = MemoryFixtures.read(memory.region, 40_001..<40_024)
            let before = MemoryFixtures.read(memory.region, 0..<40_001)
            let after = MemoryFixtures.read(memory.region, 40_024..<65_536)
            #expect(written == pattern)
            #expect(before.allSatisfy { $0 == 0 })
            #expect(after.allSatisfy { $0 == 0 })
        }

        @Test("the peer reads what this process wrote, read-write or read-only")
        func weWritePeerReads() throws {
            let name = TestSupport.uniqueName("xp-read")
            defer { try? SharedMemory.remove(name) }
            let memory = try SharedMemory(create: name, size: 8192)
            let pattern = MemoryFixtures.pattern(10, seed: 77)
            try MemoryFixtures.write(pattern, to: memory.region, at: 8000)

            let expected = "0000" + MemoryFixtures.hex(pattern) + "0000\n"
            let readWrite = try TestSupport.peer("shm-read", name, "7998", "14")
            #expect(readWrite.status == 0, "\(readWrite)")
            #expect(readWrite.standardOutput == expected)
            let readOnly = try TestSupport.peer("shm-read", name, "7998", "14", "read-only")
            #expect(readOnly.status == 0, "\(readOnly)")
            #expect(readOnly.standardOutput == expected)
        }

        @Test("the peer sees the segment's size, and notFound once it is removed")
        func peerSeesSizeThenNotFound() throws {
            let name = TestSupport.uniqueName("xp-size")
            defer { try? SharedMemory.remove(name) }
            do {
                let memory = try SharedMemory(create: name, size: 3 * 4096 + 5)
                let opened = try TestSupport.peer("shm-open", name)
                #expect(opened.status == 0, "\(opened)")
                #expect(opened.standardOutput == "size \(3 * 4096 + 5)\n")
                _ = consume memory
            }
            try SharedMemory.remove(name)
            let missing = try TestSupport.peer("shm-open", name)
            #expect(missing.status == 1)
            #expect(missing.standardOutput == "error notFound\n")
            #expect(missing.standardError.contains(name))
        }

        @Test("a segment the peer removes is gone for this process too")
        func peerRemoves() throws {
            let name = TestSupport.uniqueName("xp-rm")
            defer { try? SharedMemory.remove(name) }
            _ = try SharedMemory(create: name, size: 4096)
            let removed = try TestSupport.peer("shm-remove", name)
            #expect(removed.status == 0, "\(removed)")
            #expect(removed.standardOutput == "removed\n")
            #expect(!SharedMemory.exists(name))
        }
    }
}
