import Foundation
import Interprocess
import SystemPackage
import Testing

/// FileLock across real processes (the test peer) and between two handles in one process.
@Suite("FileLock", .timeLimit(.minutes(5)))
struct FileLockTests {
    /// A fresh lock-file path in the temporary directory; the caller removes it.
    static func path(_ label: String) -> String {
        NSTemporaryDirectory() + "/" + TestSupport.uniqueName(label) + ".lock"
    }

    @Test("an exclusive lock held by another process excludes this one until that process exits")
    func exclusiveExcludesAnotherProcess() throws {
        let path = Self.path("fl-excl")
        defer { unlink(path) }
        let lock = try FileLock(path: FilePath(path))
        let peer = try LockPeerProcess("file-lock", path, "exclusive", "300")
        try peer.expectLine("locked")
        #expect(try !lock.tryLock(.exclusive))
        #expect(try !lock.tryLock(.shared))
        #expect(try lock.conflictingLock(for: .shared) == .exclusive)
        try peer.expectLine("unlocked")
        try peer.waitForExit()
        #expect(try lock.tryLock(.exclusive))
        #expect(try TestSupport.peer("file-trylock", path, "shared").standardOutput == "busy\n")
        try lock.unlock()
        #expect(try TestSupport.peer("file-trylock", path, "exclusive").standardOutput == "locked\n")
    }

    @Test("shared locks in two processes coexist; a shared lock keeps out an exclusive one")
    func sharedCoexistAndBlockExclusive() throws {
        let path = Self.path("fl-shared")
        defer { unlink(path) }
        let lock = try FileLock(path: FilePath(path))
        try lock.lock(.shared)
        #expect(try TestSupport.peer("file-trylock", path, "shared").standardOutput == "locked\n")
        #expect(try TestSupport.peer("file-trylock", path, "exclusive").standardOutput == "busy\n")

        // The peer holds shared: this process can share it, not take it exclusively.
        try lock.unlock()
        let peer = try LockPeerProcess("file-lock", path, "shared", "forever")
        try peer.expectLine("locked")
        #expect(try lock.tryLock(.shared))
        try lock.unlock()
        #expect(try !lock.tryLock(.exclusive))
        #expect(try timingOut { () throws(InterprocessError) in try lock.lock(.exclusive, until: .after(.milliseconds(50))) } == nil)
        try peer.killAndReap()
        #expect(try timingOut { () throws(InterprocessError) in try lock.lock(.exclusive, until: .after(.seconds(10))) } != nil)
    }

    @Test("two handles in one process exclude each other (classic POSIX locks would share)")
    func twoHandlesInOneProcess() throws {
        let path = Self.path("fl-two")
        defer { unlink(path) }
        let first = try FileLock(path: FilePath(path))
        let second = try FileLock(path: FilePath(path), createIfMissing: false)
        #expect(try first.tryLock(.exclusive))
        #expect(try !second.tryLock(.exclusive))
        #expect(try !second.tryLock(.shared))
        try first.unlock()
        #expect(try second.tryLock(.shared))
        #expect(try first.tryLock(.shared))
        #expect(try !first.tryLock(.exclusive), "converting to exclusive waits for the other shared holder")
        try second.unlock()
        #expect(try first.tryLock(.exclusive))
    }

    @Test("closing a handle releases its lock")
    func closingReleases() throws {
        let path = Self.path("fl-close")
        defer { unlink(path) }
        let other = try FileLock(path: FilePath(path))
        do {
            let holder = try FileLock(path: FilePath(path))
            try holder.lock(.exclusive)
            #expect(try !other.tryLock(.exclusive))
            _ = consume holder
        }
        #expect(try other.tryLock(.exclusive))
    }

    @Test("byte ranges that don't overlap don't conflict")
    func byteRanges() throws {
        let path = Self.path("fl-range")
        defer { unlink(path) }
        let first = try FileLock(path: FilePath(path))
        let second = try FileLock(path: FilePath(path))
        #expect(try first.tryLock(.exclusive, bytes: 0..<8))
        #expect(try second.tryLock(.exclusive, bytes: 8..<16))
        #expect(try !second.tryLock(.exclusive, bytes: 4..<12))
        #expect(try !second.tryLock(.shared))
        #expect(throws: InterprocessError.self) { try first.lock(.shared, bytes: 5..<5) }
    }

    @Test("the lock is released when its holder is killed with SIGKILL")
    func releasedWhenHolderDies() throws {
        let path = Self.path("fl-kill")
        defer { unlink(path) }
        let lock = try FileLock(path: FilePath(path))
        for _ in 0..<5 {
            let peer = try LockPeerProcess("file-lock", path, "exclusive", "forever")
            try peer.expectLine("locked")
            #expect(try !lock.tryLock(.exclusive))
            try peer.killAndReap()
            #expect(try timingOut { () throws(InterprocessError) in try lock.lock(.exclusive, until: .after(.seconds(10))) } != nil)
            try lock.unlock()
        }
    }

    @Test("a deadline that passes returns false, and a blocking lock waits for the release")
    func deadlines() throws {
        let path = Self.path("fl-deadline")
        defer { unlink(path) }
        let holder = try FileLock(path: FilePath(path))
        let waiter = try FileLock(path: FilePath(path))
        try holder.lock(.exclusive)
        #expect(try timingOut { () throws(InterprocessError) in try waiter.lock(.exclusive, until: .after(.milliseconds(30))) } == nil)
        #expect(try timingOut { () throws(InterprocessError) in try waiter.lock(.shared, until: .now) } == nil)
        let peer = try LockPeerProcess("file-lock", path, "exclusive", "0")
        Thread.sleep(forTimeInterval: 0.05)
        try holder.unlock()
        try peer.expectLine("locked")
        try peer.expectLine("unlocked")
        try peer.waitForExit()
        try waiter.lock(.exclusive)
        try waiter.unlock()
    }

    @Test("a missing directory is notFound; an unopenable file is permissionDenied")
    func openErrors() throws {
        let missing = NSTemporaryDirectory() + "/" + TestSupport.uniqueName("nodir") + "/x.lock"
        #expect { _ = try FileLock(path: FilePath(missing)) } throws: { ($0 as? InterprocessError)?.code == .notFound }
        let path = Self.path("fl-absent")
        #expect { _ = try FileLock(path: FilePath(path), createIfMissing: false) } throws: { ($0 as? InterprocessError)?.code == .notFound }

        let readOnly = Self.path("fl-ro")
        defer { unlink(readOnly) }
        _ = try FileLock(path: FilePath(readOnly), permissions: .ownerRead)
        var status = stat()
        stat(readOnly, &status)
        #expect(status.st_mode & 0o777 == 0o400, "the mode is exactly what was asked for")
        if geteuid() != 0 {
            #expect { _ = try FileLock(path: FilePath(readOnly)) } throws: { ($0 as? InterprocessError)?.code == .permissionDenied }
        } else {
            // Root ignores mode bits: ask a peer running as nobody.
            let denied = try TestSupport.peer("as-nobody", "file-trylock", readOnly, "shared")
            #expect(denied.standardOutput == "error permissionDenied\n", "\(denied)")
        }
    }
}
