import Foundation
import Interprocess
import Testing

/// The one scaffold of every named primitive: open waits for a creator that starts later,
/// openOrCreate races end with one object, configuration mismatches, lifetimes, and errors in
/// the primitive's words.
@Suite("Named primitives", .serialized, .timeLimit(.minutes(5)))
struct NamedPrimitiveTests {
    /// The kinds the cross-process tests run on: the scaffold is one code path, so a few kinds
    /// with different configurations cover it without a process storm on a small machine.
    static let kinds = ["mutex", "semaphore", "rwlock"]

    /// Creates the named primitive of `kind` and returns whether this handle created it.
    static func create(_ kind: String, _ name: String) throws -> Bool {
        switch kind {
        case "mutex": try ProcessMutex(create: name).wasCreated
        case "condition": try ProcessCondition(create: name).wasCreated
        case "semaphore": try ProcessSemaphore(create: name, maximumCount: 10).wasCreated
        case "event": try ProcessEvent(create: name, mode: .manualReset).wasCreated
        default: try ProcessRWLock(create: name).wasCreated
        }
    }

    @Test("an opener started before the creator (another process) gets the primitive", arguments: kinds)
    func openerBeforeCreator(kind: String) throws {
        let name = TestSupport.uniqueName("named-late-\(kind)")
        defer { try? Segment.remove(name) }
        let opener = try TestSupport.BackgroundPeer(["named-open", kind, name, "5000"])
        Thread.sleep(forTimeInterval: 0.2)
        #expect(try Self.create(kind, name))
        #expect(try opener.wait().standardOutput == "opened\n")
    }

    @Test("open with a deadline and no creator throws timedOut; without one, notFound at once")
    func openDeadline() throws {
        let name = TestSupport.uniqueName("named-none")
        let start = Deadline.now
        #expect(interprocessError { _ = try ProcessSemaphore(open: name, timeout: .milliseconds(100)) }?.code == .timedOut)
        #expect(Deadline.now >= Deadline(nanoseconds: start.nanoseconds + 100_000_000))
        let error = try #require(interprocessError { _ = try ProcessMutex(open: name) })
        #expect(error.code == .notFound)
        #expect(error.description.hasPrefix("Could not open mutex '\(name)'"), "\(error)")
    }

    @Test("two processes racing openOrCreate end with one primitive: one created it, one opened it", arguments: kinds)
    func openOrCreateRace(kind: String) throws {
        let name = TestSupport.uniqueName("named-race-\(kind)")
        defer { try? Segment.remove(name) }
        let start = MutexPeers.startTime(after: .milliseconds(300))
        let first = try TestSupport.BackgroundPeer(["named-open-or-create", kind, name, start, "300"])
        let second = try TestSupport.BackgroundPeer(["named-open-or-create", kind, name, start, "300"])
        let outputs = try [first.wait(), second.wait()].map(\.standardOutput).sorted()
        #expect(outputs == ["created\n", "opened\n"], "\(outputs)")
    }

    @Test("openOrCreate with another configuration throws incompatibleConfiguration naming the field")
    func configurationMismatch() throws {
        let names = (0..<3).map { TestSupport.uniqueName("named-mismatch-\($0)") }
        defer { names.forEach { try? Segment.remove($0) } }
        let semaphore = try ProcessSemaphore(openOrCreate: names[0], maximumCount: 4)
        let createdIt = semaphore.wasCreated
        #expect(createdIt)
        #expect(try !ProcessSemaphore(openOrCreate: names[0], maximumCount: 4).wasCreated)
        let error = try #require(interprocessError { _ = try ProcessSemaphore(openOrCreate: names[0], maximumCount: 5) })
        #expect(error.code == .incompatibleConfiguration)
        #expect(error.description.contains("maximum count"), "\(error)")
        #expect(error.description.hasPrefix("Could not open or create semaphore"), "\(error)")
        _ = try ProcessEvent(openOrCreate: names[1], mode: .autoReset)
        #expect(interprocessError { _ = try ProcessEvent(openOrCreate: names[1], mode: .manualReset) }?.code == .incompatibleConfiguration)
        _ = try ProcessMutex(openOrCreate: names[2], recursive: true)
        #expect(interprocessError { _ = try ProcessMutex(openOrCreate: names[2]) }?.code == .incompatibleConfiguration)
        #expect(try ProcessMutex(openOrCreate: names[2], recursive: true).isRecursive)
        // A segment of another kind under the name is wrongKind, in the primitive's words.
        let wrong = try #require(interprocessError { _ = try ProcessEvent(openOrCreate: names[0], mode: .autoReset) })
        #expect(wrong.code == .wrongKind)
        #expect(wrong.description.hasPrefix("Could not open or create event"), "\(wrong)")
    }

    @Test("removedWhenCreatorCloses: the name goes when the creating process closes its handle; persistent stays",
          arguments: ["semaphore", "event"])
    func lifetimes(kind: String) throws {
        for (lifetime, stays) in [("removed", false), ("persistent", true)] {
            let name = TestSupport.uniqueName("named-life-\(kind)")
            defer { try? Segment.remove(name) }
            // Its standard input is empty: it creates, prints "created" and closes at once.
            let outcome = try TestSupport.peer("named-create-hold", kind, name, lifetime)
            #expect(outcome.standardOutput == "created\n", "\(outcome)")
            #expect(SharedMemory.exists(name) == stays, "\(lifetime)")
        }
        // In this process: handles already open keep working after the creator closed.
        let name = TestSupport.uniqueName("named-life-open")
        let other = try Self.openWhileItsCreatorCloses(name)
        #expect(!SharedMemory.exists(name))
        try other.post()
        let took = other.tryWait()
        #expect(took, "an open handle keeps working")
    }

    /// Creates a semaphore with `.removedWhenCreatorCloses`, opens a second handle, and lets the
    /// creating handle go.
    static func openWhileItsCreatorCloses(_ name: String) throws -> ProcessSemaphore {
        let creator = try ProcessSemaphore(create: name, lifetime: .removedWhenCreatorCloses)
        let other = try ProcessSemaphore(open: name)
        let openedIt = !other.wasCreated
        #expect(openedIt)
        _ = creator.wasCreated
        return other
    }

    @Test("errors speak of the primitive, never of shared memory or segments")
    func errorsInTheUsersWords() throws {
        let name = TestSupport.uniqueName("named-words")
        defer { try? Segment.remove(name) }
        _ = try ProcessRWLock(create: name)
        let exists = try #require(interprocessError { _ = try ProcessRWLock(create: name) })
        #expect(exists.code == .alreadyExists)
        #expect(exists.description.hasPrefix("Could not create reader-writer lock '\(name)'"), "\(exists)")
        let wrong = try #require(interprocessError { _ = try ProcessCondition(open: name) })
        #expect(wrong.code == .wrongKind)
        #expect(wrong.description.hasPrefix("Could not open condition '\(name)'"), "\(wrong)")
        let invalid = try #require(interprocessError { _ = try ProcessEvent(create: "bad/name", mode: .autoReset) })
        #expect(invalid.description.hasPrefix("Could not create event"), "\(invalid)")
        try ProcessRWLock.remove(name)
        let gone = try #require(interprocessError { try ProcessRWLock.remove(name) })
        #expect(gone.description.hasPrefix("Could not remove reader-writer lock '\(name)'"), "\(gone)")
    }
}
