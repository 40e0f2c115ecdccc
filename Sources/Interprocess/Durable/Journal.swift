#if os(Linux)
public import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An append-only log of variable-size records in mapped files that survives its processes
/// (and, by ``JournalDurability``, the machine): one writer, any number of tailers in any
/// processes, each record numbered in sequence and timestamped.
///
/// A journal is a directory: a control file (configuration, the writer, named tailers' positions,
/// the word tailers sleep on) and cycle files, each a pre-allocated mapped file of records with a
/// sparse index. The writer starts a new cycle when one is full or per period
/// (``JournalConfiguration/Rolling``); old cycles are deleted or archived by
/// ``JournalConfiguration/Retention``. `docs/FORMAT.md` ("Journal") has the bytes.
///
/// ```swift
/// let journal = try Journal(openOrCreate: "/var/tmp/orders",
///                           configuration: .init(cycleSize: 16 << 20, rolling: .daily, durability: .flushed(every: .milliseconds(10))))
/// var writer = try journal.makeWriter()
/// try writer.append("order 1")
///
/// var tailer = try journal.makeTailer(from: .beginning, named: "billing")
/// let entry = try tailer.next(timeout: .seconds(1))   // "order 1"
/// ```
public struct Journal: Sendable, Hashable {
    /// The journal's directory.
    public let path: FilePath
    /// The configuration recorded at creation.
    public let configuration: JournalConfiguration
    /// Whether this value created the journal.
    public let wasCreated: Bool

    private init(path: FilePath, configuration: JournalConfiguration, wasCreated: Bool) {
        self.path = path
        self.configuration = configuration
        self.wasCreated = wasCreated
    }

    /// Creates a journal in the directory `path` (made if absent; an existing one must hold no
    /// journal). The journal appears whole: its control file is published by a hard link.
    ///
    /// - Throws: ``InterprocessError/Code/alreadyExists``; `invalidArgument` naming the
    ///   configuration field out of range; `notFound` if the parent directory is missing.
    public init(
        create path: FilePath, configuration: JournalConfiguration = .init(),
        permissions: FilePermissions = .ownerReadWrite
    ) throws(InterprocessError) {
        let operation = "create journal"
        let directory = path.string
        try configuration.validate(operation: operation, name: directory)
        let directoryMode = permissions.rawValue | ((permissions.rawValue & 0o444) >> 2)
        if mkdir(directory, mode_t(directoryMode)) != 0, errno != EEXIST {
            throw InterprocessError.system(currentErrno, operation: operation, name: directory)
        }
        let control = try JournalControl.create(directory: directory, configuration: configuration,
                                                permissions: permissions, operation: operation)
        self.init(path: path, configuration: control.configuration, wasCreated: true)
    }

    /// Opens the journal in `path`.
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` at once if there is none; `corrupt`,
    ///   `incompatibleVersion`, `wrongKind`, `foreignSegment` for a control file that is not a
    ///   journal's this library can read.
    public init(open path: FilePath) throws(InterprocessError) {
        let control = try JournalControl.open(directory: path.string, operation: "open journal")
        self.init(path: path, configuration: control.configuration, wasCreated: false)
    }

    /// Opens the journal in `path`, waiting until `deadline` for it to be created.
    public init(open path: FilePath, until deadline: Deadline) throws(InterprocessError) {
        while true {
            do {
                try self.init(open: path)
                return
            } catch where error.code == .notFound {
                if deadline.hasPassed {
                    throw InterprocessError(.timedOut, operation: "open journal", name: path.string,
                                            reason: "it did not appear in time")
                }
                usleep(2_000)
            }
        }
    }

    /// Opens the journal in `path`, waiting at most `timeout` for it to be created.
    public init(open path: FilePath, timeout: Duration) throws(InterprocessError) {
        try self.init(open: path, until: .after(timeout))
    }

    /// Opens the journal in `path`, or creates it with `configuration` if there is none; racing
    /// processes end up with one journal.
    ///
    /// - Throws: ``InterprocessError/Code/incompatibleConfiguration`` naming the field when the
    ///   existing journal was made with another configuration.
    public init(
        openOrCreate path: FilePath, configuration: JournalConfiguration = .init(),
        permissions: FilePermissions = .ownerReadWrite
    ) throws(InterprocessError) {
        while true {
            do {
                try self.init(create: path, configuration: configuration, permissions: permissions)
                return
            } catch where error.code == .alreadyExists {
                do {
                    try self.init(open: path)
                } catch where error.code == .notFound {
                    continue
                }
                try Journal.requireSame(configuration, self.configuration, path: path.string)
                return
            }
        }
    }

    /// Throws `incompatibleConfiguration` naming the first field that differs.
    private static func requireSame(_ asked: JournalConfiguration, _ found: JournalConfiguration, path: String) throws(InterprocessError) {
        let fields: [(String, Bool)] = [
            ("cycleSize", asked.cycleSize == found.cycleSize), ("rolling", asked.rolling == found.rolling),
            ("indexSpacing", asked.indexSpacing == found.indexSpacing), ("durability", asked.durability == found.durability),
            ("retention", asked.retention == found.retention),
        ]
        if let (field, _) = fields.first(where: { !$0.1 }) {
            throw InterprocessError(.incompatibleConfiguration, operation: "open or create journal", name: path,
                                    reason: "it exists with another \(field)")
        }
    }

    /// Removes the journal in `path`: its cycles, its control file and, if then empty, the
    /// directory. Handles already open keep their mappings.
    ///
    /// - Throws: ``InterprocessError/Code/notFound``; `wrongKind` / `foreignSegment` when the
    ///   control file is not a journal's (a damaged journal is removed).
    public static func remove(_ path: FilePath) throws(InterprocessError) {
        let operation = "remove journal"
        let directory = path.string
        do {
            _ = try JournalControl.open(directory: directory, operation: operation)
        } catch where error.code == .wrongKind || error.code == .foreignSegment || error.code == .notFound {
            throw error
        } catch {
            // Damaged: remove it anyway, so it can be cleaned up.
        }
        for name in try JournalFiles.entries(directory, operation: operation)
        where name == JournalLayout.controlFileName || name.hasSuffix(JournalFiles.cycleSuffix) || name.contains(".tmp-") {
            unlink(directory + "/" + name)
        }
        rmdir(directory)
    }

    /// Becomes the journal's one writer.
    ///
    /// - Throws: ``InterprocessError/Code/alreadyExists`` naming the live writer's pid.
    public func makeWriter() throws(InterprocessError) -> JournalWriter {
        try JournalWriter.make(directory: path.string)
    }

    /// A tailer reading from `start`; with a `name`, one whose position the journal keeps (a
    /// known name resumes at its stored position and ignores `start`).
    ///
    /// - Throws: ``InterprocessError/Code/notFound`` before the first writer made a cycle;
    ///   `alreadyExists` when another live handle uses the name; `resourceLimit` when all 64
    ///   named slots are used; `invalidName` for a name that is empty or over 48 bytes.
    public func makeTailer(from start: JournalStart = .beginning, named name: String? = nil) throws(InterprocessError) -> JournalTailer {
        try JournalTailer(directory: path.string, start: start, name: name)
    }

    /// Forgets the named tailer `name`; false if the journal records none.
    ///
    /// - Throws: ``InterprocessError/Code/alreadyExists`` while a live handle uses it.
    @discardableResult
    public func removeTailer(named name: String) throws(InterprocessError) -> Bool {
        try JournalControl.open(directory: path.string, operation: "remove journal tailer").removeTailer(named: name)
    }
}
#endif
