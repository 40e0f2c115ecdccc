import Foundation

/// A task executor with a thread of its own: a task that prefers it
/// (`Task(executorPreference: ThreadTaskExecutor.shared)`) runs there instead of on the
/// cooperative pool, which the blocking tests of a whole-suite run can hold for minutes on a
/// 2-CPU machine. For async tests whose progress a peer process waits on.
final class ThreadTaskExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `jobs` is touched only under `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    /// The one executor the tests share (its thread lives as long as the test process).
    static let shared = ThreadTaskExecutor()

    private init() {
        let thread = Thread { [unowned self] in self.run() }
        thread.name = "test task executor"
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
