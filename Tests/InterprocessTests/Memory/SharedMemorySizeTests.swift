import Interprocess
import SystemPackage
import Testing

extension MemoryTests {
    /// Sizes that cannot work are refused up front with a typed error, leaving nothing behind.
    @Suite("SharedMemory sizes")
    struct SharedMemorySizeTests {
        @Test("a size below 1 throws invalidArgument", arguments: [0, -1, -4096, Int.min])
        func sizeBelowOne(size: Int) {
            let name = TestSupport.uniqueName("size")
            defer { try? SharedMemory.remove(name) }
            let create = #expect(throws: InterprocessError.self) { _ = try SharedMemory(create: name, size: size) }
            #expect(create?.code == .invalidArgument)
            #expect(create?.reason.contains("\(size)") == true)
            let openOrCreate = #expect(throws: InterprocessError.self) { _ = try SharedMemory(openOrCreate: name, size: size) }
            #expect(openOrCreate?.code == .invalidArgument)
            #expect(!SharedMemory.exists(name))
        }

        @Test("Int.max throws insufficientSpace and leaves no file in /dev/shm")
        func absurdSize() {
            let name = TestSupport.uniqueName("huge")
            defer { try? SharedMemory.remove(name) }
            let error = #expect(throws: InterprocessError.self) { _ = try SharedMemory(create: name, size: Int.max) }
            #expect(error?.code == .insufficientSpace)
            #expect(error?.name == name)
            #expect(!SharedMemory.exists(name))
            #expect(MemoryFixtures.status(of: MemoryFixtures.shmPath(name)) == nil)
        }

        @Test("1 GiB more than /dev/shm has free throws insufficientSpace and leaves no file")
        func beyondFreeSpace() throws {
            let name = TestSupport.uniqueName("too-big")
            defer { try? SharedMemory.remove(name) }
            let size = try MemoryFixtures.sharedMemoryFreeBytes() + (1 << 30)
            let error = #expect(throws: InterprocessError.self) { _ = try SharedMemory(create: name, size: size) }
            #expect(error?.code == .insufficientSpace)
            #expect(error?.reason.contains("\(size) bytes") == true)
            #expect(!SharedMemory.exists(name))

            let openOrCreate = #expect(throws: InterprocessError.self) { _ = try SharedMemory(openOrCreate: name, size: size) }
            #expect(openOrCreate?.code == .insufficientSpace)
            #expect(!SharedMemory.exists(name))
        }

        @Test("MappedFile refuses sizes below 1 and impossible sizes, leaving no file")
        func mappedFileSizes() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("sized.bin")
            for size in [0, -1] {
                let error = #expect(throws: InterprocessError.self) { _ = try MappedFile(create: FilePath(path), size: size) }
                #expect(error?.code == .invalidArgument)
            }
            let reserved = #expect(throws: InterprocessError.self) { _ = try MappedFile(create: FilePath(path), size: Int.max) }
            #expect(reserved?.code == .insufficientSpace)
            // Sparse needs no space, but no file system holds Int.max bytes.
            let sparse = #expect(throws: InterprocessError.self) {
                _ = try MappedFile(create: FilePath(path), size: Int.max, allocation: .sparse)
            }
            #expect(sparse?.code == .invalidArgument)
            #expect(MemoryFixtures.status(of: path) == nil)
        }
    }
}
