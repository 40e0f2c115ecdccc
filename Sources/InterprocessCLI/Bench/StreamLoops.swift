#if canImport(Glibc)
import Glibc
#endif

// The stream baselines: plain read(2) and write(2) on a pipe or a socket, retried on EINTR and
// partial transfers. One system call per message on the writing side, as their users pay.

/// Writes all `count` bytes at `bytes`.
@inline(__always)
func writeFully(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) throws {
    var done = 0
    while done < count {
        let written = write(descriptor, bytes + done, count &- done)
        if written > 0 {
            done &+= written
        } else if written < 0, errno == EINTR {
            continue
        } else {
            throw BenchFailure("write failed: \(String(cString: strerror(errno)))")
        }
    }
}

/// Reads exactly `count` bytes into `bytes`.
@inline(__always)
func readFully(_ descriptor: Int32, _ bytes: UnsafeMutableRawPointer, _ count: Int) throws {
    var done = 0
    while done < count {
        let got = read(descriptor, bytes + done, count &- done)
        if got > 0 {
            done &+= got
        } else if got < 0, errno == EINTR {
            continue
        } else {
            throw BenchFailure(got == 0 ? "the other end closed the stream" : "read failed: \(String(cString: strerror(errno)))")
        }
    }
}

/// Either side of a stream ping-pong of 8-byte messages (the round's number, echoed and checked).
struct StreamLatencySide: BenchSide {
    let readDescriptor: Int32
    let writeDescriptor: Int32
    let initiates: Bool

    init(_ context: SideContext, initiates: Bool) {
        readDescriptor = context.readDescriptor
        writeDescriptor = context.writeDescriptor
        self.initiates = initiates
    }

    mutating func run(_ phase: BenchPhase) throws {
        let samples = phase.samples
        var message: UInt64 = 0
        var round = phase.first
        var start = benchTicks()
        for index in 0..<phase.count {
            if initiates {
                message = round
                try writeFully(writeDescriptor, &message, 8)
                try readFully(readDescriptor, &message, 8)
                let now = benchTicks()
                if let samples { samples[index] = now &- start }
                start = now
            } else {
                try readFully(readDescriptor, &message, 8)
                try writeFully(writeDescriptor, &message, 8)
            }
            guard message == round else { throw BenchFailure("message \(message) in round \(round)") }
            round &+= 1
        }
    }
}

/// Either side of a stream of messages: the producer writes each message with one `write`; the
/// consumer reads whatever has arrived (up to 256 KiB per `read`) until it has every byte.
struct StreamThroughputSide: BenchSide, ~Copyable {
    let descriptor: Int32
    let messageSize: Int
    let buffer: UnsafeMutableRawBufferPointer
    let produces: Bool

    init(_ context: SideContext, produces: Bool) {
        descriptor = produces ? context.writeDescriptor : context.readDescriptor
        messageSize = context.messageSize
        buffer = .allocate(byteCount: max(context.messageSize, 256 * 1024), alignment: 64)
        buffer.initializeMemory(as: UInt8.self, repeating: 0x5A)
        self.produces = produces
    }

    deinit { buffer.deallocate() }

    mutating func run(_ phase: BenchPhase) throws {
        let base = buffer.baseAddress!
        if produces {
            for _ in 0..<phase.count { try writeFully(descriptor, base, messageSize) }
            return
        }
        var remaining = phase.count * messageSize
        let chunk = buffer.count
        while remaining > 0 {
            let got = read(descriptor, base, min(remaining, chunk))
            if got > 0 {
                remaining &-= got
            } else if got < 0, errno == EINTR {
                continue
            } else {
                throw BenchFailure(got == 0 ? "the producer closed the stream" : "read failed: \(String(cString: strerror(errno)))")
            }
        }
    }
}
