import Foundation
@testable import Interprocess
import Synchronization

/// A server of `service` running `body` on a thread of its own (blocking receives must not run
/// on the test's task executor); ``wait()`` for its outcome.
final class ServerThread: Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private let outcome = Mutex<Result<Void, InterprocessError>?>(nil)

    init(_ service: RequestResponseService, _ body: @escaping @Sendable (inout Server) throws(InterprocessError) -> Void) {
        let thread = Thread { [self] in
            let result = Result { () throws(InterprocessError) in
                var server = try Server(service: service)
                try body(&server)
            }
            outcome.withLock { $0 = result }
            finished.signal()
        }
        thread.start()
    }

    /// Waits for the body to return; rethrows what it threw.
    func wait() throws {
        finished.wait()
        try outcome.withLock { $0! }.get()
    }

    /// The answer the echo servers of these tests give: the request reversed, each byte XOR 0xA5.
    static func answer(_ request: [UInt8]) -> [UInt8] { request.reversed().map { $0 ^ 0xA5 } }

    /// Answers `count` requests with ``answer(_:)`` of their bytes.
    static func echo(_ service: RequestResponseService, count: Int) -> ServerThread {
        ServerThread(service) { (server: inout Server) throws(InterprocessError) in
            for _ in 0..<count {
                var request = try server.receive(timeout: .seconds(10))
                try request.respond(contentsOf: answer(request.bytes), timeout: .seconds(10))
            }
        }
    }
}
