import Foundation
import Interprocess

/// Standard input cut into samples for `pub`: one per line (the newline stripped; a last line
/// without one counts too) or, for `--bytes`, chunks of `chunkSize` bytes (the last one
/// shorter). Waits for input in slices of ``StopSignal/slice``, so that a stop request is seen
/// while nothing arrives.
struct InputSamples {
    enum Mode {
        case lines
        case chunks
    }

    let mode: Mode
    /// The largest sample: a longer line is an error; a chunk has exactly this many bytes.
    let chunkSize: Int
    private let descriptor: Int32
    private var pending: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// How many lines (or chunks) were read, for error messages.
    private(set) var count = 0

    init(mode: Mode, chunkSize: Int, descriptor: Int32 = STDIN_FILENO) {
        self.mode = mode
        self.chunkSize = chunkSize
        self.descriptor = descriptor
    }

    /// The next sample, or nil at the end of input or when a stop was requested.
    ///
    /// - Throws: `invalidArgument` for a line longer than ``chunkSize``; `systemError` when
    ///   standard input cannot be read.
    mutating func next() throws(InterprocessError) -> [UInt8]? {
        while true {
            if let sample = try cut() {
                count += 1
                return sample
            }
            if atEnd || StopSignal.requested { return nil }
            try fill()
        }
    }

    /// A whole sample from what was read, if there is one.
    private mutating func cut() throws(InterprocessError) -> [UInt8]? {
        let available = pending.count - start
        switch mode {
        case .lines:
            if let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                try checkLine(newline - start)
                defer { start = newline + 1 }
                return Array(pending[start..<newline])
            }
            try checkLine(available)
            guard atEnd, available > 0 else { return nil }
        case .chunks:
            if available >= chunkSize {
                defer { start += chunkSize }
                return Array(pending[start..<(start + chunkSize)])
            }
            guard atEnd, available > 0 else { return nil }
        }
        defer { start = pending.count }
        return Array(pending[start...])
    }

    private func checkLine(_ length: Int) throws(InterprocessError) {
        guard length <= chunkSize else {
            throw InterprocessError(.invalidArgument, operation: "publish line \(count + 1)", reason:
                "the line is longer than the service's largest sample (\(chunkSize) bytes); send it with --bytes or create the service with a larger --max-size")
        }
    }

    /// How much one `read` asks for.
    private static let readSize = 1 << 16

    /// Reads what standard input has, up to 64 KiB at a time, after waiting at most one slice for
    /// it; sets ``atEnd`` at its end.
    private mutating func fill() throws(InterprocessError) {
        var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(StopSignal.slice.components.seconds * 1000 + StopSignal.slice.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&ready, 1, milliseconds) > 0 else { return }  // nothing yet, or EINTR: look at the flag again
        if start > 0 {
            pending.removeFirst(start)
            start = 0
        }
        let oldCount = pending.count
        pending.append(contentsOf: repeatElement(0, count: InputSamples.readSize))
        let result = pending.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + oldCount, InputSamples.readSize) }
        let code = errno
        pending.removeLast(InputSamples.readSize - max(result, 0))
        if result == 0 {
            atEnd = true
        } else if result < 0, code != EINTR {
            throw InterprocessError(.systemError, operation: "read standard input", errno: .init(rawValue: code),
                                    reason: String(cString: strerror(code)))
        }
    }
}
