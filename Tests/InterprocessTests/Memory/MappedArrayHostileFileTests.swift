import Foundation
import Interprocess
import SystemPackage
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MemoryTests {
    /// Array files edited by hand: every damage is a typed error, in this process and in another.
    @Suite("MappedArray hostile files", .timeLimit(.minutes(1)))
    struct MappedArrayHostileFileTests {
        /// Makes an array of 100 UInt64s (0..<100) and returns its path.
        static func makeArray(in directory: MemoryFixtures.TemporaryDirectory) throws -> String {
            let path = directory.file("h.array")
            var array = try MappedArray<UInt64>(create: FilePath(path))
            try array.append(contentsOf: (0..<100).map { UInt64($0) })
            return path
        }

        /// Overwrites the 8-byte word at `offset` of the file.
        static func poke(_ path: String, at offset: Int, _ value: UInt64) throws {
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(offset))
            try withUnsafeBytes(of: value.littleEndian) { try handle.write(contentsOf: Data($0)) }
        }

        /// The error code opening `path` as UInt64s gives, here and in the test peer.
        static func codes(opening path: String, bytes: Int = 8) throws -> (here: InterprocessError.Code?, peer: String) {
            var code: InterprocessError.Code?
            do {
                switch bytes {
                case 4: _ = try MappedArray<UInt32>(open: FilePath(path), access: .readOnly)
                default: _ = try MappedArray<UInt64>(open: FilePath(path), access: .readOnly)
                }
            } catch {
                code = error.code
            }
            let outcome = try TestSupport.peer("array-open", path, String(bytes))
            return (code, outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
        }

        @Test("another process opens it with a different element size: incompatibleConfiguration")
        func wrongElementSize() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = try Self.makeArray(in: directory)
            let result = try Self.codes(opening: path, bytes: 4)
            #expect(result.here == .incompatibleConfiguration)
            #expect(result.peer == "error incompatibleConfiguration")
            #expect(try TestSupport.peer("array-open", path, "8").standardOutput == "count 100\n")
        }

        @Test("a count or capacity beyond the file is corrupt, at open and at refresh")
        func countBeyondFile() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = try Self.makeArray(in: directory)
            var reader = try MappedArray<UInt64>(open: FilePath(path), access: .readOnly)
            try Self.poke(path, at: 264, 1 << 40)  // count
            #expect(try Self.codes(opening: path) == (.corrupt, "error corrupt"))
            let refreshed = #expect(throws: InterprocessError.self) { try reader.refresh() }
            #expect(refreshed?.code == .corrupt && refreshed?.reason.contains("count") == true)
            #expect(reader.count == 100 && reader[99] == 99)  // the handle keeps its checked view
            #expect(try MappedArrayState(path: FilePath(path)).problem != nil)
            try Self.poke(path, at: 264, 100)
            try Self.poke(path, at: 256, UInt64.max)  // capacity
            #expect(try Self.codes(opening: path) == (.corrupt, "error corrupt"))
            try Self.poke(path, at: 256, 100)
            #expect(try reader.refresh() == 100)
        }

        @Test("a damaged header: flipped description, flipped segment header, foreign bytes")
        func damagedHeader() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = try Self.makeArray(in: directory)
            try Self.poke(path, at: 128, 4)  // element size, under the array checksum
            #expect(try Self.codes(opening: path) == (.corrupt, "error corrupt"))
            try Self.poke(path, at: 128, 8)
            #expect(try Self.codes(opening: path).peer == "count 100")
            try Self.poke(path, at: 24, 9_999)  // total size, under the segment checksum
            #expect(try Self.codes(opening: path) == (.corrupt, "error corrupt"))
            try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
            #expect(try Self.codes(opening: path) == (.foreignSegment, "error foreignSegment"))
        }

        @Test("interprocess inspect PATH shows the array, and exits 2 for a count beyond the file")
        func inspect() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = try Self.makeArray(in: directory)
            let good = try TestSupport.cli("inspect", path)
            #expect(good.status == 0 && good.standardOutput.contains("count      100 of capacity"), "\(good)")
            #expect(good.standardOutput.contains("writer     none"), "\(good)")
            try Self.poke(path, at: 264, 1 << 40)
            let bad = try TestSupport.cli("inspect", "--json", path)
            #expect(bad.status == 2, "\(bad)")
            let json = try CLIJSON.object(bad.standardOutput)
            let state = try #require(json["mappedArray"] as? [String: Any])
            #expect(state["count"] as? Int == 1 << 40 && (state["problem"] as? String)?.contains("count") == true)
            let foreign = try TestSupport.cli("inspect", directory.path + "/missing.array")
            #expect(foreign.status == 1, "\(foreign)")
        }

        @Test("a truncated file: shorter than the header, shorter than its elements")
        func truncated() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = try Self.makeArray(in: directory)
            #expect(truncate(path, 4096 + 50 * 8) == 0)  // the count says 100 elements
            #expect(try Self.codes(opening: path) == (.corrupt, "error corrupt"))
            #expect(truncate(path, 200) == 0)
            #expect(try Self.codes(opening: path) == (.truncated, "error truncated"))
            #expect(truncate(path, 60) == 0)
            #expect(try Self.codes(opening: path) == (.truncated, "error truncated"))
            // Broken arrays can still be removed; other kinds cannot.
            try MappedArray<UInt64>.remove(FilePath(path))
        }
    }
}
