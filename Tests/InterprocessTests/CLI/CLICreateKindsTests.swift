import Foundation
import Interprocess
import Testing

/// `create --kind …` makes every kind through the library's own create, and `inspect` shows
/// each kind's live state.
@Suite("CLI: create and inspect every kind", .timeLimit(.minutes(5)))
struct CLICreateKindsTests {
    /// Creates `name` with `arguments`, inspects it as JSON and returns its `state` object.
    private func createAndInspect(_ name: String, _ arguments: String...) throws -> [String: Any] {
        let created = try TestSupport.run(TestSupport.executable("interprocess"), ["create", name] + arguments)
        try #require(created.status == 0, "\(created)")
        let inspected = try TestSupport.cli("inspect", name, "--json")
        try #require(inspected.status == 0, "\(inspected)")
        return try CLIJSON.member(inspected.standardOutput, "state")
    }

    @Test func mutex() throws {
        let name = TestSupport.uniqueName("cli-mutex")
        defer { try? SharedMemory.remove(name) }
        let state = try createAndInspect(name, "--kind", "mutex", "--recursive")
        #expect(state["isLocked"] as? Bool == false)
        #expect(state["consistency"] as? String == "consistent")
        #expect(state["isRecursive"] as? Bool == true)
        #expect(try ProcessMutex(open: name).isRecursive)
    }

    @Test func mutexOwnerThatDiedIsShownDead() throws {
        let name = TestSupport.uniqueName("cli-mutex-dead")
        defer { try? SharedMemory.remove(name) }
        #expect(try TestSupport.cli("create", name, "--kind", "mutex").status == 0)
        let died = try TestSupport.peer("mutex-die", "--named", name)
        let pid = try #require(Int(died.standardOutput.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
        let inspected = try TestSupport.cli("inspect", name, "--json")
        let state = try CLIJSON.member(inspected.standardOutput, "state")
        #expect(state["isLocked"] as? Bool == true)
        #expect((state["owner"] as? [String: Any])?["pid"] as? Int == pid)
        #expect(state["ownerLiveness"] as? String == "dead")
        #expect(state["depth"] as? Int == 1)
        let text = try TestSupport.cli("inspect", name)
        #expect(text.standardOutput.contains("pid \(pid) (dead)"), "\(text)")
    }

    @Test("inspect shows a broadcast stream's positions and its writer")
    func broadcastStream() throws {
        let name = TestSupport.uniqueName("cli-bcast")
        defer { try? BroadcastStream.remove(name) }
        let stream = try BroadcastStream(create: name, capacity: 4096, maximumRecordSize: 64)
        var writer = try stream.makeWriter()
        for value in UInt64(0)..<3 { _ = try writer.send(value) }
        let inspected = try TestSupport.cli("inspect", name, "--json")
        try #require(inspected.status == 0, "\(inspected)")
        let state = try CLIJSON.member(inspected.standardOutput, "state")
        #expect(state["nextSequence"] as? Int == 3)
        #expect(state["capacity"] as? Int == 4096)
        #expect((state["writer"] as? [String: Any])?["liveness"] as? String == "alive")
        let text = try TestSupport.cli("inspect", name)
        #expect(text.standardOutput.contains("published") && text.standardOutput.contains("3 records"), "\(text)")
        #expect(text.standardOutput.contains("pid \(getpid()) (alive)"), "\(text)")
    }

    @Test func semaphore() throws {
        let name = TestSupport.uniqueName("cli-sem")
        defer { try? SharedMemory.remove(name) }
        let state = try createAndInspect(name, "--kind", "semaphore", "--initial", "2", "--maximum", "4")
        #expect(state["count"] as? Int == 2)
        #expect(state["maximumCount"] as? Int == 4)
        #expect(state["waiters"] as? Int == 0)
        #expect(try ProcessSemaphore(open: name).tryWait())
    }

    @Test func event() throws {
        let name = TestSupport.uniqueName("cli-event")
        defer { try? SharedMemory.remove(name) }
        let state = try createAndInspect(name, "--kind", "event", "--event-mode", "manual", "--initially-set")
        #expect(state["isSet"] as? Bool == true)
        #expect(state["mode"] as? String == "manualReset")
        #expect(try ProcessEvent(open: name).mode == .manualReset)
    }

    @Test func rwLockAndCondition() throws {
        let lock = TestSupport.uniqueName("cli-rw"), condition = TestSupport.uniqueName("cli-cond")
        defer { for name in [lock, condition] { try? SharedMemory.remove(name) } }
        let lockState = try createAndInspect(lock, "--kind", "rwlock")
        #expect((lockState["readers"] as? [Any])?.isEmpty == true)
        #expect(lockState["writer"] == nil)
        #expect(lockState["consistency"] as? String == "consistent")
        let conditionState = try createAndInspect(condition, "--kind", "condition")
        #expect(conditionState["waiters"] as? Int == 0)
        _ = try ProcessRWLock(open: lock)
        _ = try ProcessCondition(open: condition)
    }

    @Test func queues() throws {
        let spsc = TestSupport.uniqueName("cli-spsc"), mpmc = TestSupport.uniqueName("cli-mpmc")
        defer { for name in [spsc, mpmc] { try? SharedMemory.remove(name) } }
        let spscState = try createAndInspect(spsc, "--kind", "spsc", "--capacity", "4K", "--max-record", "100")
        #expect(spscState["capacity"] as? Int == 4096 && spscState["maximumRecordSize"] as? Int == 100 && spscState["depth"] as? Int == 0)
        let mpmcState = try createAndInspect(mpmc, "--kind", "mpmc", "--slots", "8", "--slot-size", "64")
        #expect(mpmcState["slotCount"] as? Int == 8 && mpmcState["slotSize"] as? Int == 64 && mpmcState["depth"] as? Int == 0)
        // The queues the CLI made open as queues.
        let segment = try Segment(open: spsc, kind: .spscQueue)
        #expect(segment.header.kind == .spscQueue)
    }

    @Test func createPrintsTheSegmentAndStateAsJSON() throws {
        let name = TestSupport.uniqueName("cli-create-json")
        defer { try? SharedMemory.remove(name) }
        let created = try TestSupport.cli("create", name, "--kind", "semaphore", "--initial", "1", "--json")
        #expect(created.status == 0, "\(created)")
        #expect(try CLIJSON.member(created.standardOutput, "segment")["name"] as? String == name)
        #expect(try CLIJSON.member(created.standardOutput, "state")["count"] as? Int == 1)
    }

    @Test func aCorruptStateExitsTwo() throws {
        let name = TestSupport.uniqueName("cli-sem-bad")
        defer { try? SharedMemory.remove(name) }
        #expect(try TestSupport.cli("create", name, "--kind", "semaphore", "--maximum", "3").status == 0)
        // The count word (body offset 8) above the maximum: no semaphore writes that.
        let segment = try Segment(open: name)
        try segment.writableBody.storeBytes(of: UInt32(9).littleEndian, toByteOffset: 8, as: UInt32.self)
        let inspected = try TestSupport.cli("inspect", name, "--json")
        #expect(inspected.status == 2, "\(inspected)")
        #expect(try CLIJSON.member(inspected.standardOutput, "stateError")["code"] as? String == "corrupt")
    }
}
