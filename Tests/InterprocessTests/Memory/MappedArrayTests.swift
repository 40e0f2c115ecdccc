import Foundation
import Interprocess
import SystemPackage
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MemoryTests {
    /// `MappedArray` in one process: the vocabulary, growth, windows, spans, scans, raw files, sort.
    @Suite("MappedArray basics", .timeLimit(.minutes(1)))
    struct MappedArrayTests {
        @Test("create, append, read and write by index, reopen, remove")
        func lifecycle() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = FilePath(directory.file("a.array"))
            do {
                var array = try MappedArray<UInt32>(create: path)
                #expect(array.wasCreated && array.isEmpty && array.count == 0)
                try array.append(10)
                try array.append(contentsOf: [20, 30, 40])
                array[1] = 21
                #expect(array.count == 4 && array[0] == 10 && array[1] == 21 && array[3] == 40)
                let duplicate = #expect(throws: InterprocessError.self) { _ = try MappedArray<UInt32>(create: path) }
                #expect(duplicate?.code == .alreadyExists)
            }
            let reopened = try MappedArray<UInt32>(open: path, access: .readOnly)
            #expect(!reopened.wasCreated && reopened.count == 4 && reopened[1] == 21 && reopened[3] == 40)
            try MappedArray<UInt32>.remove(path)
            #expect(reopened[0] == 10)  // a handle keeps the unlinked file
            let missing = #expect(throws: InterprocessError.self) { _ = try MappedArray<UInt32>(open: path) }
            #expect(missing?.code == .notFound)
            let removedTwice = #expect(throws: InterprocessError.self) { try MappedArray<UInt32>.remove(path) }
            #expect(removedTwice?.code == .notFound)
        }

        @Test("appends grow the file online; the whole file is remapped as it grows")
        func growth() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            var array = try MappedArray<UInt64>(create: FilePath(directory.file("g.array")), capacity: 3)
            #expect(array.capacity == 3)
            for value in 0..<UInt64(50_000) { try array.append(value &* 3) }
            #expect(array.count == 50_000 && array.capacity >= 50_000)
            #expect(array[0] == 0 && array[49_999] == 49_999 * 3 && array[12_345] == 12_345 * 3)
            try array.reserveCapacity(1_000_000)
            #expect(array.capacity >= 1_000_000 && array.count == 50_000)
            try array.flush()
            let state = try array.state
            #expect(state.count == 50_000 && state.elementSize == 8 && state.problem == nil)
            #expect(state.writer?.identity.pid == getpid())
        }

        @Test("a window smaller than the file: indexes inside and outside it, spans longer than it, scans")
        func windows() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let count = 10_000
            var array = try MappedArray<UInt64>(create: FilePath(directory.file("w.array")), windowSize: 4096)
            try array.append(contentsOf: (0..<count).map { UInt64($0) })
            #expect(array.windowSize == 4096)
            // Far apart: each outside the last window (pread/pwrite), then inside it.
            for index in [9_999, 3, 5_000, 4_999, 0] { #expect(array[index] == UInt64(index)) }
            array[7_777] = 1
            array[8] = 2
            #expect(array[7_777] == 1 && array[8] == 2)
            array[7_777] = 7_777
            array[8] = 8
            // A span of 3,000 elements (24 KB) over a 4 KB window is mapped whole.
            let spanSum = try array.withSpan(1_000..<4_000) { span in
                (0..<span.count).reduce(UInt64(0)) { $0 + span[$1] }
            }
            #expect(spanSum == (1_000..<4_000).reduce(UInt64(0)) { $0 + UInt64($1) })
            try array.withMutableSpan(9_000..<9_010) { span in
                for index in span.indices { span[index] = 1 }
            }
            #expect(array[9_005] == 1 && array[9_010] == 9_010)
            var sum: UInt64 = 0, seen = 0
            try array.forEach { value in sum &+= value; seen += 1 }
            let expected = (0..<UInt64(count)).reduce(0, &+) - (9_000..<UInt64(9_010)).reduce(0, &+) + 10
            #expect(seen == count && sum == expected)
            var tail: [UInt64] = []
            try array.forEach(in: 9_995..<10_000) { tail.append($0) }
            #expect(tail == [9_995, 9_996, 9_997, 9_998, 9_999])
        }

        @Test("openOrCreate creates once, then opens; another element size is incompatible")
        func openOrCreate() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = FilePath(directory.file("o.array"))
            do {
                var first = try MappedArray<Int16>(openOrCreate: path)
                let created = first.wasCreated
                #expect(created)
                try first.append(contentsOf: [1, 2, 3])
            }
            let second = try MappedArray<Int16>(openOrCreate: path)
            #expect(!second.wasCreated && second.count == 3 && second[2] == 3)
            let wrongSize = #expect(throws: InterprocessError.self) { _ = try MappedArray<UInt64>(openOrCreate: path) }
            #expect(wrongSize?.code == .incompatibleConfiguration)
            #expect(wrongSize?.reason.contains("elementSize") == true)
        }

        @Test("one writer at a time; a read-only handle cannot append")
        func oneWriter() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = FilePath(directory.file("one.array"))
            var writer = try MappedArray<UInt8>(create: path)
            try writer.append(1)
            let second = #expect(throws: InterprocessError.self) { _ = try MappedArray<UInt8>(open: path) }
            #expect(second?.code == .alreadyExists)
            var reader = try MappedArray<UInt8>(open: path, access: .readOnly)
            let refused = #expect(throws: InterprocessError.self) { try reader.append(2) }
            #expect(refused?.code == .readOnly)
            try writer.append(contentsOf: [2, 3])
            #expect(reader.count == 1)
            #expect(try reader.refresh() == 3 && reader[2] == 3)
            let copyOnWrite = #expect(throws: InterprocessError.self) {
                _ = try MappedArray<UInt8>(open: path, access: .copyOnWrite)
            }
            #expect(copyOnWrite?.code == .invalidArgument)
            _ = consume writer
            var next = try MappedArray<UInt8>(open: path)
            try next.append(4)
            #expect(next.count == 4)
        }

        @Test("lifetime removedWhenCreatorCloses removes the file")
        func lifetime() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("l.array")
            do {
                var array = try MappedArray<UInt8>(create: FilePath(path), lifetime: .removedWhenCreatorCloses)
                try array.append(1)
                #expect(FileManager.default.fileExists(atPath: path))
            }
            #expect(!FileManager.default.fileExists(atPath: path))
        }

        @Test("a raw file of elements: its size is the count, appends grow it exactly")
        func rawFile() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("raw.bin")
            let values: [UInt32] = [5, 4, 3, 2, 1]
            try values.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: path)) }
            do {
                var array = try MappedArray<UInt32>(rawFile: FilePath(path))
                #expect(array.isRaw && array.count == 5 && array[0] == 5 && array[4] == 1)
                try array.append(contentsOf: [9, 8])
                try array.append(7)
                array[0] = 6
                try array.sort()
                #expect((0..<array.count).map { array[$0] } == [1, 2, 3, 4, 6, 7, 8, 9])
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 8 * 4)
            let reopened = try MappedArray<UInt32>(rawFile: FilePath(path), access: .readOnly)
            #expect(reopened.count == 8 && reopened[7] == 9)
            // The same bytes as other elements; not removable as an array (it is the user's file).
            #expect(try MappedArray<UInt64>(rawFile: FilePath(path), access: .readOnly).count == 4)
            let odd = try MappedArray<SIMD3<UInt32>>(rawFile: FilePath(path), access: .readOnly).count
            #expect(odd == 2)
            let refused = #expect(throws: InterprocessError.self) { try MappedArray<UInt32>.remove(FilePath(path)) }
            #expect(refused?.code == .foreignSegment)
            try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
            let partial = #expect(throws: InterprocessError.self) { _ = try MappedArray<UInt16>(rawFile: FilePath(path)) }
            #expect(partial?.code == .invalidArgument)
        }

        @Test("sort: in place when it fits the budget, merged through a second file when not", arguments: [
            (count: 3_000, window: nil as Int?, budget: 1 << 20),
            (count: 40_000, window: nil as Int?, budget: 4096),
            (count: 40_000, window: 8192 as Int?, budget: 64 << 10),
        ])
        func sort(_ shape: (count: Int, window: Int?, budget: Int)) throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = FilePath(directory.file("s.array"))
            var generator = SeededRandom(seed: UInt64(shape.count + shape.budget))
            let values = (0..<shape.count).map { _ in Int64(bitPattern: generator.next()) % 1000 }
            var array = try MappedArray<Int64>(create: path, windowSize: shape.window)
            try array.append(contentsOf: values)
            try array.sort(memoryBudget: shape.budget)
            #expect(array.count == shape.count)
            var sorted: [Int64] = []
            try array.forEach { sorted.append($0) }
            #expect(sorted == values.sorted())
            try array.append(-5_000)  // still the writer of the file at the path
            let reopened = try MappedArray<Int64>(open: path, access: .readOnly)
            #expect(reopened.count == shape.count + 1 && reopened[0] == values.min() && reopened[shape.count] == -5_000)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(leftovers == ["s.array"])
        }

        @Test("invalid arguments are refused, naming the value")
        func invalidArguments() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = FilePath(directory.file("bad.array"))
            let capacity = #expect(throws: InterprocessError.self) { _ = try MappedArray<UInt64>(create: path, capacity: -1) }
            #expect(capacity?.code == .invalidArgument)
            let window = #expect(throws: InterprocessError.self) { _ = try MappedArray<UInt64>(create: path, windowSize: 4) }
            #expect(window?.code == .invalidArgument)
            var array = try MappedArray<UInt64>(create: path)
            let budget = #expect(throws: InterprocessError.self) { try array.sort(memoryBudget: 100) }
            #expect(budget?.code == .invalidArgument)
        }
    }
}
