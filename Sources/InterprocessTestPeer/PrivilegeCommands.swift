#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `as-nobody`: run the rest of the command line as user `nobody`.
enum PrivilegeCommands {
    /// The uid and gid of `nobody` / `nogroup` on Linux.
    static let nobody: UInt32 = 65534

    /// Drops every privilege for good: supplementary groups first, then the group, then the user
    /// (after setuid the process could no longer change its groups). Checks that it worked.
    static func dropToNobody() throws(PeerFailure) {
        guard setgroups(0, nil) == 0 else { throw .system("setgroups([])") }
        guard setgid(nobody) == 0 else { throw .system("setgid(\(nobody))") }
        guard setuid(nobody) == 0 else { throw .system("setuid(\(nobody))") }
        guard getuid() == nobody, geteuid() == nobody, getgid() == nobody, getegid() == nobody,
              getgroups(0, nil) == 0
        else {
            throw PeerFailure("still privileged after dropping to nobody: uid \(getuid()) euid \(geteuid()) gid \(getgid())")
        }
        // Root could always get back in with setuid(0); a real drop cannot.
        guard setuid(0) != 0 else { throw PeerFailure("setuid(0) succeeded after dropping privileges") }
    }
}
