import Interprocess
import SystemPackage
import Testing

extension MemoryTests {
    /// flush: synchronous and asynchronous, whole region and byte ranges, and ranges that do not fit.
    @Suite("MappedRegion flush")
    struct MappedRegionFlushTests {
        @Test("flushing the whole region or a range, either mode, writes the bytes to the file",
              arguments: [MappedRegion.FlushMode.synchronous, .asynchronous], [false, true])
        func flushWritesFile(mode: MappedRegion.FlushMode, ranged: Bool) throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("flush.bin")
            let file = try MappedFile(create: FilePath(path), size: 5 * 4096)
            let pattern = MemoryFixtures.pattern(6000, seed: 17)
            try MemoryFixtures.write(pattern, to: file.region, at: 3000)
            try file.region.flush(ranged ? 3000..<9000 : nil, mode: mode)
            #expect(try MemoryFixtures.readFile(path, offset: 3000, count: 6000) == pattern)
        }

        @Test("a range in a window that starts mid-page is flushed (the range is page-aligned internally)")
        func flushRangeOfUnalignedWindow() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("window-flush.bin")
            _ = try MappedFile(create: FilePath(path), size: 4 * 4096)
            let window = try MappedFile(open: FilePath(path), offset: 4096 + 123, length: 8000)
            try MemoryFixtures.write([1, 2, 3, 4], to: window.region, at: 5000)
            try window.region.flush(4999..<5004)
            try window.region.flush(0..<1, mode: .asynchronous)
            try window.region.flush(7999..<8000)
            try window.region.flush()
            #expect(try MemoryFixtures.readFile(path, offset: 4096 + 123 + 5000, count: 4) == [1, 2, 3, 4])
        }

        @Test("flushing shared memory is allowed")
        func flushSharedMemory() throws {
            let name = TestSupport.uniqueName("flush")
            defer { try? SharedMemory.remove(name) }
            let memory = try SharedMemory(create: name, size: 8192)
            try memory.region.flush()
            try memory.region.flush(10..<20, mode: .asynchronous)
        }

        @Test("a range outside the region throws invalidArgument",
              arguments: [-1..<10, 0..<8193, 8192..<8193, 9000..<9001, Int.min..<0])
        func rangeOutside(range: Range<Int>) throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("outside.bin")
            let file = try MappedFile(create: FilePath(path), size: 8192)
            for mode in [MappedRegion.FlushMode.synchronous, .asynchronous] {
                let error = #expect(throws: InterprocessError.self) { try file.region.flush(range, mode: mode) }
                #expect(error?.code == .invalidArgument)
                #expect(error?.reason.contains("outside the region") == true)
            }
        }
    }
}
