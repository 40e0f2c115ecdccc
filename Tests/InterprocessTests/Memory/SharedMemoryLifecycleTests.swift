import Interprocess
import SystemPackage
import Testing

extension MemoryTests {
    /// create / open / openOrCreate / remove on named shared memory, and their typed errors.
    @Suite("SharedMemory create, open, openOrCreate, remove")
    struct SharedMemoryLifecycleTests {
        @Test("create makes a zero-filled segment of exactly the size asked for")
        func createMakesZeroFilledSegment() throws {
            let name = TestSupport.uniqueName("create")
            defer { try? SharedMemory.remove(name) }
            let memory = try SharedMemory(create: name, size: 10_000)
            let (size, wasCreated, access) = (memory.size, memory.wasCreated, memory.region.access)
            let allZero = memory.region.withUnsafeBytes { $0.allSatisfy { $0 == 0 } }
            #expect(size == 10_000)
            #expect(wasCreated)
            #expect(memory.name == (try SegmentName(name)))
            #expect(access == .readWrite)
            #expect(allZero)
            #expect(SharedMemory.exists(name))
            #expect(MemoryFixtures.status(of: MemoryFixtures.shmPath(name))?.st_size == 10_000)
        }

        @Test("create on a name that exists throws alreadyExists and leaves the segment alone")
        func createTwiceThrowsAlreadyExists() throws {
            let name = TestSupport.uniqueName("twice")
            defer { try? SharedMemory.remove(name) }
            let first = try SharedMemory(create: name, size: 4096)
            try MemoryFixtures.write([0xab], to: first.region, at: 100)

            let error = #expect(throws: InterprocessError.self) { _ = try SharedMemory(create: name, size: 8192) }
            #expect(error?.code == .alreadyExists)
            #expect(error?.errno == .fileExists)
            #expect(error?.name == name)

            // The failed create neither removed nor resized nor cleared the existing segment.
            let reopened = try SharedMemory(open: name)
            let (size, bytes) = (reopened.size, MemoryFixtures.read(reopened.region, 100..<101))
            #expect(size == 4096)
            #expect(bytes == [0xab])
        }

        @Test("open of a missing name throws notFound")
        func openMissingThrowsNotFound() {
            let name = TestSupport.uniqueName("missing")
            let error = #expect(throws: InterprocessError.self) { _ = try SharedMemory(open: name) }
            #expect(error?.code == .notFound)
            #expect(error?.name == name)
            #expect(!SharedMemory.exists(name))
        }

        @Test("remove of a missing name throws notFound")
        func removeMissingThrowsNotFound() {
            let name = TestSupport.uniqueName("rm-missing")
            let error = #expect(throws: InterprocessError.self) { try SharedMemory.remove(name) }
            #expect(error?.code == .notFound)
            #expect(error?.name == name)
        }

        @Test("remove deletes the name; an existing mapping keeps working")
        func removeDeletesNameButNotMappings() throws {
            let name = TestSupport.uniqueName("rm")
            defer { try? SharedMemory.remove(name) }
            let memory = try SharedMemory(create: name, size: 4096)
            try SharedMemory.remove(name)
            #expect(!SharedMemory.exists(name))
            #expect(MemoryFixtures.status(of: MemoryFixtures.shmPath(name)) == nil)
            let error = #expect(throws: InterprocessError.self) { _ = try SharedMemory(open: name) }
            #expect(error?.code == .notFound)
            try MemoryFixtures.write([1, 2, 3], to: memory.region, at: 4093)
            let written = MemoryFixtures.read(memory.region, 4093..<4096)
            #expect(written == [1, 2, 3])
            // The name is free again, for a new, separate segment.
            let again = try SharedMemory(create: name, size: 4096)
            let fresh = MemoryFixtures.read(again.region, 4093..<4096)
            #expect(fresh == [0, 0, 0])
        }

        @Test("two handles on one name share the same bytes")
        func openSharesBytesWithCreator() throws {
            let name = TestSupport.uniqueName("share")
            defer { try? SharedMemory.remove(name) }
            let creator = try SharedMemory(create: name, size: 8192)
            let opener = try SharedMemory(open: name)
            let (wasCreated, size) = (opener.wasCreated, opener.size)
            #expect(!wasCreated)
            #expect(size == 8192)
            try MemoryFixtures.write([7, 8, 9], to: creator.region, at: 5000)
            let seenByOpener = MemoryFixtures.read(opener.region, 5000..<5003)
            #expect(seenByOpener == [7, 8, 9])
            try MemoryFixtures.write([4], to: opener.region, at: 0)
            let seenByCreator = MemoryFixtures.read(creator.region, 0..<1)
            #expect(seenByCreator == [4])
        }

        @Test("openOrCreate creates first, then opens the same segment")
        func openOrCreateCreatesThenOpens() throws {
            let name = TestSupport.uniqueName("ooc")
            defer { try? SharedMemory.remove(name) }
            let first = try SharedMemory(openOrCreate: name, size: 12_288)
            let (firstCreated, firstSize) = (first.wasCreated, first.size)
            #expect(firstCreated)
            #expect(firstSize == 12_288)
            try MemoryFixtures.write([0x42, 0x43], to: first.region, at: 12_000)

            let second = try SharedMemory(openOrCreate: name, size: 12_288)
            let (secondCreated, secondSize) = (second.wasCreated, second.size)
            let seen = MemoryFixtures.read(second.region, 12_000..<12_002)
            #expect(!secondCreated)
            #expect(secondSize == 12_288)
            #expect(seen == [0x42, 0x43])
        }

        @Test("openOrCreate on an existing segment of another size throws incompatibleConfiguration")
        func openOrCreateSizeMismatch() throws {
            let name = TestSupport.uniqueName("ooc-size")
            defer { try? SharedMemory.remove(name) }
            let existing = try SharedMemory(create: name, size: 4096)
            let error = #expect(throws: InterprocessError.self) { _ = try SharedMemory(openOrCreate: name, size: 8192) }
            #expect(error?.code == .incompatibleConfiguration)
            #expect(error?.name == name)
            #expect(error?.reason.contains("4096") == true)
            #expect(error?.reason.contains("8192") == true)
            // Still there, still its old size.
            #expect(SharedMemory.exists(name))
            let (existingSize, reopenedSize) = (existing.size, try SharedMemory(open: name).size)
            #expect(existingSize == 4096)
            #expect(reopenedSize == 4096)
        }

        @Test("a name of exactly the maximum length (255 bytes) works")
        func longestNameWorks() throws {
            let prefix = TestSupport.uniqueName("max") + "-"
            let name = prefix + String(repeating: "x", count: SegmentName.maximumLength - prefix.utf8.count)
            #expect(name.utf8.count == 255)
            defer { try? SharedMemory.remove(name) }
            let size = try SharedMemory(create: name, size: 4096).size
            #expect(size == 4096)
            #expect(SharedMemory.exists(name))
            try SharedMemory.remove(name)
            #expect(!SharedMemory.exists(name))
        }
    }
}
