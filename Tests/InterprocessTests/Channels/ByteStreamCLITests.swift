import Foundation
import Interprocess
import Testing

/// The tool and byte streams: `create --kind byte-stream` and `inspect` (JSON and text).
@Suite("Byte stream in the tool", .timeLimit(.minutes(2)))
struct ByteStreamCLITests {
    @Test("create --kind byte-stream, inspect its state (depth, writer, end of stream); a bad capacity is a usage error")
    func createInspect() throws {
        let name = TestSupport.uniqueName("cli-bstream")
        defer { try? ByteStream.remove(name) }
        let created = try TestSupport.cli("create", name, "--kind", "byte-stream", "--capacity", "8192")
        try #require(created.status == 0, "\(created)")
        let stream = try ByteStream(open: name)
        #expect(stream.capacity == 8192)
        var writer = try stream.makeWriter()
        try writer.write(contentsOf: [1, 2, 3, 4, 5], timeout: .seconds(1))
        let inspected = try TestSupport.cli("inspect", name, "--json")
        try #require(inspected.status == 0, "\(inspected)")
        let state = try CLIJSON.member(inspected.standardOutput, "state")
        #expect(state["capacity"] as? Int == 8192 && state["depth"] as? Int == 5 && state["written"] as? Int == 5, "\(state)")
        #expect((state["writer"] as? [String: Any]) != nil && state["finished"] as? Bool == false, "\(state)")
        writer.finish()
        let text = try TestSupport.cli("inspect", name)
        #expect(text.status == 0 && text.standardOutput.contains("end of stream") && text.standardOutput.contains("5 B"), "\(text)")
        let wrong = try TestSupport.cli("create", TestSupport.uniqueName("cli-bstream-bad"), "--kind", "byte-stream", "--capacity", "5000")
        #expect(wrong.status != 0)
    }
}
