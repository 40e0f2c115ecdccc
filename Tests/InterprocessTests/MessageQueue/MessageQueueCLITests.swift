import Foundation
import Interprocess
import Testing

/// The tool and the directory with message queues: `create --kind message-queue`, `inspect`
/// (JSON and text), and `services` / `ServiceDirectory.all()`.
@Suite("Message queue in the tool", .timeLimit(.minutes(2)))
struct MessageQueueCLITests {
    @Test("create --kind message-queue, inspect its state, list it as a service")
    func createInspectList() throws {
        let name = TestSupport.uniqueName("cli-mq")
        defer { try? MessageQueue.remove(name) }
        let created = try TestSupport.cli("create", name, "--kind", "message-queue", "--slots", "16", "--slot-size", "40")
        try #require(created.status == 0, "\(created)")
        let queue = try MessageQueue(open: name)
        #expect(queue.capacity == 16 && queue.maximumSize == 40)
        try queue.send("one", priority: 2)
        try queue.send("two", priority: 1)
        let inspected = try TestSupport.cli("inspect", name, "--json")
        try #require(inspected.status == 0, "\(inspected)")
        let state = try CLIJSON.member(inspected.standardOutput, "state")
        #expect(state["count"] as? Int == 2 && state["capacity"] as? Int == 16 && state["maximumSize"] as? Int == 40)
        let text = try TestSupport.cli("inspect", name)
        #expect(text.standardOutput.contains("2 messages") && text.standardOutput.contains("free"), "\(text)")
        let listing = try #require(ServiceDirectory.all().first { $0.name == name })
        #expect(listing.kind == .messageQueue && listing.kindName == "message-queue" && listing.problem == nil)
        let services = try TestSupport.cli("services")
        #expect(services.standardOutput.contains(name) && services.standardOutput.contains("message-queue"), "\(services)")
        let wrong = try TestSupport.cli("create", TestSupport.uniqueName("cli-mq-bad"), "--kind", "message-queue", "--slots", "0", "--slot-size", "8")
        #expect(wrong.status != 0)
    }
}
