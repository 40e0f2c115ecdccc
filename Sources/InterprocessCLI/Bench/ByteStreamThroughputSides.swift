import CInterprocessBench
import CInterprocessShim
import Interprocess

// The byte stream's throughput case: as the SPSC queue's, every message is copied in by the
// writer (the peer) and out by the reader (the bench), each one as one contiguous span of the
// mirrored ring; the ring is the SPSC queue's size for the message size.

/// The peer's side: the writer.
struct ByteStreamWriterSide: BenchSide, ~Copyable {
    var writer: ByteStreamWriter
    let message: UnsafeMutableRawBufferPointer

    init(_ context: SideContext) throws {
        writer = try ByteStream(open: context.queueNames[0]).makeWriter()
        message = .allocate(byteCount: context.messageSize, alignment: 64)
        message.initializeMemory(as: UInt8.self, repeating: 0x5A)
    }

    deinit { message.deallocate() }

    mutating func run(_ phase: BenchPhase) throws {
        let size = message.count
        let source = message.baseAddress!
        var sent = 0
        var polls = 0
        while sent < phase.count {
            let wrote = try writer.tryWrite(atLeast: size, upTo: size) { space in
                space.baseAddress!.copyMemory(from: source, byteCount: size)
                return size
            }
            if wrote != nil {
                sent &+= 1
            } else {
                ipc_cpu_relax()
                polls &+= 1
                if polls & benchDeadlineCheckMask == 0, ipcb_monotonic_ns() > phase.deadline { throw BenchFailure("the reader stalled") }
            }
        }
    }
}

/// The bench's side: the reader.
struct ByteStreamReaderSide: BenchSide, ~Copyable {
    var reader: ByteStreamReader
    let sink: UnsafeMutableRawBufferPointer

    init(_ context: SideContext) throws {
        reader = try ByteStream(open: context.queueNames[0]).makeReader()
        sink = .allocate(byteCount: context.messageSize, alignment: 64)
        sink.initializeMemory(as: UInt8.self, repeating: 0)
    }

    deinit { sink.deallocate() }

    mutating func run(_ phase: BenchPhase) throws {
        let size = sink.count
        let destination = sink.baseAddress!
        var received = 0
        var polls = 0
        while received < phase.count {
            let read = try reader.tryRead(atLeast: size, upTo: size) { bytes in
                destination.copyMemory(from: bytes.baseAddress!, byteCount: size)
                return size
            }
            if read != nil {
                received &+= 1
            } else {
                ipc_cpu_relax()
                polls &+= 1
                if polls & benchDeadlineCheckMask == 0, ipcb_monotonic_ns() > phase.deadline { throw BenchFailure("the writer stalled") }
            }
        }
    }
}
