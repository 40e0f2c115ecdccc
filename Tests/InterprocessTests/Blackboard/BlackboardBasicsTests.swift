@testable import Interprocess
import Foundation
import Testing

/// A 16-byte value for the tests (its unqualified type name is recorded in the board).
struct BoardPose: InterprocessValue, Equatable {
    var x: Double
    var y: Double
}

/// Blackboards in one process: entries, reads and writes, versions, the typed errors.
@Suite("Blackboard: basics", .timeLimit(.minutes(1)))
struct BlackboardBasicsTests {
    static let entries: [Blackboard.Entry] = [
        .value("pose", of: BoardPose.self), .bytes("status", capacity: 32), .value(7, of: UInt64.self),
    ]

    @Test func valuesBytesAndTextRoundTripWithVersions() throws {
        let name = TestSupport.uniqueName("board")
        let board = try Blackboard(create: name, entries: Self.entries, lifetime: .removedWhenCreatorCloses)
        let pose = try board.key("pose", as: BoardPose.self)
        let status = try board.key("status", as: String.self)
        let bytes = try board.key("status", as: [UInt8].self)
        let counter = try board.key(7, as: UInt64.self)
        let reader = board.makeReader()
        #expect(try reader.read(pose) == nil && reader.version(of: pose) == 0 && reader.changeCount == 0)
        var writer = try board.makeWriter()
        #expect(writer.replacedWriter == nil)
        for step in 1...10 {
            #expect(writer.write(pose, BoardPose(x: Double(step), y: -1)) == UInt64(step))
        }
        let latest = try #require(try reader.readWithVersion(pose))
        #expect(latest.value == BoardPose(x: 10, y: -1) && latest.version == 10)
        #expect(try writer.write(status, "docked") == 1)
        #expect(try reader.read(status) == "docked")
        #expect(try writer.write(bytes, contentsOf: [1, 2, 3]) == 2)
        #expect(try reader.read(bytes) == [1, 2, 3])
        #expect(try reader.read(status) == "\u{1}\u{2}\u{3}")
        #expect(writer.write(counter, 42) == 1)
        #expect(try reader.read(counter) == 42)
        #expect(reader.changeCount == 13)
        let state = board.state
        #expect(state.entries.map(\.version) == [10, 2, 1] && state.writer?.identity.pid == getpid() && state.problem == nil)
        #expect(state.entries[0].entry.typeName == "BoardPose" && state.copies == 4)
    }

    @Test func wrongKeysTypesAndSizesAreTypedErrors() throws {
        let name = TestSupport.uniqueName("board-keys")
        let board = try Blackboard(create: name, entries: Self.entries, lifetime: .removedWhenCreatorCloses)
        let missing = #expect(throws: InterprocessError.self) { _ = try board.key("nothing", as: UInt64.self) }
        #expect(missing?.code == .notFound && missing?.reason.contains("'nothing'") == true)
        // Same size, another type: the recorded type name tells them apart.
        let otherType = #expect(throws: InterprocessError.self) { _ = try board.key(7, as: Int64.self) }
        #expect(otherType?.code == .incompatibleConfiguration && otherType?.reason.contains("UInt64") == true)
        let otherSize = #expect(throws: InterprocessError.self) { _ = try board.key("pose", as: UInt64.self) }
        #expect(otherSize?.code == .incompatibleConfiguration)
        let notBytes = #expect(throws: InterprocessError.self) { _ = try board.key("pose", as: [UInt8].self) }
        #expect(notBytes?.code == .incompatibleConfiguration)
        let notValue = #expect(throws: InterprocessError.self) { _ = try board.key("status", as: UInt64.self) }
        #expect(notValue?.code == .incompatibleConfiguration)
        var writer = try board.makeWriter()
        let tooLong = #expect(throws: InterprocessError.self) { try writer.write(board.key("status", as: String.self), String(repeating: "x", count: 33)) }
        #expect(tooLong?.code == .invalidArgument)
        let small = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 8)
        defer { small.deallocate() }
        let smallBuffer = #expect(throws: InterprocessError.self) { _ = try board.makeReader().read(board.key("status", as: [UInt8].self), into: small) }
        #expect(smallBuffer?.code == .invalidArgument)
    }

    @Test func configurationsOutOfRangeAndMismatchesAreRefused() throws {
        let name = TestSupport.uniqueName("board-config")
        for (entries, copies) in [([Blackboard.Entry](), 4), (Self.entries, 3), (Self.entries, 1), (Self.entries, 128),
                                  ([.bytes("a", capacity: 0)], 4), ([.bytes("a", capacity: 1), .bytes("a", capacity: 2)], 4),
                                  ([.bytes(.name(String(repeating: "k", count: 41)), capacity: 1)], 4)] {
            let refused = #expect(throws: InterprocessError.self) { _ = try Blackboard(create: name, entries: entries, copies: copies) }
            #expect(refused?.code == .invalidArgument, "\(entries) \(copies)")
        }
        let board = try Blackboard(openOrCreate: name, entries: Self.entries, lifetime: .removedWhenCreatorCloses)
        #expect(board.wasCreated)
        #expect(try !Blackboard(openOrCreate: name, entries: Self.entries.reversed()).wasCreated)
        var changed = Self.entries
        changed[1] = .bytes("status", capacity: 64)
        let different = #expect(throws: InterprocessError.self) { _ = try Blackboard(openOrCreate: name, entries: changed) }
        #expect(different?.code == .incompatibleConfiguration && different?.reason.contains("'status'") == true)
        let fewer = #expect(throws: InterprocessError.self) { _ = try Blackboard(openOrCreate: name, entries: Array(Self.entries.prefix(2))) }
        #expect(fewer?.code == .incompatibleConfiguration && fewer?.reason.contains("#7") == true)
        let copies = #expect(throws: InterprocessError.self) { _ = try Blackboard(openOrCreate: name, entries: Self.entries, copies: 8) }
        #expect(copies?.code == .incompatibleConfiguration)
        let queue = TestSupport.uniqueName("board-notaboard")
        let created = try SPSCQueue(create: queue, capacity: 4096, maximumRecordSize: 64, lifetime: .removedWhenCreatorCloses)
        defer { withExtendedLifetime(created) {} }
        #expect(throws: InterprocessError.self) { _ = try Blackboard(open: queue) }
        let wrong = #expect(throws: InterprocessError.self) { try Blackboard.remove(queue) }
        #expect(wrong?.code == .wrongKind)
    }

    @Test func aSecondWriterInThisProcessIsRefusedUntilTheFirstGoes() throws {
        let board = try Blackboard(create: TestSupport.uniqueName("board-writer"), entries: Self.entries, lifetime: .removedWhenCreatorCloses)
        do {
            let first = try board.makeWriter()
            let refused = #expect(throws: InterprocessError.self) { _ = try board.makeWriter() }
            #expect(refused?.code == .alreadyExists)
            withExtendedLifetime(first) {}
        }
        let again = try board.makeWriter()
        #expect(again.replacedWriter == nil)
    }

    /// The async waits run on a thread of their own (``ThreadTaskExecutor``), the writes on a
    /// `Thread`: a whole-suite run's blocking tests can hold the cooperative pool for seconds.
    @Test func waitsTimeOutAndSeeWritesFromAnotherThread() async throws {
        let board = try Blackboard(create: TestSupport.uniqueName("board-wait"), entries: Self.entries, lifetime: .removedWhenCreatorCloses)
        let counter = try board.key(7, as: UInt64.self)
        let reader = board.makeReader()
        let late = #expect(throws: InterprocessError.self) { _ = try reader.waitForChange(of: counter, after: 0, timeout: .milliseconds(50)) }
        #expect(late?.code == .timedOut)
        let lateAsync = await #expect(throws: InterprocessError.self) {
            _ = try await Task(executorPreference: ThreadTaskExecutor.shared) {
                try await reader.waitForChange(of: counter, after: 0, timeout: .milliseconds(50))
            }.value
        }
        #expect(lateAsync?.code == .timedOut)
        let writes = Thread {
            guard var writer = try? board.makeWriter() else { return }
            for value in 1...5 as ClosedRange<UInt64> {
                usleep(20_000)
                writer.write(counter, value * 100)
            }
        }
        writes.start()
        let seen = try await Task(executorPreference: ThreadTaskExecutor.shared) {
            var seen: [UInt64] = []
            for try await update in reader.changes(of: counter) {
                seen.append(update.value)
                if update.value == 500 { break }
            }
            return seen
        }.value
        #expect(seen.last == 500 && seen == seen.sorted())
        let cancelled = Task(executorPreference: ThreadTaskExecutor.shared) { try await reader.waitForAnyChange(after: reader.changeCount) }
        try await Task.sleep(for: .milliseconds(30))
        cancelled.cancel()
        do {
            _ = try await cancelled.value
            Issue.record("the cancelled wait returned")
        } catch {
            #expect((error as? InterprocessError)?.code == .cancelled)
        }
    }

    @Test func onChangeCallsBackForEachNewValueUntilTheBodySaysStop() throws {
        let board = try Blackboard(create: TestSupport.uniqueName("board-onchange"), entries: Self.entries, lifetime: .removedWhenCreatorCloses)
        let counter = try board.key(7, as: UInt64.self)
        var writer = try board.makeWriter()
        writer.write(counter, 1)
        var seen: [UInt64] = []
        try board.makeReader().onChange(of: counter, until: .after(.seconds(5))) { value, _ in
            seen.append(value)
            if value < 3 { writer.write(counter, value + 1) }
            return value < 3
        }
        #expect(seen == [1, 2, 3])
        let timedOut = #expect(throws: InterprocessError.self) {
            try board.makeReader().onChange(of: counter, after: 3, until: .after(.milliseconds(30))) { _, _ in true }
        }
        #expect(timedOut?.code == .timedOut)
    }

    @Test("a key of a larger board used with a smaller one stops the process before any access past the smaller board")
    func foreignKeyStops() async {
        // SIGILL: the precondition's trap, not a SIGSEGV from a write past the smaller board.
        await #expect(processExitsWith: .signal(SIGILL)) {
            let big = try Blackboard(create: TestSupport.uniqueName("board-big"), entries: (0..<64).map { .bytes(.number(UInt64($0)), capacity: 4096) },
                                     lifetime: .removedWhenCreatorCloses)
            let small = try Blackboard(create: TestSupport.uniqueName("board-small"), entries: [.bytes(.number(63), capacity: 4096)],
                                       lifetime: .removedWhenCreatorCloses)
            let farKey = try big.key(63, as: [UInt8].self)
            var writer = try small.makeWriter()
            _ = try writer.write(farKey, contentsOf: [1, 2, 3])
        }
    }
}
