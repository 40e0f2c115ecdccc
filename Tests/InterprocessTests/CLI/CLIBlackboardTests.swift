@testable import Interprocess
import Foundation
import Testing

/// Blackboards through `interprocess inspect` and `interprocess services`.
@Suite("CLI: blackboards and discovery", .timeLimit(.minutes(1)))
struct CLIBlackboardTests {
    @Test func inspectShowsEntriesVersionsAndTheWriter() throws {
        let name = TestSupport.uniqueName("cli-board")
        let board = try Blackboard(create: name, entries: [.value("pose", of: BoardPose.self), .bytes("status", capacity: 64)],
                                   lifetime: .removedWhenCreatorCloses)
        var writer = try board.makeWriter()
        writer.write(try board.key("pose", as: BoardPose.self), BoardPose(x: 1, y: 2))
        let text = try TestSupport.cli("inspect", name)
        #expect(text.status == 0, "\(text)")
        #expect(text.standardOutput.contains("blackboard (13)"), "\(text)")
        #expect(text.standardOutput.contains("value 'BoardPose' of 16 B, version 1"), "\(text)")
        #expect(text.standardOutput.contains("bytes up to 64 B, never written"), "\(text)")
        #expect(text.standardOutput.contains("pid \(getpid()) (alive)"), "\(text)")
        let json = try TestSupport.cli("inspect", name, "--json")
        let state = try CLIJSON.member(json.standardOutput, "state")
        let entries = try #require(state["entries"] as? [[String: Any]])
        #expect(entries.map { $0["version"] as? Int } == [1, 0] && state["copies"] as? Int == 4, "\(state)")
    }

    @Test func servicesListsEveryKindWithParticipants() throws {
        let name = TestSupport.uniqueName("cli-board-svc")
        let board = try Blackboard(create: name, entries: [.value("n", of: UInt64.self)], lifetime: .removedWhenCreatorCloses)
        let writer = try board.makeWriter()
        let queueName = TestSupport.uniqueName("cli-board-svcq")
        let queue = try SPSCQueue(create: queueName, capacity: 4096, maximumRecordSize: 64, lifetime: .removedWhenCreatorCloses)
        let consumer = try queue.makeConsumer()
        let json = try TestSupport.cli("services", "--json")
        #expect(json.status == 0, "\(json)")
        let all = try CLIJSON.list(json.standardOutput, "all")
        let boardRow = try #require(all.first { $0["name"] as? String == name })
        #expect(boardRow["kindName"] as? String == "blackboard")
        let participants = try #require(boardRow["participants"] as? [[String: Any]])
        #expect(participants.count == 1 && participants[0]["role"] as? String == "writer" && participants[0]["pid"] as? Int32 == getpid())
        #expect(participants[0]["liveness"] as? String == "alive")
        let queueRow = try #require(all.first { $0["name"] as? String == queueName })
        #expect((queueRow["participants"] as? [[String: Any]])?.first?["role"] as? String == "consumer")
        let text = try TestSupport.cli("services")
        let line = try #require(text.standardOutput.split(separator: "\n").first { $0.hasPrefix(name + " ") }, "\(text)")
        #expect(line.contains("blackboard") && line.contains("writer \(getpid()) (alive)"), "\(line)")
        withExtendedLifetime(writer) {}
        withExtendedLifetime(consumer) {}
    }
}
