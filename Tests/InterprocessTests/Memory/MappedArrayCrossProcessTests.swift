import Foundation
import Interprocess
import SystemPackage
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MemoryTests {
    /// `MappedArray` across real processes: readers see what the writer published, one writer at
    /// a time (a killed one's place is free), and a file larger than the RAM limit or the window.
    @Suite("MappedArray across processes", .timeLimit(.minutes(1)))
    struct MappedArrayCrossProcessTests {
        /// Element i of seed s, as the test peer computes it (splitmix64).
        static func value(_ seed: UInt64, _ index: Int) -> UInt64 {
            var z = seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        @Test("a reader process reopens what was appended, and follows appends made after it opened")
        func readerFollowsAppends() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("f.array")
            var array = try MappedArray<UInt64>(create: FilePath(path))
            try array.append(contentsOf: (0..<5_000).map { Self.value(7, $0) })
            let reopened = try TestSupport.peer("array-follow", path, "5000", "1")
            #expect(reopened.standardOutput == "ready\ncount 5000 bad 0\n", "\(reopened)")
            // A reader that opened before the rest was appended (past several growths) sees it all.
            let follower = try TestSupport.BackgroundPeer(["array-follow", path, "300000", "10000"])
            usleep(100_000)
            for batch in stride(from: 5_000, to: 300_000, by: 5_000) {
                try array.append(contentsOf: (batch..<(batch + 5_000)).map { Self.value(7, $0) })
            }
            let outcome = try follower.wait()
            #expect(outcome.standardOutput == "ready\ncount 300000 bad 0\n", "\(outcome)")
        }

        @Test("a writer process appends; this process reads after a refresh")
        func peerAppends() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("p.array")
            var reader = try MappedArray<UInt64>(create: FilePath(path))
            try reader.append(Self.value(9, 0))
            _ = consume reader
            var view = try MappedArray<UInt64>(open: FilePath(path), access: .readOnly)
            let outcome = try TestSupport.peer("array-append", path, "20000", "9")
            #expect(outcome.standardOutput == "appended 20000 count 20001\n", "\(outcome)")
            #expect(view.count == 1)
            #expect(try view.refresh() == 20_001)
            #expect(view[20_000] == Self.value(9, 20_000) && view[1] == Self.value(9, 1) && view[0] == Self.value(9, 0))
        }

        @Test("a second writer is refused while the first lives, and takes over once it is killed")
        func killedWriter() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("k.array")
            do {
                var array = try MappedArray<UInt64>(create: FilePath(path))
                try array.append(1)
            }
            let holder = try LockPeerProcess("array-hold", path)
            #expect(holder.nextLine() == "writer 1")
            let refused = #expect(throws: InterprocessError.self) { _ = try MappedArray<UInt64>(open: FilePath(path)) }
            #expect(refused?.code == .alreadyExists && refused?.reason.contains("process \(holder.pid)") == true)
            #expect(try MappedArrayState(path: FilePath(path)).writer?.liveness == .alive)
            kill(holder.pid, SIGKILL)
            holder.process.waitUntilExit()
            #expect(try MappedArrayState(path: FilePath(path)).writer?.liveness == .dead)
            var next = try MappedArray<UInt64>(open: FilePath(path))
            try next.append(2)
            #expect(next.count == 2 && next[1] == 2)
        }

        @Test("an array twice the memory limit of the process (or far past its window) is appended, sorted and verified")
        func largerThanMemory() throws {
            let directory = try MemoryFixtures.TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.file("big.array")
            let group = MemoryLimitedGroup(limit: 16 << 20)
            defer { group?.remove() }
            // 32 MiB of 272-byte records against a 16 MiB limit, mapped 1 MiB at a time and sorted
            // within 1 MiB; without a memory cgroup, the file is still 32 windows and 32 budgets long.
            let size = 32 << 20
            let count = size / 272
            var arguments = ["array-big", path, String(count), String(1 << 20), String(1 << 20)]
            if let group { arguments.append(group.path) }
            let outcome = try TestSupport.run(TestSupport.executable("interprocess-test-peer"), arguments, timeout: 50)
            let lines = outcome.standardOutput.split(separator: "\n").map(String.init)
            try #require(lines.count == 2, "\(outcome)")
            let appended = lines[0].split(separator: " "), sorted = lines[1].split(separator: " ")
            #expect(appended[1] == "\(count)" && sorted[1] == "\(count)")
            #expect(appended[3] == sorted[3] && appended[5] == sorted[5], "sum and xor: a permutation")
            #expect(lines[1].hasSuffix("ordered true intact true"))
            if let group { #expect(group.peakUsage.map { $0 <= 16 << 20 } ?? true) }
            #expect(try #require(MemoryFixtures.status(of: path)).st_size >= size)
        }
    }
}

/// A child memory cgroup (v2 `memory.max`, or v1 `memory.limit_in_bytes`) for a test peer to
/// join, when this process may make one (root, a writable hierarchy); nil otherwise.
struct MemoryLimitedGroup {
    let path: String
    private let usageFile: String

    init?(limit: Int) {
        let name = "ipctest-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let own = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        var candidates: [(directory: String, limitFile: String, usageFile: String)] = []
        for line in own.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            if parts[0] == "0", parts[1].isEmpty,
               let controllers = try? String(contentsOfFile: "/sys/fs/cgroup/cgroup.controllers", encoding: .utf8),
               controllers.split(separator: " ").contains(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines) == "memory" }) {
                candidates.append(("/sys/fs/cgroup" + parts[2], "memory.max", "memory.peak"))
            }
            if parts[1].split(separator: ",").contains("memory") {
                candidates.append(("/sys/fs/cgroup/memory" + parts[2], "memory.limit_in_bytes", "memory.max_usage_in_bytes"))
            }
        }
        for candidate in candidates {
            let directory = candidate.directory + "/" + name
            guard mkdir(directory, 0o755) == 0 else { continue }
            guard (try? "\(limit)\n".write(toFile: directory + "/" + candidate.limitFile, atomically: false, encoding: .utf8)) != nil,
                  FileManager.default.fileExists(atPath: directory + "/cgroup.procs") else {
                rmdir(directory)
                continue
            }
            path = directory
            usageFile = directory + "/" + candidate.usageFile
            return
        }
        return nil
    }

    /// The most memory the group used, if the kernel reports it.
    var peakUsage: Int? {
        (try? String(contentsOfFile: usageFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Removes the group (its processes have exited).
    func remove() { rmdir(path) }
}
