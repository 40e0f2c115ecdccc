import Interprocess

/// Peer commands that attach to a queue whose segment a test has rewritten, and report what
/// each send or receive did, one line each. A library error ends the command through
/// ``TestPeer/main()`` ("error CODE"); a crash or a hang shows as a signal (the test kills a
/// peer that outlives its timeout).
enum QueueProbeCommands {
    /// How a probe waits: `try` forms return at once; `wait` forms wait until a deadline.
    enum Form: String {
        case `try`, wait
    }

    static func form(_ arguments: inout Arguments) throws(UsageError) -> Form {
        let text = try arguments.next("try|wait")
        guard let form = Form(rawValue: text) else { throw UsageError("expected try or wait (got '\(text)')") }
        return form
    }

    /// One line for a received record: its length and up to its first 16 bytes.
    static func record(_ bytes: UnsafeRawBufferPointer) -> String {
        "record \(bytes.count) \(Hex.encode(bytes.prefix(16)))"
    }

    /// `spsc-receive NAME COUNT try|wait TIMEOUT_MS`: receives up to COUNT records (each
    /// within TIMEOUT_MS when waiting) with `tryReceive(into:)` / `receive(into:until:)`,
    /// printing "record LEN HEX" for each, then "empty" or "timed-out" if it ran out.
    static func spscReceive(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let count = try arguments.nextInt("COUNT")
        let form = try form(&arguments)
        let timeout = try arguments.nextInt("TIMEOUT_MS")
        try arguments.finish()
        var consumer = try SPSCQueue(open: name).makeConsumer()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: consumer.maximumRecordSize, alignment: 8)
        defer { buffer.deallocate() }
        for _ in 0..<count {
            let length = switch form {
            case .try: try consumer.tryReceive(into: buffer)
            case .wait: try untilTimeout { () throws(InterprocessError) in try consumer.receive(into: buffer, until: .after(.milliseconds(timeout))) }
            }
            guard let length else {
                print(form == .try ? "empty" : "timed-out")
                return
            }
            print(record(UnsafeRawBufferPointer(rebasing: buffer[0..<length])))
        }
    }

    /// `spsc-send NAME COUNT SIZE try|wait TIMEOUT_MS`: sends COUNT records of SIZE bytes;
    /// prints "sent N", or "full after N" / "timed-out after N".
    static func spscSend(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let count = try arguments.nextInt("COUNT")
        let size = try arguments.nextInt("SIZE")
        let form = try form(&arguments)
        let timeout = try arguments.nextInt("TIMEOUT_MS")
        try arguments.finish()
        var producer = try SPSCQueue(open: name).makeProducer()
        let bytes = [UInt8](repeating: 0x5A, count: size)
        for sent in 0..<count {
            let done = try bytes.withUnsafeBytes { bytes throws(InterprocessError) in
                switch form {
                case .try: try producer.trySend(bytes)
                case .wait: try untilTimeout { () throws(InterprocessError) in try producer.send(bytes, until: .after(.milliseconds(timeout))) } != nil
                }
            }
            if !done {
                print(form == .try ? "full after \(sent)" : "timed-out after \(sent)")
                return
            }
        }
        print("sent \(count)")
    }

    /// `mpmc-receive NAME COUNT into|as|large|borrow try|wait TIMEOUT_MS BUFFER`: receives up
    /// to COUNT records: copied into a BUFFER-byte buffer, as a `UInt64`, as a 512-byte value,
    /// or borrowed in place; prints "record LEN HEX" for each, then "empty" or "timed-out".
    static func mpmcReceive(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let count = try arguments.nextInt("COUNT")
        let mode = try arguments.next("into|as|large|borrow")
        let form = try form(&arguments)
        let timeout = try arguments.nextInt("TIMEOUT_MS")
        let size = try arguments.nextInt("BUFFER")
        try arguments.finish()
        var consumer = try MPMCQueue(open: name).makeConsumer()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 8)
        defer { buffer.deallocate() }
        for _ in 0..<count {
            let deadline = Deadline.after(.milliseconds(timeout))
            let line: String?
            switch (mode, form) {
            case ("into", .try):
                line = try consumer.tryReceive(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<size]))
                    .map { record(UnsafeRawBufferPointer(rebasing: buffer[0..<$0])) }
            case ("into", .wait):
                line = try untilTimeout { () throws(InterprocessError) in
                    try consumer.receive(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<size]), until: deadline)
                }.map { record(UnsafeRawBufferPointer(rebasing: buffer[0..<$0])) }
            case ("as", .try):
                line = try consumer.tryReceive(as: UInt64.self).map { withUnsafeBytes(of: $0) { record($0) } }
            case ("as", .wait):
                line = try untilTimeout { () throws(InterprocessError) in try consumer.receive(as: UInt64.self, until: deadline) }.map { withUnsafeBytes(of: $0) { record($0) } }
            case ("large", .try):
                line = try consumer.tryReceive(as: LargeValue.self).map { withUnsafeBytes(of: $0) { record($0) } }
            case ("large", .wait):
                line = try untilTimeout { () throws(InterprocessError) in try consumer.receive(as: LargeValue.self, until: deadline) }.map { withUnsafeBytes(of: $0) { record($0) } }
            case ("borrow", .try):
                line = try consumer.tryReceive { $0.withUnsafeBytes { record($0) } }
            case ("borrow", .wait):
                line = try untilTimeout { () throws(InterprocessError) in try consumer.receive(until: deadline) { $0.withUnsafeBytes { record($0) } } }
            default:
                throw UsageError("mode must be into, as, large or borrow (got '\(mode)')")
            }
            guard let line else {
                print(form == .try ? "empty" : "timed-out")
                return
            }
            print(line)
        }
    }

    /// `mpmc-send NAME COUNT SIZE try|wait TIMEOUT_MS`: sends COUNT records of SIZE bytes;
    /// prints "sent N", or "full after N" / "timed-out after N".
    static func mpmcSend(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let count = try arguments.nextInt("COUNT")
        let size = try arguments.nextInt("SIZE")
        let form = try form(&arguments)
        let timeout = try arguments.nextInt("TIMEOUT_MS")
        try arguments.finish()
        var producer = try MPMCQueue(open: name).makeProducer()
        let bytes = [UInt8](repeating: 0x5A, count: size)
        for sent in 0..<count {
            let done = try bytes.withUnsafeBytes { bytes throws(InterprocessError) in
                switch form {
                case .try: try producer.trySend(bytes)
                case .wait: try untilTimeout { () throws(InterprocessError) in try producer.send(bytes, until: .after(.milliseconds(timeout))) } != nil
                }
            }
            if !done {
                print(form == .try ? "full after \(sent)" : "timed-out after \(sent)")
                return
            }
        }
        print("sent \(count)")
    }

    /// `queue-open-wait spsc|mpmc NAME TIMEOUT_MS`: opens the queue, waiting up to TIMEOUT_MS
    /// for it to appear, makes a consumer and receives one UInt64 (waiting as long); prints
    /// "received V", or "timed-out: MESSAGE" if the queue or the record did not come in time.
    static func openWait(_ arguments: inout Arguments) throws {
        let kind = try arguments.next("spsc|mpmc")
        let name = try arguments.next("NAME")
        let timeout = Duration.milliseconds(try arguments.nextInt("TIMEOUT_MS"))
        try arguments.finish()
        do {
            let value: UInt64
            switch kind {
            case "spsc":
                var consumer = try SPSCQueue(open: name, timeout: timeout).makeConsumer()
                value = try consumer.receive(as: UInt64.self, timeout: timeout)
            case "mpmc":
                var consumer = try MPMCQueue(open: name, timeout: timeout).makeConsumer()
                value = try consumer.receive(as: UInt64.self, timeout: timeout)
            default:
                throw UsageError("kind must be spsc or mpmc (got '\(kind)')")
            }
            print("received \(value)")
        } catch let error as InterprocessError where error.code == .timedOut {
            print("timed-out: \(error)")
        }
    }
}

/// A 512-byte value, larger than the slots of the tests' queues.
struct LargeValue: InterprocessValue {
    var words: (SIMD64<UInt64>)
}
