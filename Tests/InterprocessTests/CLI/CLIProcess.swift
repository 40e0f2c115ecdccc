import Foundation
import Synchronization

/// The CLI running in the background while a test talks to it: standard input is a pipe the
/// test writes to (and closes for end of input), standard output and error are collected until
/// it exits. For `pub` and `sub`, which run until their input ends or a signal stops them.
final class CLIProcess: Sendable {
    private let process: Process
    private let input: Pipe
    private let collected = Mutex<(output: Data, error: Data)>((Data(), Data()))
    private let readersDone = DispatchGroup()

    /// Starts `interprocess` with `arguments`.
    init(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = try TestSupport.executable("interprocess")
        process.arguments = arguments
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        self.process = process
        self.input = input
        try process.run()
        for (pipe, isOutput) in [(output, true), (error, false)] {
            let handle = pipe.fileHandleForReading
            // A thread each: a full pipe would stall the process.
            readersDone.enter()
            Thread { [self] in
                while case let data = handle.availableData, !data.isEmpty {
                    collected.withLock { isOutput ? $0.output.append(data) : $0.error.append(data) }
                }
                readersDone.leave()
            }.start()
        }
    }

    /// The process's pid.
    var pid: Int32 { process.processIdentifier }

    /// Standard output so far.
    var standardOutput: String { collected.withLock { String(decoding: $0.output, as: UTF8.self) } }

    /// Writes `text` to its standard input.
    func write(_ text: String) {
        write(Data(text.utf8))
    }

    /// Writes `bytes` to its standard input.
    func write(_ bytes: Data) {
        input.fileHandleForWriting.write(bytes)
    }

    /// Ends its standard input.
    func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    /// Sends `signal`.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for it to exit (killing it after `timeout`) and returns what it did.
    func wait(timeout: TimeInterval = 20) -> TestSupport.Outcome {
        let pid = process.processIdentifier
        let killer = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        process.waitUntilExit()
        readersDone.wait()
        killer.cancel()
        closeInput()
        return collected.withLock { collected in
            TestSupport.Outcome(
                status: process.terminationStatus,
                signal: process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil,
                standardOutput: String(decoding: collected.output, as: UTF8.self),
                standardError: String(decoding: collected.error, as: UTF8.self))
        }
    }
}
