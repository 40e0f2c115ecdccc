import CInterprocessBench
import CInterprocessShim
import Interprocess

// The SPSC stream, batched: the producer commits with `publish: false` and publishes every
// `batch` records (and whenever the ring is full); the consumer releases with `publish: false`
// and publishes its releases every `batch` records (and whenever the ring is empty). Every
// message is copied in by the producer and out by the consumer, as a pipe or socket does.

/// A 64-byte message: a compile-time size, so that copies inline to vector moves.
struct Message64: InterprocessValue {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (1, 2, 3, 4, 5, 6, 7, 8)
}

/// Sends `count` copies of `message` (a value whose size is known at compile time).
func spscProduce<Message: InterprocessValue>(_ producer: inout SPSCProducer, _ message: Message, count: Int, batch: Int, deadline: UInt64) throws {
    let mask = batch &- 1
    var sent = 0
    var polls = 0
    while sent < count {
        if try producer.trySend(message, publish: false) {
            sent &+= 1
            if sent & mask == 0 { producer.publish() }
        } else {
            producer.publish()
            ipc_cpu_relax()
            polls &+= 1
            if polls & benchDeadlineCheckMask == 0, ipcb_monotonic_ns() > deadline { throw BenchFailure("the consumer stalled") }
        }
    }
    producer.publish()
}

/// Sends `count` copies of the `size` bytes at `message`.
func spscProduce(_ producer: inout SPSCProducer, bytes message: UnsafeRawBufferPointer, count: Int, batch: Int, deadline: UInt64) throws {
    let mask = batch &- 1
    var sent = 0
    var polls = 0
    while sent < count {
        if try producer.trySend(message, publish: false) {
            sent &+= 1
            if sent & mask == 0 { producer.publish() }
        } else {
            producer.publish()
            ipc_cpu_relax()
            polls &+= 1
            if polls & benchDeadlineCheckMask == 0, ipcb_monotonic_ns() > deadline { throw BenchFailure("the consumer stalled") }
        }
    }
    producer.publish()
}

/// Receives `count` records of `Message`'s size, copying each into `sink`.
func spscConsume<Message: InterprocessValue>(_ consumer: inout SPSCConsumer, into sink: UnsafeMutablePointer<Message>, count: Int, batch: Int, deadline: UInt64) throws {
    let mask = batch &- 1
    var received = 0
    var polls = 0
    while received < count {
        if let record = try consumer.tryPeek() {
            guard record.count == MemoryLayout<Message>.size else { throw BenchFailure("a record of \(record.count) bytes") }
            sink.pointee = record.baseAddress!.loadUnaligned(as: Message.self)
            consumer.release(publish: false)
            received &+= 1
            if received & mask == 0 { consumer.publishReleases() }
        } else {
            consumer.publishReleases()
            ipc_cpu_relax()
            polls &+= 1
            if polls & benchDeadlineCheckMask == 0, ipcb_monotonic_ns() > deadline { throw BenchFailure("the producer stalled") }
        }
    }
    consumer.publishReleases()
}

/// Receives `count` records of `sink.count` bytes, copying each into `sink`.
func spscConsume(_ consumer: inout SPSCConsumer, bytes sink: UnsafeMutableRawBufferPointer, count: Int, batch: Int, deadline: UInt64) throws {
    let mask = batch &- 1
    let size = sink.count
    let destination = sink.baseAddress!
    var received = 0
    var polls = 0
    while received < count {
        if let record = try consumer.tryPeek() {
            guard record.count == size else { throw BenchFailure("a record of \(record.count) bytes") }
            destination.copyMemory(from: record.baseAddress!, byteCount: size)
            consumer.release(publish: false)
            received &+= 1
            if received & mask == 0 { consumer.publishReleases() }
        } else {
            consumer.publishReleases()
            ipc_cpu_relax()
            polls &+= 1
            if polls & benchDeadlineCheckMask == 0, ipcb_monotonic_ns() > deadline { throw BenchFailure("the producer stalled") }
        }
    }
    consumer.publishReleases()
}
