import ArgumentParser
import Foundation
import Interprocess

/// `interprocess call SERVICE [DATA]`: sends one request to a request/response service through
/// the library's own ``Client`` and prints its response(s).
struct CallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Send a request to a request/response service and print its response(s).",
        discussion: """
            The request is DATA as UTF-8, or standard input when DATA is absent. Each response \
            is one line: its bytes as text, with control characters and bytes that are not UTF-8 \
            shown as \\xHH; a streamed answer prints one line per response, until the server \
            completes the request. With --json, one object: {"request": ID, "responses": \
            [{"byteCount", "final", "text"}]} ("base64" instead of "text" when the bytes are not \
            UTF-8). --timeout (default 5s) bounds the whole call: waiting for the service to \
            appear, for a free request slot, and for every response. Exits 1 when the service \
            does not appear, the deadline passes, or the server dies (peerDied).
            """
    )

    @Argument(help: "The service's name.")
    var service: String

    @Argument(help: "The request, as UTF-8 text (default: standard input).")
    var data: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How long the whole call may take (e.g. 500ms, 5s).", valueName: "duration"))
    var timeout: DurationArgument = DurationArgument(argument: "5s")!

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try UsageChecks.segmentName(service)
        try UsageChecks.positive(timeout, option: "--timeout")
    }

    /// One response as `--json` prints it.
    struct ResponseJSON: Encodable {
        var byteCount: Int
        var final: Bool
        var text: String?
        var base64: String?

        init(_ bytes: [UInt8], final: Bool) {
            byteCount = bytes.count
            self.final = final
            if let text = String(validating: bytes, as: UTF8.self) { self.text = text } else { base64 = Data(bytes).base64EncodedString() }
        }
    }

    func run() throws {
        let bytes = data.map { Array($0.utf8) } ?? [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        let deadline = Deadline.after(timeout.duration)
        var responses: [ResponseJSON] = []
        let id: RequestID
        do {
            var client = try Client(open: service, until: deadline)
            id = try client.send(contentsOf: bytes, until: deadline)
            while let response = try client.receiveResponse(to: id, until: deadline, { (response: borrowing Response) in
                (response.bytes, response.isFinal)
            }) {
                if output.json {
                    responses.append(ResponseJSON(response.0, final: response.1))
                } else {
                    print(SampleText.line(response.0))
                }
            }
        } catch {
            throw output.report(error)
        }
        if output.json {
            struct Result: Encodable {
                var request: String
                var responses: [ResponseJSON]
            }
            try output.printJSON(Result(request: id.description, responses: responses))
        }
    }
}
