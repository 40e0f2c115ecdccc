import CInterprocessShim
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The bench's peer: this same executable, started with `bench-peer …` as a real second
/// process, with the descriptors it needs at 3, 4, … Killed (if still running) and reaped when
/// this value goes away.
struct PeerProcess: ~Copyable {
    let pid: pid_t
    private var exited = false

    /// Starts `/proc/self/exe` with `arguments`, passing `descriptors` as 3, 4, …
    init(arguments: [String], descriptors: [Int32]) throws {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (index, descriptor) in descriptors.enumerated() {
            // dup2 onto a new number clears close-on-exec there.
            posix_spawn_file_actions_adddup2(&actions, descriptor, Int32(3 + index))
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, nil, argv, environ)
        guard result == 0 else {
            throw BenchFailure("could not start the peer process: \(String(cString: strerror(result)))")
        }
        pid = child
    }

    /// Throws if the peer `pid` has exited (and reaps it).
    static func checkAlive(_ pid: pid_t) throws {
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            throw BenchFailure("the peer process \(pid) \(describeExit(status)) early")
        }
    }

    /// Waits for the peer to exit; throws unless it exited with status 0.
    mutating func wait() throws {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        exited = true
        guard status == 0 else { throw BenchFailure("the peer process \(describeExit(status))") }
    }

    deinit {
        if !exited {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        }
    }
}

/// A wait status in words ("exited with status 1", "was killed by signal 9 (SIGKILL)"), never
/// the raw number.
func describeExit(_ status: Int32) -> String {
    if ipc_wifexited(status) != 0 { return "exited with status \(ipc_wexitstatus(status))" }
    if ipc_wifsignaled(status) != 0 {
        let signal = ipc_wtermsig(status)
        let name = strsignal(signal).map { String(cString: $0) } ?? "signal \(signal)"
        return "was killed by signal \(signal) (\(name))"
    }
    return "stopped (wait status 0x\(String(status, radix: 16)))"
}
