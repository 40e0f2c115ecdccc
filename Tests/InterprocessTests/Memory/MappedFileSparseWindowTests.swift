import Interprocess
import SystemPackage
import Testing

extension MemoryTests {
    /// A window of a sparse file far larger than 4 GiB, written by one process and read by another.
    @Suite("MappedFile windows of a large sparse file", .timeLimit(.minutes(5)))
    struct MappedFileSparseWindowTests {
        static let fileSize = 8 << 30  // 8 GiB

        @Test("a pattern the peer writes beyond 4 GiB appears exactly where it should")
        func peerWritesBeyondFourGiB() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("sparse.bin")
            let created = try MappedFile(create: FilePath(path), size: Self.fileSize, allocation: .sparse)
            let createdSize = created.region.count
            #expect(createdSize == Self.fileSize)
            _ = consume created
            // Sparse: 8 GiB long, almost nothing allocated.
            let info = try #require(MemoryFixtures.status(of: path))
            #expect(info.st_size == Self.fileSize)
            #expect(info.st_blocks * 512 < 1 << 20)

            let offset = (4 << 30) + 3 * 4096 + 1234  // past 4 GiB, not page aligned
            let pattern = MemoryFixtures.pattern(37, seed: 11)
            let outcome = try TestSupport.peer("file-write", path, String(offset), MemoryFixtures.hex(pattern))
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.standardOutput == "wrote 37\n")

            let margin = 5000  // reaches into the previous and the next page
            let window = try MappedFile(open: FilePath(path), access: .readOnly, offset: offset - margin, length: 37 + 2 * margin)
            let (windowOffset, before, middle, after) = (
                window.offset,
                MemoryFixtures.read(window.region, 0..<margin),
                MemoryFixtures.read(window.region, margin..<(margin + 37)),
                MemoryFixtures.read(window.region, (margin + 37)..<(2 * margin + 37)))
            #expect(windowOffset == offset - margin)
            #expect(middle == pattern)
            #expect(before.allSatisfy { $0 == 0 })
            #expect(after.allSatisfy { $0 == 0 })
            #expect(try MemoryFixtures.readFile(path, offset: offset, count: 37) == pattern)
            #expect(try MemoryFixtures.readFile(path, offset: offset - 1, count: 1) == [0])
            #expect(try MemoryFixtures.readFile(path, offset: offset + 37, count: 1) == [0])
        }

        @Test("the peer reads a window this process wrote near the end of the file")
        func peerReadsNearEnd() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("sparse-end.bin")
            _ = try MappedFile(create: FilePath(path), size: Self.fileSize, allocation: .sparse)

            let offset = Self.fileSize - 4096 - 77
            let pattern = MemoryFixtures.pattern(4096 + 77, seed: 42)  // runs to the last byte
            do {
                let window = try MappedFile(open: FilePath(path), offset: offset, length: pattern.count)
                try MemoryFixtures.write(pattern, to: window.region, at: 0)
                try window.region.flush()
            }
            let outcome = try TestSupport.peer("file-read", path, String(offset - 2), String(pattern.count + 2))
            #expect(outcome.status == 0, "\(outcome)")
            #expect(outcome.standardOutput == "0000" + MemoryFixtures.hex(pattern) + "\n")

            // One byte further is past the end: refused, not a SIGBUS.
            let error = #expect(throws: InterprocessError.self) {
                _ = try MappedFile(open: FilePath(path), offset: offset, length: pattern.count + 1)
            }
            #expect(error?.code == .invalidArgument)
            let peerError = try TestSupport.peer("file-read", path, String(offset), String(pattern.count + 1))
            #expect(peerError.status == 1)
            #expect(peerError.standardOutput == "error invalidArgument\n")
        }
    }
}
