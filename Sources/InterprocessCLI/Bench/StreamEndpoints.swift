#if canImport(Glibc)
import Glibc
#endif

/// The descriptors of a stream baseline: what the bench keeps and what its peer gets (as 3, 4, …).
///
/// - Pipe, latency: two pipes; the bench writes pings to the first and reads pongs from the
///   second; the peer gets the first's read end (3) and the second's write end (4).
/// - Pipe, throughput: one pipe (1 MiB buffer where allowed), the peer writes (3), the bench reads.
/// - Unix socket and TCP: one connected pair; each side reads and writes its own end (3).
struct StreamEndpoints {
    /// The bench's descriptor for reading and the one for writing (the same for sockets).
    var benchRead: Int32
    var benchWrite: Int32
    /// The peer's descriptors, in the order it receives them.
    var peer: [Int32]

    init(_ transport: BenchTransport, group: BenchGroup) throws {
        switch transport {
        case .pipe:
            let ping = try StreamEndpoints.pipePair()
            if group == .latency {
                let pong = try StreamEndpoints.pipePair()
                benchRead = pong.read; benchWrite = ping.write; peer = [ping.read, pong.write]
            } else {
                _ = fcntl(ping.write, 1031 /* F_SETPIPE_SZ */, Int32(1 << 20))
                benchRead = ping.read; benchWrite = -1; peer = [ping.write]
            }
        case .unixSocket:
            var pair: [Int32] = [0, 0]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
                throw StreamEndpoints.failure("socketpair")
            }
            benchRead = pair[0]; benchWrite = pair[0]; peer = [pair[1]]
        case .tcp:
            let pair = try StreamEndpoints.tcpPair()
            benchRead = pair.0; benchWrite = pair.0; peer = [pair.1]
        default:
            throw BenchFailure("\(transport.rawValue) is not a stream")
        }
    }

    /// Closes the bench's descriptors.
    func closeBench() {
        if benchRead >= 0 { close(benchRead) }
        if benchWrite >= 0, benchWrite != benchRead { close(benchWrite) }
    }

    /// Closes the descriptors handed to the peer (after it started with its copies).
    func closePeer() {
        for descriptor in peer { close(descriptor) }
    }

    private static func pipePair() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw failure("pipe") }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return (ends[0], ends[1])
    }

    /// A TCP connection over 127.0.0.1, both ends with TCP_NODELAY.
    private static func tcpPair() throws -> (Int32, Int32) {
        let stream = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let listener = socket(AF_INET, stream, 0)
        guard listener >= 0 else { throw failure("socket") }
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(listener, address, length) == 0 && listen(listener, 1) == 0
                    && getsockname(listener, address, &length) == 0
            }
        }
        guard bound else { throw failure("bind 127.0.0.1") }
        let client = socket(AF_INET, stream, 0)
        guard client >= 0 else { throw failure("socket") }
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) == 0 }
        }
        guard connected else { close(client); throw failure("connect 127.0.0.1") }
        let server = accept(listener, nil, nil)
        guard server >= 0 else { close(client); throw failure("accept") }
        _ = fcntl(server, F_SETFD, FD_CLOEXEC)
        var on: Int32 = 1
        for descriptor in [client, server] {
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        }
        return (client, server)
    }

    private static func failure(_ call: String) -> BenchFailure {
        BenchFailure("\(call) failed: \(String(cString: strerror(errno)))")
    }
}
