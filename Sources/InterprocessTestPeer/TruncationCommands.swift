import CInterprocessShim
import Interprocess
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Peer commands for the truncation guard tests: a peer shrinks (`ftruncate`) a file this
/// process maps, and touching the pages past the new end must not kill it (SIGBUS).
enum TruncationCommands {
    /// `truncation-shm NAME read|write|read-only READY MS`: maps segment NAME, sets byte 0 of
    /// segment READY to 1, then sweeps every page (reading, or writing one byte per page) until a
    /// sweep sees the region truncated or MS pass. Prints "truncated pages P", then "error CODE"
    /// from ``SharedMemory/checkNotTruncated(operation:)``, or "untouched". With `read-only`,
    /// then prints "writing" and writes into the first page: that must still fault (SIGSEGV).
    static func shm(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let mode = try arguments.next("read|write|read-only")
        let ready = try arguments.next("READY")
        let milliseconds = try arguments.nextInt("MS")
        try arguments.finish()
        guard ["read", "write", "read-only"].contains(mode) else { throw UsageError("mode must be read, write or read-only") }
        let memory = try SharedMemory(open: name, access: mode == "read-only" ? .readOnly : .readWrite)
        try SharedMemory(open: ready).region.withUnsafeMutableBytes { $0[0] = 1 }
        let deadline = Deadline.after(.milliseconds(milliseconds))
        let base = memory.region.baseAddress, page = MappedRegion.pageSize
        var sum = 0
        while !memory.region.wasTruncated, !deadline.hasPassed {
            for offset in stride(from: 0, to: memory.size, by: page) {
                if mode == "write" {
                    (base + offset).storeBytes(of: UInt8(truncatingIfNeeded: offset >> 12), as: UInt8.self)
                } else {
                    sum &+= Int((base + offset).load(as: UInt8.self))
                }
            }
        }
        guard memory.region.wasTruncated else {
            print("untouched \(sum & 1)")
            return
        }
        print("truncated pages \(memory.region.truncatedPages)")
        do {
            try memory.checkNotTruncated(operation: "sweep segment")
            print("no error")
        } catch {
            print("error \(error.code.rawValue)")
            TestPeer.printError(error.description)
        }
        if mode == "read-only" {
            print("writing")
            fflush(nil)
            base.storeBytes(of: 1, as: UInt8.self)
            print("wrote")
        }
    }

    /// `truncation-spsc NAME send|receive MS`: sends (or receives) 32-byte self-checking records
    /// with 20 ms deadlines for MS or until the queue reports the truncation (a `.truncated`
    /// error, or its state's problem). Prints "ops N bad B truncated true|false errors CODE=N…".
    static func spsc(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let role = try arguments.next("send|receive")
        let milliseconds = try arguments.nextInt("MS")
        try arguments.finish()
        guard role == "send" || role == "receive" else { throw UsageError("role must be send or receive") }
        let queue = try SPSCQueue(open: name)
        let deadline = Deadline.after(.milliseconds(milliseconds))
        var ops: UInt64 = 0, bad = 0, truncated = false
        var errors: [String: Int] = [:]
        func note(_ error: InterprocessError) {
            errors[error.code.rawValue, default: 0] += 1
            if error.code == .truncated { truncated = true }
        }
        if role == "send" {
            var producer = try queue.makeProducer()
            while !truncated, !deadline.hasPassed {
                do throws(InterprocessError) {
                    try producer.send(contentsOf: record(ops), timeout: .milliseconds(20))
                    ops += 1
                } catch {
                    note(error)
                }
            }
        } else {
            var consumer = try queue.makeConsumer()
            while !truncated, !deadline.hasPassed {
                do throws(InterprocessError) {
                    let bytes = try consumer.receive(timeout: .milliseconds(20))
                    if bytes != record(ops) {
                        bad += 1
                        if queue.state.problem?.contains("truncated") == true { truncated = true }
                    }
                    ops += 1
                } catch {
                    note(error)
                }
            }
        }
        if !truncated, queue.state.problem?.contains("truncated") == true { truncated = true }
        let summary = errors.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        print("ops \(ops) bad \(bad) truncated \(truncated) errors \(summary)")
    }

    /// Record `sequence`: its number four times, little-endian.
    static func record(_ sequence: UInt64) -> [UInt8] {
        (0..<4).flatMap { _ in withUnsafeBytes(of: sequence.littleEndian, Array.init) }
    }

    /// `truncation-journal DIR READY MS`: a tailer reads every record of the journal at DIR,
    /// sets byte 0 of segment READY to 1, then waits for more with 20 ms deadlines for MS or
    /// until an error other than `.timedOut`. Prints "read N", then "error CODE" or "quiet".
    static func journal(_ arguments: inout Arguments) throws {
        let directory = try arguments.next("DIR")
        let ready = try arguments.next("READY")
        let milliseconds = try arguments.nextInt("MS")
        try arguments.finish()
        let journal = try Journal(open: FilePath(directory))
        var tailer = try journal.makeTailer(from: .beginning)
        var read = 0
        while try tailer.tryNext({ _ in true }) != nil { read += 1 }
        print("read \(read)")
        try SharedMemory(open: ready).region.withUnsafeMutableBytes { $0[0] = 1 }
        let deadline = Deadline.after(.milliseconds(milliseconds))
        while !deadline.hasPassed {
            do throws(InterprocessError) {
                _ = try tailer.next(timeout: .milliseconds(20))
            } catch where error.code == .timedOut {
                continue
            } catch {
                print("error \(error.code.rawValue)")
                TestPeer.printError(error.description)
                return
            }
        }
        print("quiet")
    }

    /// `truncation-unguarded`: maps a scratch file with a plain `mmap` (not registered with the
    /// guard), installs the guard by mapping anonymous shared memory, prints "guarded N" (the
    /// ranges registered), shrinks the file to 0 and reads past its end: the SIGBUS is not the
    /// guard's, so the process must die of it.
    static func unguarded(_ arguments: inout Arguments) throws {
        try arguments.finish()
        var template = Array("/tmp/interprocess-unguarded-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw UsageError("mkstemp failed") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let page = MappedRegion.pageSize
        guard ftruncate(descriptor, off_t(2 * page)) == 0,
              let base = mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0), base != MAP_FAILED
        else { throw UsageError("mapping the scratch file failed") }
        let guarded = try AnonymousSharedMemory(size: page)
        print("guarded \(ipc_guard_registered_count()) \(guarded.size)")
        fflush(nil)
        _ = ftruncate(descriptor, 0)
        let value = (base + page).load(as: UInt8.self)
        print("survived \(value)")
    }
}
