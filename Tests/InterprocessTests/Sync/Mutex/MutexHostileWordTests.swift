import Foundation
@testable import Interprocess
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension MutexTests {
    /// Bytes a hostile peer writes into a mutex (issue 7, item 9): the words glibc interpreted in
    /// layout version 1 (kind word, robust-list pointers, a lock word naming the caller's thread)
    /// and every bad value of the lock word and record of our own. The victim runs in an exit test,
    /// so a crash is a failed expectation, not a dead test run.
    @Suite("ProcessMutex hostile words", .timeLimit(.minutes(5)))
    struct MutexHostileWordTests {
        /// One hostile write and what the victim must see.
        struct Case: CustomStringConvertible, Sendable {
            var description: String
            var recursive = false
            /// Written into the named mutex by the test process before the victim runs.
            var before: [(offset: Int, value: UInt32)] = []
            /// The victim's part.
            var victim: @Sendable (borrowing ProcessMutex) -> Bool
        }

        /// glibc 2.36's `pthread_mutex_t` on x86_64 put its kind word at byte 16 of the object
        /// (mutex byte 80) and its robust-list pointers at bytes 24–39 (mutex bytes 88–103).
        static let cases: [Case] = [
            Case(description: "glibc's lock-elision kind bit at byte 80", before: [(80, 0x100 | 0x10 | 2)]) { mutex in
                roundTrip(mutex)
            },
            Case(description: "glibc's priority-inheritance kind bit at byte 80", before: [(80, 0x20 | 0x10 | 2)]) { mutex in
                roundTrip(mutex)
            },
            Case(description: "glibc's priority-inheritance kind bit and a lock word naming a thread that does not exist",
                 before: [(80, 0x20 | 0x10 | 2), (64, 0x3F_FFFE)]) { mutex in
                // Nobody recorded thread 0x3FFFFE, so the dead owner is reported as pid 0.
                guard case .previousOwnerDied(let dead)? = try? mutex.lock(timeout: .seconds(5)), dead.pid == 0 else { return false }
                return (try? mutex.markConsistent()) != nil && (try? mutex.unlock()) != nil && roundTrip(mutex)
            },
            Case(description: "the lock word names the victim's own thread, unrecorded (a dead owner's id, reused); a second named handle is dropped") { mutex in
                mutex.word.pointee.store(ThreadID.current, ordering: .relaxed)
                // Not "already held by you": the record does not name the caller. tryLock never
                // takes an unrecorded word over; a lock does once it stayed unrecorded a slice.
                guard (try? mutex.tryLock()) == .some(nil) else { return false }
                guard case .previousOwnerDied(let dead)? = try? mutex.lock(timeout: .seconds(5)), dead.pid == 0 else { return false }
                do { _ = try? ProcessMutex(open: mutex.name!) }  // dropped: must not release or crash
                guard mutex.word.pointee.load(ordering: .relaxed) & 0x3FFF_FFFF == ThreadID.current else { return false }
                return (try? mutex.markConsistent()) != nil && (try? mutex.unlock()) != nil && roundTrip(mutex)
            },
            Case(description: "the lock word names the victim's own thread, recorded for a dead process (its thread id, reused)") { mutex in
                (mutex.address + 72).storeBytes(of: Int32(0x3F_FFF0), as: Int32.self)
                (mutex.address + 80).storeBytes(of: UInt64(12345), as: UInt64.self)
                (mutex.address + 96).storeBytes(of: ProcessIdentity.current.pidNamespace, as: UInt32.self)
                (mutex.address + 76).storeBytes(of: ThreadID.current, as: UInt32.self)
                mutex.word.pointee.store(ThreadID.current, ordering: .relaxed)
                guard case .previousOwnerDied(let dead)? = try? mutex.lock(timeout: .seconds(5)), dead.pid == 0x3F_FFF0 else { return false }
                return (try? mutex.markConsistent()) != nil && (try? mutex.unlock()) != nil && roundTrip(mutex)
            },
            Case(description: "garbage over the record and glibc's robust-list pointers while the victim holds the lock") { mutex in
                guard (try? mutex.lock()) == .acquired else { return false }
                for offset in stride(from: 68, to: 128, by: 4) {
                    (mutex.address + offset).storeBytes(of: 0xDEAD_BEEF, as: UInt32.self)
                }
                guard (try? mutex.unlock()) != nil else { return false }
                return roundTrip(mutex)
            },
            Case(description: "a thread id beyond PID_MAX_LIMIT", before: [(64, 0x3000_0001)]) { mutex in
                codes(mutex, [.corrupt]) && unlockCode(mutex) == .corrupt
            },
            Case(description: "the inconsistent bit without an owner", before: [(64, 0x4000_0000)]) { mutex in
                codes(mutex, [.corrupt]) && unlockCode(mutex) == .corrupt
            },
            Case(description: "every bit set", before: [(64, 0xFFFF_FFFF)]) { mutex in
                codes(mutex, [.notRecoverable])
            },
            Case(description: "the waiters bit alone", before: [(64, 0x8000_0000)]) { mutex in
                roundTrip(mutex)
            },
            Case(description: "a recursive mutex's depth zeroed while the victim holds it", recursive: true) { mutex in
                guard (try? mutex.lock()) == .acquired else { return false }
                mutex.depth.pointee.store(0, ordering: .relaxed)
                return codes(mutex, [.corrupt]) && unlockCode(mutex) == .corrupt
            },
            Case(description: "a recursive mutex's depth at its maximum", recursive: true) { mutex in
                guard (try? mutex.lock()) == .acquired else { return false }
                mutex.depth.pointee.store(.max, ordering: .relaxed)
                return codes(mutex, [.resourceLimit])
            },
            Case(description: "a dead thread id, recorded as a thread of a live process") { mutex in
                // This process lives; its thread 0x3FFFFE does not: taken over, never a crash.
                let me = ProcessIdentity.current
                (mutex.address + 72).storeBytes(of: me.pid, as: Int32.self)
                (mutex.address + 80).storeBytes(of: me.startTime, as: UInt64.self)
                (mutex.address + 96).storeBytes(of: me.pidNamespace, as: UInt32.self)
                (mutex.address + 76).storeBytes(of: UInt32(0x3F_FFFE), as: UInt32.self)
                mutex.word.pointee.store(0x3F_FFFE, ordering: .relaxed)
                guard case .previousOwnerDied(let dead)? = try? mutex.lock(timeout: .seconds(5)),
                      dead.pid == me.pid, dead.startTime == me.startTime else { return false }
                return (try? mutex.markConsistent()) != nil && (try? mutex.unlock()) != nil && roundTrip(mutex)
            },
        ]

        @Test("a hostile word is a typed error or handled, never a crash", arguments: 0..<cases.count)
        func hostileWord(index: Int) async throws {
            let testCase = Self.cases[index]
            let name = TestSupport.uniqueName("mx-hostile")
            defer { try? ProcessMutex.remove(name) }
            let mutex = try ProcessMutex(create: name, recursive: testCase.recursive)
            for (offset, value) in testCase.before {
                (mutex.address + offset).storeBytes(of: value.littleEndian, as: UInt32.self)
            }
            await #expect(processExitsWith: .success, "\(testCase)") { [name = name as String, index] in
                let victim = try ProcessMutex(open: name)
                exit(MutexHostileWordTests.cases[index].victim(victim) ? 0 : 3)
            }
        }

        /// tryLock, a timed lock and an untimed lock all acquire and unlock.
        static func roundTrip(_ mutex: borrowing ProcessMutex) -> Bool {
            guard (try? mutex.tryLock()) == .acquired, (try? mutex.unlock()) != nil,
                  (try? mutex.lock(timeout: .milliseconds(100))) == .acquired, (try? mutex.unlock()) != nil,
                  (try? mutex.lock()) == .acquired, (try? mutex.unlock()) != nil
            else { return false }
            return mutex.word.pointee.load(ordering: .relaxed) == 0
        }

        /// tryLock, a timed lock and an untimed lock all throw one of `expected`.
        static func codes(_ mutex: borrowing ProcessMutex, _ expected: Set<InterprocessError.Code>) -> Bool {
            let results = [
                interprocessError { _ = try mutex.tryLock() },
                interprocessError { _ = try mutex.lock(timeout: .milliseconds(50)) },
                interprocessError { _ = try mutex.lock() },
            ]
            return results.allSatisfy { $0.map { expected.contains($0.code) } ?? false }
        }

        static func unlockCode(_ mutex: borrowing ProcessMutex) -> InterprocessError.Code? {
            interprocessError { try mutex.unlock() }?.code
        }
    }
}
