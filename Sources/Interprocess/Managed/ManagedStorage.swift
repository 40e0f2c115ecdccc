#if os(Linux)
internal import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The file behind a ``ManagedSegment`` — a named shared-memory segment, a file, or a memory
/// file — and its name's lifetime: which descriptor to map, how a new one is published under
/// its name only once it is whole, and what happens to the name when the handle goes away.
///
/// Every kind keeps its descriptor open with a shared `flock` while mapped (as ``SharedMemory``
/// does), so that `interprocess gc` leaves a segment in use alone and ``ManagedSegment/shrinkToFit()``
/// can tell whether anyone else is attached.
struct ManagedStorage: ~Copyable {
    /// The descriptor to map and to resize.
    let descriptor: Int32
    /// The name the caller gave (a path for a file), for messages.
    let name: String
    /// Whether this handle created the file.
    let wasCreated: Bool
    /// A named shared-memory segment made by this handle (owns the descriptor and the name).
    private let created: SharedMemory?
    /// A named shared-memory segment opened (owns the descriptor).
    private let opened: Segment?
    /// The path of a file backing; nil otherwise.
    private let path: String?
    /// The hidden path a new file is built under until ``publish()``.
    private let pendingPath: String?
    private let lifetime: Lifetime

    /// A new, unpublished file of `size` bytes for `backing` (nothing can open it by name until
    /// ``publish()``); dropping the value first removes it.
    init(
        creating name: String, backing: ManagedSegmentBacking?, size: Int, permissions: FilePermissions,
        lifetime: Lifetime
    ) throws(InterprocessError) {
        self.name = name
        self.lifetime = lifetime
        self.wasCreated = true
        self.opened = nil
        switch backing {
        case .sharedMemory:
            let memory = try SharedMemory(creatingUnpublished: SegmentName(name), size: size, permissions: permissions,
                                          lifetime: lifetime, populate: false)
            descriptor = memory.descriptor
            created = Optional(memory)
            path = nil
            pendingPath = nil
        case .file(let filePath):
            let operation = "create managed segment"
            let target = filePath.string
            let directory = filePath.removingLastComponent().string
            let hidden = (directory.isEmpty ? "" : directory + "/") + PendingName.marker
                + "\(getpid()).\(UInt64.random(in: 0 ... .max)).\(filePath.lastComponent?.string ?? "file")"
            if NameLock.identity(ofPath: target) != nil {
                throw InterprocessError.system(.fileExists, operation: operation, name: target)
            }
            let fd = try checkedValue(operation, name: target) {
                open(hidden, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, mode_t(permissions.rawValue))
            }
            do {
                try NameLock.lockShared(fd, until: .after(.seconds(5)), operation: operation, name: target)
                try checkedCall(operation, name: target) { fchmod(fd, mode_t(permissions.rawValue)) }
                try SpaceReservation.size(fd, to: size, policy: .reserve, operation: operation, name: target)
            } catch {
                unlink(hidden)
                close(fd)
                throw error
            }
            descriptor = fd
            created = nil
            path = target
            pendingPath = hidden
        case nil:
            let operation = "create anonymous managed segment"
            // Not sealed: the segment must be able to grow.
            let fd = try checkedValue(operation, name: name) { MemoryFile.create(label: name, allowSealing: false) }
            do {
                // As for named segments: a process it is handed to takes its own shared lock,
                // so that shrinkToFit() sees it attached.
                try NameLock.lockShared(fd, until: .after(.seconds(5)), operation: operation, name: name)
                try SpaceReservation.size(fd, to: size, policy: .reserve, operation: operation, name: name)
            } catch {
                close(fd)
                throw error
            }
            descriptor = fd
            created = nil
            path = nil
            pendingPath = nil
        }
    }

    /// Opens an existing managed segment of `backing` and validates its segment header (kind,
    /// version, sizes). Fails with `notFound` at once when there is none.
    init(opening name: String, backing: ManagedSegmentBacking, deadline: Deadline) throws(InterprocessError) {
        self.name = name
        self.lifetime = .persistent
        self.wasCreated = false
        self.created = nil
        self.pendingPath = nil
        switch backing {
        case .sharedMemory:
            let segment = try Segment(open: name, kind: .managedSegment, kindVersion: ManagedLayout.version,
                                      until: deadline)
            descriptor = segment.memory.descriptor
            opened = Optional(segment)
            path = nil
        case .file(let filePath):
            let operation = "open managed segment"
            let target = filePath.string
            let fd = try checkedValue(operation, name: target) {
                open(target, O_RDWR | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)
            }
            do throws(InterprocessError) {
                try SharedMemory.requireRegularFile(fd, operation: operation, name: target)
                try NameLock.lockShared(fd, until: .after(.seconds(5)), operation: operation, name: target)
                try ManagedStorage.checkHeader(fd, name: target, operation: operation)
            } catch {
                close(fd)
                throw error
            }
            descriptor = fd
            opened = nil
            path = target
        }
    }

    /// Takes over a descriptor of a managed segment handed over by another process (an
    /// anonymous one, typically) and validates its header. The descriptor is reopened through
    /// `/proc/self/fd` so that this process holds a shared lock of its own on the file (a
    /// received descriptor shares the sender's open file, and with it the sender's lock), then
    /// closed, also when this fails. Reopening checks the file's owner and mode, so a segment
    /// of another user (0600) cannot be reopened: that one is kept as received, sharing the
    /// sender's open file and lock (the sender's `shrinkToFit()` then does not wait for us).
    init(adopting received: Int32) throws(InterprocessError) {
        let operation = "adopt managed segment"
        let label = "fd \(received)"
        var fd = open("/proc/self/fd/\(received)", O_RDWR | O_CLOEXEC)
        if fd >= 0 {
            close(received)
        } else if errno == EACCES || errno == EPERM {
            fd = received
        } else {
            let failure = currentErrno
            close(received)
            throw .system(failure, operation: operation, name: label, reason: "could not reopen the descriptor through /proc/self/fd")
        }
        do throws(InterprocessError) {
            try SharedMemory.requireRegularFile(fd, operation: operation, name: label)
            try NameLock.lockShared(fd, until: .after(.seconds(5)), operation: operation, name: label)
            try ManagedStorage.checkHeader(fd, name: label, operation: operation)
        } catch {
            close(fd)
            throw error
        }
        descriptor = fd
        name = "anonymous"
        wasCreated = false
        created = nil
        opened = nil
        path = nil
        pendingPath = nil
        lifetime = .persistent
    }

    /// Checks that the file behind `fd` starts with a whole managed segment's header.
    private static func checkHeader(_ fd: Int32, name: String, operation: String) throws(InterprocessError) {
        switch try SegmentValidation.read(descriptor: fd, name: name, operation: operation).outcome {
        case .valid(let header):
            try SegmentValidation.checkKind(header, kind: .managedSegment, kindVersion: ManagedLayout.version,
                                            name: name, operation: operation)
            guard header.state == SegmentHeader.State.ready.rawValue else {
                // Files and memory files are whole before anyone can reach them: one still
                // initializing was not made by this library.
                throw InterprocessError(.corrupt, operation: operation, name: name,
                                        reason: "its header says it is still being initialized")
            }
        case .invalid(let error, _):
            throw error
        case .notYetWritten:
            throw InterprocessError(.foreignSegment, operation: operation, name: name, reason: "it has no segment header")
        }
    }

    /// Gives a new file its name, atomically (`link(2)` fails when the name exists).
    ///
    /// - Throws: ``InterprocessError/Code/alreadyExists`` when another process published first.
    func publish() throws(InterprocessError) {
        try created?.publish()
        if let path, let pendingPath {
            try checkedCall("create managed segment", name: path) { link(pendingPath, path) }
            unlink(pendingPath)
        }
    }

    /// Removes a managed segment's file after checking its header says so (a broken one is
    /// removed too, as ``Segment`` removes broken segments).
    static func removeFile(_ path: String, operation: String) throws(InterprocessError) {
        let fd = try checkedValue(operation, name: path) { open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW) }
        defer { close(fd) }
        try SharedMemory.requireRegularFile(fd, operation: operation, name: path)
        switch try SegmentValidation.read(descriptor: fd, name: path, operation: operation).outcome {
        case .valid(let header):
            try SegmentValidation.checkKind(header, kind: .managedSegment, kindVersion: nil, name: path, operation: operation)
        case .invalid(let error, _) where error.code == .foreignSegment:
            throw error
        case .invalid, .notYetWritten:
            break
        }
        try checkedCall(operation, name: path) { unlink(path) }
    }

    deinit {
        if let path {
            if let pendingPath, NameLock.path(pendingPath, names: descriptor) { unlink(pendingPath) }
            if wasCreated && lifetime == .removedWhenCreatorCloses && NameLock.path(path, names: descriptor) {
                unlink(path)
            }
            close(descriptor)
        } else if created == nil && opened == nil {
            close(descriptor)
        }
        // A named shared-memory segment's own handle closes its descriptor and applies its lifetime.
    }
}
#endif
