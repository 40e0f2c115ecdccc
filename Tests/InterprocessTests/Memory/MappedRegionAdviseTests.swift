import Interprocess
import SystemPackage
import Testing

extension MemoryTests {
    /// advise: every hint on a file mapping, whole and ranged; the contents survive; bad ranges fail.
    @Suite("MappedRegion advise")
    struct MappedRegionAdviseTests {
        @Test("every advice is accepted on a file mapping, whole and for a range, and the data survives",
              arguments: MappedRegion.Advice.allCases)
        func everyAdvice(_ advice: MappedRegion.Advice) throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("advise.bin")
            let file = try MappedFile(create: FilePath(path), size: 16 * 4096)
            let pattern = MemoryFixtures.pattern(10_000, seed: 5)
            try MemoryFixtures.write(pattern, to: file.region, at: 20_000)

            try file.region.advise(advice)
            try file.region.advise(advice, range: 20_001..<25_000)
            // A window whose start is not page aligned.
            let window = try MappedFile(open: FilePath(path), offset: 20_000, length: 10_000)
            try window.region.advise(advice, range: 3..<9_999)

            let seen = MemoryFixtures.read(file.region, 20_000..<30_000)
            let seenInWindow = MemoryFixtures.read(window.region, 0..<10_000)
            #expect(seen == pattern)
            #expect(seenInWindow == pattern)
            try file.region.advise(.normal)
        }

        @Test("advice on shared memory keeps the contents, even dontNeed")
        func adviseSharedMemory() throws {
            let name = TestSupport.uniqueName("advise")
            defer { try? SharedMemory.remove(name) }
            let memory = try SharedMemory(create: name, size: 8 * 4096)
            try MemoryFixtures.write([9, 8, 7], to: memory.region, at: 5000)
            for advice in MappedRegion.Advice.allCases {
                try memory.region.advise(advice)
            }
            let seen = MemoryFixtures.read(memory.region, 5000..<5003)
            #expect(seen == [9, 8, 7])
        }

        @Test("a range outside the region throws invalidArgument")
        func rangeOutside() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let file = try MappedFile(create: FilePath(directory.file("advise-outside.bin")), size: 4096)
            for range in [-1..<1, 0..<4097, 5000..<6000] {
                let error = #expect(throws: InterprocessError.self) { try file.region.advise(.willNeed, range: range) }
                #expect(error?.code == .invalidArgument)
            }
        }
    }
}
