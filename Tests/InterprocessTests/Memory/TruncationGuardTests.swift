import Foundation
@testable import Interprocess
import SystemPackage
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MemoryTests {
    /// A peer that shrinks (`ftruncate`) a file this process maps: touching the pages past the
    /// new end must never kill the process (SIGBUS); it reads zeros and reports `.truncated`.
    @Suite("Truncation guard: a file shrunk under a mapping", .timeLimit(.minutes(1)))
    struct TruncationGuardTests {
        static func shrink(_ path: String, to size: Int) throws {
            guard truncate(path, off_t(size)) == 0 else { throw TestFailure("truncate \(path): errno \(errno)") }
        }

        /// Runs `truncation-shm` on a new 1 MiB segment and shrinks it to `size` bytes once the
        /// peer has mapped it, after a random pause.
        static func sweep(_ mode: String, shrinkingTo size: Int) throws -> TestSupport.Outcome {
            let name = TestSupport.uniqueName("shrink"), ready = name + "-ready"
            _ = try SharedMemory(create: name, size: 1 << 20)
            let flag = try SharedMemory(create: ready, size: 8)
            defer {
                try? SharedMemory.remove(name)
                try? SharedMemory.remove(ready)
            }
            let peer = try TestSupport.BackgroundPeer(["truncation-shm", name, mode, ready, "5000"], timeout: 20)
            let base = flag.region.baseAddress
            #expect(TestSupport.eventually { base.load(as: UInt8.self) == 1 })
            usleep(UInt32.random(in: 0..<20_000))
            try shrink(MemoryFixtures.shmPath(name), to: size)
            return try peer.wait()
        }

        @Test("a peer sweeping a segment shrunk to 0 or to half survives and reports .truncated",
              arguments: [("read", 0), ("write", 0), ("read", 1 << 19), ("write", 1 << 19)])
        func sweepSurvives(mode: String, size: Int) throws {
            let outcome = try Self.sweep(mode, shrinkingTo: size)
            #expect(outcome.status == 0 && outcome.signal == nil, "\(outcome)")
            #expect(outcome.standardOutput.contains("truncated pages "), "\(outcome)")
            #expect(outcome.standardOutput.contains("error truncated"), "\(outcome)")
            #expect(outcome.standardError.contains("truncated by another process"), "\(outcome)")
        }

        /// Whether the peer died of `signal` — or, in a sanitizer build (whose own handler, the
        /// one the guard chains to, reports a fatal fault and exits instead: 1 for
        /// AddressSanitizer, 66 for ThreadSanitizer), of the fault the sanitizer names `asanName`.
        static func died(_ outcome: TestSupport.Outcome, of signal: Int32, asanName: String) -> Bool {
            outcome.signal == signal
                || ((outcome.status == 1 || outcome.status == 66)
                    && outcome.standardError.contains("Sanitizer: \(asanName) on unknown address"))
        }

        @Test("a read-only mapping stays read-only after a truncation: a write to a replaced page still faults")
        func readOnlyStaysReadOnly() throws {
            let outcome = try Self.sweep("read-only", shrinkingTo: 0)
            #expect(Self.died(outcome, of: SIGSEGV, asanName: "SEGV"), "\(outcome)")
            #expect(outcome.standardOutput.contains("error truncated"), "\(outcome)")
            #expect(outcome.standardOutput.contains("writing"), "\(outcome)")
            #expect(!outcome.standardOutput.contains("wrote"), "\(outcome)")
        }

        @Test("a SIGBUS on a mapping not registered with the guard still kills the process")
        func foreignFaultStillKills() throws {
            let outcome = try TestSupport.peer("truncation-unguarded")
            #expect(Self.died(outcome, of: SIGBUS, asanName: "BUS"), "\(outcome)")
            #expect(outcome.standardOutput.hasPrefix("guarded "), "\(outcome)")
            #expect(!outcome.standardOutput.contains("survived"), "\(outcome)")
        }

        @Test("an SPSC queue shrunk at random moments under a sender and a receiver: both survive and report it")
        func queueShrunkAtRandom() throws {
            for round in 0..<20 {
                let name = TestSupport.uniqueName("shrinkq")
                let queue = try SPSCQueue(create: name, capacity: 1 << 16, maximumRecordSize: 64)
                defer { try? SPSCQueue.remove(name) }
                let sender = try TestSupport.BackgroundPeer(["truncation-spsc", name, "send", "3000"], timeout: 20)
                let receiver = try TestSupport.BackgroundPeer(["truncation-spsc", name, "receive", "3000"], timeout: 20)
                #expect(TestSupport.eventually {
                    let state = queue.state
                    return state.producer != nil && state.consumer != nil
                })
                usleep(UInt32.random(in: 0..<30_000))
                let path = MemoryFixtures.shmPath(name)
                let size = round.isMultiple(of: 2) ? 0 : (MemoryFixtures.status(of: path).map { Int($0.st_size) } ?? 0) / 2
                try Self.shrink(path, to: size)
                for outcome in [try sender.wait(), try receiver.wait()] {
                    #expect(outcome.status == 0 && outcome.signal == nil, "round \(round): \(outcome)")
                    #expect(outcome.standardOutput.contains("truncated true"), "round \(round) (to \(size) bytes): \(outcome)")
                }
            }
        }

        @Test("a journal cycle shrunk under a tailer: no crash, the wait ends in .truncated")
        func journalCycleShrunk() throws {
            let fixture = try JournalFixture()
            defer { fixture.remove() }
            var writer = try fixture.journal.makeWriter()
            for index in 0..<200 { _ = try writer.append("record \(index)") }
            let ready = TestSupport.uniqueName("shrinkj")
            let flag = try SharedMemory(create: ready, size: 8)
            defer { try? SharedMemory.remove(ready) }
            let peer = try TestSupport.BackgroundPeer(["truncation-journal", fixture.path.string, ready, "5000"], timeout: 20)
            let base = flag.region.baseAddress
            #expect(TestSupport.eventually { base.load(as: UInt8.self) == 1 })
            let cycles = try FileManager.default.contentsOfDirectory(atPath: fixture.path.string).filter { $0.hasSuffix(".cycle") }
            #expect(cycles.count == 1)
            for cycle in cycles { try Self.shrink(fixture.path.string + "/" + cycle, to: 0) }
            let outcome = try peer.wait()
            #expect(outcome.status == 0 && outcome.signal == nil, "\(outcome)")
            #expect(outcome.standardOutput.contains("read 200"), "\(outcome)")
            #expect(outcome.standardOutput.contains("error truncated"), "\(outcome)")
        }

        @Test("every shared mapping registers its range while mapped and unregisters it before unmapping (counted in a child process)")
        func registrationsPair() async {
            await #expect(processExitsWith: .success) {
                let before = TruncationGuard.registeredCount
                for round in 0..<20 {
                    let name = "ipctest-\(getpid())-guard-pair-\(round)"
                    do {
                        let memory = try SharedMemory(create: name, size: 1 << 16, lifetime: .removedWhenCreatorCloses)
                        let mirrored = try MirroredRegion(size: 4 * Int(sysconf(Int32(_SC_PAGESIZE))))
                        let heap = try ManagedSegment(create: name + "-heap", size: 1 << 20, maximumSize: 8 << 20)
                        // The segment, both halves of the mirror (or its one reservation) and the heap.
                        guard TruncationGuard.registeredCount >= before + 3 else { exit(2) }
                        _ = (memory.size, mirrored.count, heap.name)
                    }
                    try ManagedSegment.remove(name + "-heap")
                }
                exit(TruncationGuard.registeredCount == before ? 0 : 1)
            }
        }

        @Test("in this process: a shrunk queue reads as zeros, its state names the truncation, a wait throws .truncated")
        func queueStateAndWait() throws {
            let name = TestSupport.uniqueName("shrinks")
            let queue = try SPSCQueue(create: name, capacity: 1 << 16, maximumRecordSize: 64)
            defer { try? SPSCQueue.remove(name) }
            var consumer = try queue.makeConsumer()
            #expect(queue.state.problem == nil)
            try Self.shrink(MemoryFixtures.shmPath(name), to: 0)
            let problem = queue.state.problem
            #expect(problem?.contains("truncated by another process (to 0 bytes)") == true, "\(problem ?? "nil")")
            #expect(throws: InterprocessError.self) { _ = try consumer.receive(timeout: .milliseconds(10)) }
            do {
                _ = try consumer.receive(timeout: .milliseconds(10))
            } catch {
                #expect(error.code == .truncated, "\(error)")
            }
        }
    }
}

extension MemoryTests.TruncationGuardTests {
    @Test("a mapped array file shrunk under a reader: reads see zeros, refresh throws .truncated")
    func mappedArrayShrunk() throws {
        let directory = try MemoryFixtures.TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("values.array")
        var writer = try MappedArray<UInt64>(create: FilePath(path))
        try writer.append(contentsOf: (0..<UInt64(100_000)).map { $0 &+ 1 })
        var reader = try MappedArray<UInt64>(open: FilePath(path), access: .readOnly)
        #expect(try reader.refresh() == 100_000)
        #expect(reader[99_999] == 100_000)
        try Self.shrink(path, to: 64 << 10)
        #expect(reader[99_999] == 0, "a page past the new end reads as zeros")
        #expect(throws: InterprocessError.self) { _ = try reader.refresh() }
        do {
            _ = try reader.refresh()
        } catch {
            #expect(error.code == .truncated, "\(error)")
        }
        try Self.shrink(path, to: 0)
        #expect(reader[0] == 0)
        #expect(throws: InterprocessError.self) { _ = try reader.state }
    }
}

extension MemoryTests.TruncationGuardTests {
    /// Expects `body` to throw `.truncated`.
    static func expectTruncated(_ what: String, _ body: () throws(InterprocessError) -> Void) {
        do {
            try body()
            Issue.record("\(what): no error")
        } catch {
            #expect(error.code == .truncated, "\(what): \(error)")
        }
    }

    @Test("in this process: a shrunk MPMC queue, message queue and pub/sub service report .truncated in state and on a timed-out wait; a message queue send never commits onto a cut page, a receive never hands over a cut payload")
    func otherKindsReportIt() throws {
        let mpmcName = TestSupport.uniqueName("shrinkm")
        let mpmc = try MPMCQueue(create: mpmcName, slotCount: 64, slotSize: 64)
        defer { try? MPMCQueue.remove(mpmcName) }
        var mpmcConsumer = try mpmc.makeConsumer()
        try Self.shrink(MemoryFixtures.shmPath(mpmcName), to: 0)
        #expect(mpmc.state.problem?.contains("truncated by another process") == true)
        Self.expectTruncated("MPMC receive") { () throws(InterprocessError) in _ = try mpmcConsumer.receive(timeout: .milliseconds(10)) }

        let messageName = TestSupport.uniqueName("shrinkmq")
        let messages = try MessageQueue(create: messageName, capacity: 8, maximumSize: 64)
        defer { try? MessageQueue.remove(messageName) }
        try Self.shrink(MemoryFixtures.shmPath(messageName), to: 0)
        #expect(messages.state.problem?.contains("truncated by another process") == true)
        Self.expectTruncated("message queue receive") { () throws(InterprocessError) in _ = try messages.receive(timeout: .milliseconds(10)) }
        // A send takes the lock on its fast path and writes into a zero page: it must not
        // report a message sent that no other process can ever receive.
        Self.expectTruncated("message queue trySend") { () throws(InterprocessError) in _ = try messages.trySend(UInt64(7)) }
        Self.expectTruncated("message queue send") { () throws(InterprocessError) in try messages.send(UInt64(8), timeout: .milliseconds(10)) }

        // Cut only past the first page: the lock, the count and the order stay real, the
        // slots (from byte ~8.6 K) read as zeros. The send's payload lands on a zero page; it
        // must not commit (the real count would then name a message no process can read).
        let partialName = TestSupport.uniqueName("shrinkmp")
        let partial = try MessageQueue(create: partialName, capacity: 512, maximumSize: 64)
        defer { try? MessageQueue.remove(partialName) }
        try Self.shrink(MemoryFixtures.shmPath(partialName), to: 4096)
        Self.expectTruncated("message queue trySend, slots cut") { () throws(InterprocessError) in _ = try partial.trySend(UInt64(9)) }
        #expect(partial.state.count == 0)
        #expect(partial.state.lockOwner == nil, "the lock was given back")

        // A slot straddling the cut: its header (sequence, length) on the real first page, its
        // payload past 4096. The receive reads zeros for the payload; it must throw and leave
        // the message in the queue, not hand zeros over and remove it.
        let straddleName = TestSupport.uniqueName("shrinkms")
        let straddle = try MessageQueue(create: straddleName, capacity: 8, maximumSize: 4000)
        defer { try? MessageQueue.remove(straddleName) }
        try straddle.send(contentsOf: [UInt8](repeating: 0xA5, count: 4000))
        try Self.shrink(MemoryFixtures.shmPath(straddleName), to: 4096)
        Self.expectTruncated("message queue tryReceive, payload cut") { () throws(InterprocessError) in _ = try straddle.tryReceive() }
        #expect(straddle.state.count == 1, "the message stays")
        #expect(straddle.state.lockOwner == nil, "the lock was given back")

        let serviceName = TestSupport.uniqueName("shrinksv")
        let service = try Service(create: serviceName, configuration: ServiceConfiguration(payload: .bytes(maximumSize: 64)))
        defer { try? Service.remove(serviceName) }
        var subscriber = try Subscriber(service: service)
        try Self.shrink(MemoryFixtures.shmPath(service.storage.name), to: 0)
        #expect(service.state.problem?.contains("truncated by another process") == true)
        Self.expectTruncated("subscriber receive") { () throws(InterprocessError) in _ = try subscriber.receive(timeout: .milliseconds(10)) }
    }
}
