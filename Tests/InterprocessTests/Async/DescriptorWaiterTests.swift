#if os(Linux)
import Foundation
import Testing
@testable import Interprocess

@Suite("Descriptor waiter", .timeLimit(.minutes(1)))
struct DescriptorWaiterTests {
    @Test("a descriptor epoll refuses (a regular file) is a thrown error, not a readiness the caller would wait on again at once")
    func refusedDescriptorThrows() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ipc-dw-\(getpid())").path
        let file = open(path, O_CREAT | O_RDWR, 0o600)
        try #require(file >= 0)
        defer { close(file); unlink(path) }
        let code = await thrownCode { () async throws(InterprocessError) in
            _ = try await DescriptorWaiter.shared.wait(for: file, until: .after(.seconds(5)), operation: "test wait", name: nil)
        }
        #expect(code != nil, "a refused descriptor must throw")
    }

    @Test("a readable descriptor resumes the wait; an idle one times out at its deadline")
    func readableAndTimeout() async throws {
        var pair: [Int32] = [0, 0]
        try #require(pipe(&pair) == 0)
        defer { close(pair[0]); close(pair[1]) }
        let idle = try await DescriptorWaiter.shared.wait(for: pair[0], until: .after(.milliseconds(20)), operation: "test wait", name: nil)
        #expect(idle == .timedOut)
        var byte: UInt8 = 1
        #expect(write(pair[1], &byte, 1) == 1)
        let ready = try await DescriptorWaiter.shared.wait(for: pair[0], until: .after(.seconds(30)), operation: "test wait", name: nil)
        #expect(ready == .acquired)
    }
}
#endif
