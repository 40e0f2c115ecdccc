import Foundation
import Interprocess
import SystemPackage
import Testing

/// A ``MessageQueue`` in a managed segment backed by a file: its messages outlive every process
/// that used it, and it opens again with its configuration checked.
@Suite("Message queue in a file", .timeLimit(.minutes(1)))
struct MessageQueueFileTests {
    @Test("messages sent by a process that exited are still in the file, in priority order, after reopening")
    func persistsAcrossProcesses() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(TestSupport.uniqueName("mq-file"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("spool.heap").path
        let first = try TestSupport.peer("mq-file-send", path, "jobs", "5")
        #expect(first.status == 0 && first.standardOutput.contains("sent 5"), "\(first)")
        do {
            let segment = try ManagedSegment(open: "mq-file", backing: .file(path: FilePath(path)))
            let queue = try MessageQueue(open: "jobs", in: segment)
            #expect(queue.state.count == 5 && queue.capacity == 64 && queue.maximumSize == 16)
            #expect(try queue.receive(as: UInt64.self, timeout: .seconds(1)) == MessageQueue.Received(value: 5, priority: 5))
            #expect(try queue.receive(as: UInt64.self, timeout: .seconds(1)).value == 4)
            #expect { try MessageQueue(openOrCreate: "jobs", in: segment, capacity: 32, maximumSize: 16) } throws: {
                ($0 as? InterprocessError)?.code == .incompatibleConfiguration
            }
        }
        // Every handle is gone; a second process adds to what the file still holds.
        let second = try TestSupport.peer("mq-file-send", path, "jobs", "1")
        #expect(second.status == 0, "\(second)")
        let segment = try ManagedSegment(open: "mq-file", backing: .file(path: FilePath(path)))
        let queue = try MessageQueue(open: "jobs", in: segment)
        var values: [UInt64] = []
        while let message = try queue.tryReceive(as: UInt64.self) { values.append(message.value) }
        #expect(values == [3, 2, 1, 1])
        try MessageQueue.remove("jobs", in: segment)
        #expect { try MessageQueue(open: "jobs", in: segment) } throws: { ($0 as? InterprocessError)?.code == .notFound }
    }
}
