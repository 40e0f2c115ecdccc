import Foundation
import Interprocess
import Testing

@Suite("CLI: demo", .timeLimit(.minutes(5)))
struct CLIDemoTests {
    @Test func parentAndChildExchangeMessagesThroughOneSegment() throws {
        let outcome = try TestSupport.cli("demo")
        #expect(outcome.status == 0, "\(outcome)")
        let lines = outcome.standardOutput.split(separator: "\n").map(String.init)
        try #require(lines.count == 4, "\(outcome)")
        let parentPID = try #require(lines[0].split(separator: " ").last.map { String($0).trimmingCharacters(in: .punctuationCharacters) })
        #expect(lines[1].contains("read \"hello from pid \(parentPID)\""), "\(lines[1])")
        #expect(lines[2].contains("the child wrote back \"hello back from pid"), "\(lines[2])")
        #expect(!lines[1].contains("pid \(parentPID):"), "the child is another process")
        // The segment was created with `.removedWhenCreatorCloses`: nothing is left behind.
        #expect(!SharedMemory.exists("interprocess-demo-\(parentPID)"))
    }
}
