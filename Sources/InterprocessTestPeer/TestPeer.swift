import Interprocess

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `interprocess-test-peer`: the second process of the multi-process tests.
///
/// Each command does one small thing to shared memory and prints what it saw on standard
/// output. A library error prints `error CODE` (the ``InterprocessError/Code`` raw value) on
/// standard output and the error's description on standard error, and exits with status 1;
/// any other failure exits with status 3, and a usage error with status 2.
@main
struct TestPeer {
    static let usage = """
        usage: interprocess-test-peer COMMAND ARGUMENTS...
          shm-open NAME [read-only|read-write]        open a named segment, print "size N"
          shm-open-or-create NAME SIZE [START]         open or create a segment, print "created N"
                                                       or "opened N"; first wait until START
                                                       (CLOCK_MONOTONIC nanoseconds), if given
          shm-write NAME OFFSET HEX                    write bytes at OFFSET, print "wrote N"
          shm-read NAME OFFSET COUNT [read-only]       print COUNT bytes at OFFSET as hex
          shm-remove NAME                              remove a named segment, print "removed"
          segment-create NAME BODY [INIT-MS] [fail]    create a raw segment (initializing for INIT-MS,
                                                       then failing if asked), print "created" (or "failed", then live 1 s)
          segment-create-many PREFIX COUNT             create PREFIX-0 … PREFIX-(COUNT-1), print "created N"
          segment-open-loop PREFIX COUNT MS            open random PREFIX-i for MS; print "opened N
                                                       missing M orphaned K" (K: removed while open)
          file-write PATH OFFSET HEX                   map the window [OFFSET, OFFSET+N) of a file,
                                                       write the bytes, flush, print "wrote N"
          file-read PATH OFFSET COUNT                  map the window [OFFSET, OFFSET+COUNT) read-only,
                                                       print it as hex
          memfd-receive SOCKET [--read OFFSET COUNT] [--try-resize] [--write OFFSET HEX]
                                                       connect to a Unix socket, receive anonymous
                                                       shared memory, print "size N" and
                                                       "sealed true|false", then "read HEX",
                                                       "resize refused EPERM|resize allowed",
                                                       "wrote N" for the options given (in that order)
          managed-receive SOCKET                       receive an anonymous managed segment; print
                                                       "greeting N", allocate 64 blocks, name their
                                                       offsets "reply"; print "replied"
          file-lock PATH shared|exclusive [HOLD-MS|forever]
                                                       take a FileLock (30 s deadline), print
                                                       "locked", hold it, print "unlocked"
          file-trylock PATH shared|exclusive           print "locked" or "busy"
          rw-hold NAME shared|exclusive [HOLD-MS|forever]
                                                       take a named ProcessRWLock's side, print
                                                       "locked" (exclusive: "locked acquired" or
                                                       "locked owner-died PID"), hold, "unlocked"
          rw-read-recover NAME                         withSharedLock(onOwnerDeath:): "repaired PID"
                                                       if it repaired a dead writer's lock, then "read"
          rw-chaos SHM writer|reader SEED              until the stop word: writers keep a == b under
                                                       the exclusive side, readers check it, both
                                                       repairing after a dead writer; "violations V"
          rw-victim SHM SEED MILLISECONDS              random lock calls with short deadlines while
                                                       the words are mutated; "survived N errors E"
          broadcast-write NAME RUN COUNT|forever MAXSIZE
                                                       send self-checking records to a broadcast
                                                       stream; "writing", then "sent N next S"
          broadcast-stop NAME                          take the writer's place, send the stop record;
                                                       "stopped S"
          broadcast-read NAME START [PAUSE-US [WAIT-S]] read (START: oldest|latest|next) to the stop
                                                       record, checking each; "ready", then "first F
                                                       received R missed M stop S bad B"
          broadcast-probe NAME START                   receive what is there; "received R missed M"
          broadcast-hold NAME                          become the writer, print "writer S", hold it
          broadcast-victim NAME MILLISECONDS SEED      random reads and writes while the test rewrites
                                                       the stream; "ops N records R errors E (corrupt C)"
          board-write NAME MILLISECONDS|forever        write self-checking 4 KiB values to "big" of a
                                                       blackboard; "writing", then "wrote N"
          board-read NAME MILLISECONDS                 read "big" that long, checking every value;
                                                       "ready", then "reads R versions V torn T backwards B"
          board-write-page NAME forever                write self-checking 4 KiB values to the value
                                                       entry "page" until killed; "writing"
          board-read-entry NAME MILLISECONDS           poll "page" through an entry reader, checking
                                                       every value; "ready", then "reads R versions V
                                                       torn T backwards B"
          board-create NAME DELAY-MS                   after DELAY-MS, create a board with "big" and
                                                       "counter"; "created"
          board-hold NAME                              become the board's writer, print "writer", hold it
          board-set NAME VALUE                         write VALUE to "counter"; "set VERSION"
          board-wait NAME AFTER TIMEOUT-MS [async]     wait for a "counter" version other than AFTER;
                                                       "ready", then "changed V value X"
          relative-walk NAME OFFSET                    follow a list of 16-byte nodes (value, relative
                                                       pointer) from OFFSET; "base HEX", "values …"
          objects-find SEGMENT OBJECT u64|i32          find a named object of a managed segment;
                                                       "found COUNT V…" or "missing"
          objects-construct SEGMENT OBJECT COUNT       construct COUNT UInt64s; "constructed OFFSET"
          objects-race SEGMENT OBJECT START            at START, findOrConstruct 64 UInt64s = pid;
                                                       "constructed|found OFFSET VALUE"
          objects-churn SEGMENT SEED                   construct/find/destroy churn objects until killed
          objects-walk SEGMENT OBJECT                  follow relative pointers between named Nodes;
                                                       "values …"
          objects-grow-walk SEGMENT SLOT               walk the Node chain from "chain" until "stop"
                                                       exists, storing walks in "tally"[SLOT];
                                                       "walks W longest L errors E final F"
          containers-write SEGMENT NAME WORKER COUNT   append/insert COUNT records of WORKER into the
                                                       vector NAME and dictionaries NAME-map, NAME-text
          containers-lookup SEGMENT NAME WORKERS COUNT MS  look up and check random keys for MS;
                                                       "lookups L found F bad B"
          containers-churn SEGMENT NAME SEED           "ready", then append/insert/remove until killed
          containers-produce SEGMENT QUEUE COUNT [TAG] allocate 64 B records and send their offsets
                                                       over an SPSC queue placed in the segment (with
                                                       TAG: an MPMC queue, TAG in each word); "sent N"
          identity-show                                print "pid P start S namespace N"
          heap-random NAME SEED ROUNDS TAG             random allocate/free in a managed segment,
                                                       patterns checked; "live OFFSET COUNT BYTE"
                                                       per block still held, then "done N"
          heap-survivor NAME SEED MS TAG LEDGER        the same for MS ms (or until the ledger's word
                                                       at 8 is set), then free all; "ok N"
          heap-victim NAME LEDGER SEED allocate|deallocate
                                                       allocate/free until killed, counting steps
          heap-lock-die NAME                           take a managed segment's heap lock, exit holding it
          heap-create NAME SIZE                        create a managed segment, allocate 2 blocks, exit
          main-exits-holding NAME                      a second thread locks the named mutex ("locked")
                                                       and runs on; the main thread pthread_exits
          identity-spsc-hold NAME producer|consumer    attach to an SPSC queue, "attached", hold
          identity-segment-hang NAME                   create a segment, "initializing", never finish
          rw-writer SHM ITERATIONS                     increment a, b under the exclusive side of
                                                       the lock placed at 0; print "done N"
          rw-reader SHM [HOLD-US]                      check a == b under the shared side until
                                                       the stop word is set; print "ready", then
                                                       "checks N violations V"
          mutex-increment SEGMENT COUNT START          from START (CLOCK_MONOTONIC ns), add 1 COUNT times
                                                       to the counter under the placed mutex; "done N"
          mutex-die SEGMENT | --named NAME             lock the mutex (placed: set the dirty flag),
                                                       print "pid N", SIGKILL itself holding the lock
          mutex-lock SEGMENT|--named NAME [MS]         lock (waiting at most MS) and unlock: "acquired",
                                                       "owner-died PID" (unlocked unrepaired), "timed-out"
          mutex-hold SEGMENT MILLISECONDS              hold the placed mutex that long; "released"
          mutex-unlock SEGMENT                         unlock without holding it; "unlocked"
          mutex-chaos SEGMENT END                      count under the mutex until END, checking for
                                                       unnoticed owner deaths; "done N"
          mutex-fuzz SEGMENT SEED END                  random mutex calls until END; "done N"
          cond-pingpong SEGMENT ROUNDS PLAYER          take turns (PLAYER 0 or 1) ROUNDS times under
                                                       the mutex and condition; "done N"
          cond-wait SEGMENT MILLISECONDS               wait on the condition until turn != 0: "woken",
                                                       or exit 3 if MILLISECONDS pass first
          sem-post TARGET TIMES                        post the semaphore TARGET (a name, or SHM@OFFSET
                                                       for one placed in shared memory) TIMES times;
                                                       "posted N"
          sem-post-each SHM COUNT STRIDE               post once to each of COUNT semaphores placed STRIDE
                                                       apart in SHM; "posted COUNT"
          sem-wait TARGET TIMES TIMEOUT-MS             take a unit TIMES times, each within TIMEOUT-MS;
                                                       "acquired N" or "timed out after N"
          event-wait TARGET TIMEOUT-MS                 wait for the event; "signaled" or "timed out"
          event-set TARGET                             set the event; "set"
          event-reset TARGET                           reset the event; "reset"
          sem-take-loop SHM                            take units from the semaphore at SHM@0 forever
          sem-post-loop SHM SEED                       post units to it forever (until killed)
          cond-wait-until SEGMENT MS                   one condition wait with a deadline; "signalled",
                                                       "timed out, held" or "timed out, not held"
          truncation-shm NAME read|write|read-only READY MS
                                                       sweep a segment's pages until a peer shrinks it;
                                                       "truncated pages P", "error truncated" (read-only:
                                                       then "writing" and a write that must fault)
          truncation-spsc NAME send|receive MS         use an SPSC queue until a peer shrinks it;
                                                       "ops N bad B truncated true|false errors …"
          truncation-journal DIR READY MS              tail a journal until a peer shrinks its cycle;
                                                       "read N", then "error CODE" or "quiet"
          truncation-unguarded                         a SIGBUS past the end of an unregistered
                                                       mapping: "guarded N …", then dies of SIGBUS
          as-nobody COMMAND ARGUMENTS...               drop to user nobody (65534), then run COMMAND
          spsc-produce NAME RUN COUNT MAXSIZE [BATCH]  send COUNT self-checking records of run RUN
          spsc-produce-then-die NAME RUN COUNT MAXSIZE send COUNT records, half-write one more, SIGKILL
          spsc-consume NAME COUNT TIMEOUT_MS [--expect-empty]
                                                       receive and verify COUNT records
          spsc-borrow-then-die NAME                    borrow the next record, print it, SIGKILL
          mpmc-produce NAME PRODUCER COUNT CONSUMERS   send COUNT self-checking records, then one
                                                       end-of-stream record per consumer
          mpmc-consume NAME PRODUCERS TIMEOUT_MS       receive and verify records until PRODUCERS
                                                       ends of stream; print per-producer tallies
          mpmc-claim-then-die NAME VALUE               send VALUE, claim a slot, SIGKILL unpublished
          mpmc-read-then-die NAME                      claim the next record, print it, SIGKILL
          spsc-receive NAME COUNT try|wait TIMEOUT_MS  receive up to COUNT records: "record LEN HEX"
                                                       each, then "empty" or "timed-out"
          spsc-send NAME COUNT SIZE try|wait TIMEOUT_MS
                                                       "sent N", "full after N" or "timed-out after N"
          mpmc-receive NAME COUNT into|as|large|borrow try|wait TIMEOUT_MS BUFFER
                                                       like spsc-receive, by the receive named
          mpmc-send NAME COUNT SIZE try|wait TIMEOUT_MS
                                                       like spsc-send
          queue-open-wait spsc|mpmc NAME TIMEOUT_MS    open (waiting for it to appear), receive one UInt64
          queue-victim spsc|mpmc NAME MS SEED          random sends and receives for MS while the test
                                                       rewrites the queue; "ops N records R ..."
          event-chaos-wait SHM SLOT SEED               take the event at SHM@0 forever, counting takes
          event-chaos-set SHM SEED                     set (and, manual-reset, reset) it forever
          cond-chaos SHM producer|consumer SEED COUNT  move items under the mutex and condition at SHM
          queue-chaos-produce spsc|mpmc QUEUE LEDGER PRODUCER SEED
                                                       send records for ever, counting them in LEDGER
          queue-chaos-consume spsc|mpmc QUEUE LEDGER SEED [--drain]
                                                       receive records, recording each in LEDGER
          header-victim NAME MS SEED                   open NAME and use its placed primitives for MS
          named-victim PREFIX MS SEED                  open PREFIX-sem, -event, … and use them for MS
          sem-chaos-take SHM SEED                      take units (mixed waits) from SHM@0 forever
          sem-chaos-post SHM SEED                      post 1–3 units at a time forever
          sync-word-victim SHM MS SEED                 use placed semaphore, event, condition, mutex
                                                       with short deadlines while the words change
          named-open KIND NAME TIMEOUT-MS              open a named primitive (mutex, condition, semaphore,
                                                       event, rwlock), waiting for it; print "opened" or the code
          named-open-or-create KIND NAME START HOLD-MS at START, open or create it; print "created" or
                                                       "opened"; keep it HOLD-MS
          named-create-hold KIND NAME persistent|removed
                                                       create it, print "created", close at end of input
          mutex-exit-holding NAME                      exit(0) inside withLock on the named mutex
          mutex-scoped NAME repair|no-repair|give-up   withLock with that owner-death policy; print
                                                       "repaired PID", "ran" or the error's code
          pubsub-publish SERVICE COUNT SIZES [SUBSCRIBERS]
                                                       publish COUNT self-checking samples (SIZES: small,
                                                       grow or a byte count) once SUBSCRIBERS attached
          pubsub-subscribe SERVICE LAST block|drop SIZES [--leave-after K] [--sleep-every N MS] [--idle MS]
                                                       receive and check samples until sequence LAST
          pubsub-many SERVICE N LAST                   N .block subscribers in one process, each receiving 0…LAST
          pubsub-victim SERVICE MS SEED                random subscriber and publisher calls for MS while
                                                       the test rewrites the service
          pubsub-chaos-publish SERVICE LEDGER SEED try|block [--linger] [--sizes SIZES]
                                                       publish for ever, counting in LEDGER
          pubsub-chaos-subscribe SERVICE LEDGER SEED block|drop receive|linger|held [--history] [--sizes SIZES]
                                                       receive and check for ever, counting in LEDGER
          pubsub-hold SERVICE subscriber|publisher [block|drop]
                                                       attach, print "attached PID", stay until killed
          pubsub-write-sample SERVICE write|read       receive one sample (history) and write into it
          pubsub-grow-after-remove SERVICE             publish, wait for the name to go, then grow the pool
          pubsub-open-or-create SERVICE [FIELD=VALUE...]
                                                       print "created" or "opened"
          rpc-serve NAME COUNT|forever echo|stream|hold DELAY-US SEED
                                                       serve requests; "serving", then "served N"
          rpc-client NAME COUNT|forever DELAY-US SEED  send checked requests (2 s deadline each);
                                                       "ok N died D timedOut T other O", "WRONG"/"LATE" exit 3
          rpc-client-hold NAME HEX                     send one request, print "sent ID seat S", never read
          events-notify SERVICE ID...                  notify each id of an event service; "notified N"
          events-listen SERVICE COUNT TIMEOUT-MS       wait for COUNT distinct ids; "received ID,..."
                                                       or "timed out with ID,..."
          events-hold SERVICE listener|waiting-listener|notifier
                                                       attach, print "attached PID", stay until killed
                                                       (a notifier notifies for ever)
          events-fire PREFIX SERVICES EVENTS BATCH SEED
                                                       notify random (service, id) pairs in batches,
                                                       each closed by PREFIX-ctl and PREFIX-ack; "fired N"
          events-stall SERVICE WAITSETS PER-SET        attach PER-SET listeners to each of WAITSETS wait
                                                       sets, arm them, print "attached PID", never wait
          mirror-receive SOCKET OFFSET COUNT           receive a MirroredRegion; "size N", "bytes HEX" read
                                                       contiguously from OFFSET (into the second copy)
          mirror-open NAME OFFSET COUNT [HEX]          open a named MirroredRegion (write HEX at its end
                                                       first, running past it); print as mirror-receive
          stream-write NAME|--socket PATH TOTAL SEED   write the pattern to stream index TOTAL in random
                                                       chunks; "writer FROM", then "wrote N"
          stream-read NAME|--socket PATH TOTAL SEED    check every byte to TOTAL; "reader FROM", then
                                                       "read N crossed K"; a wrong byte: "bad at I", exit 4
          stream-hold NAME writer|reader               take the side, "holding", sleep until killed
          stream-send NAME|--socket PATH DELAY-MS HEX  become the writer, wait, write HEX; "sent N"
          text-read NAME                               "line TEXT" for each line of a segment's text
          text-print NAME swift|c VALUE                print two lines into a segment (print(to:) or
                                                       vfprintf on a MemoryFILE); "printed N" or "full"
          mq-send QUEUE LEDGER SENDER COUNT PRIORITIES [SEED]
                                                       send checked messages with scrambled priorities
                                                       1...PRIORITIES to a message queue; "sent N"
          mq-receive QUEUE LEDGER drain|stop|forever TIMEOUT_MS
                                                       receive, checking FIFO per (sender, priority)
                                                       and, draining, falling priorities; "received N"
          mq-die-holding QUEUE kill|stop               SIGKILL or SIGSTOP itself holding the queue's
                                                       lock inside a receive; "continued" after SIGCONT
          mq-file-send PATH QUEUE COUNT                send 1...COUNT (priority = value) to a message
                                                       queue in a file-backed managed segment; "sent N"
          array-append PATH COUNT SEED                 open or create a MappedArray<UInt64>, append COUNT
                                                       values of SEED in batches; "appended N count C"
          array-follow PATH COUNT TIMEOUT-MS           open read-only, refresh until COUNT elements, check
                                                       them (seed 7); "ready", then "count C bad B"
          array-open PATH BYTES                        open read-only with BYTES-byte elements; "count N"
          array-hold PATH                              become the array's writer; "writer COUNT", hold it
          array-big PATH COUNT WINDOW BUDGET [CGROUP]  join CGROUP, append COUNT 272-byte records, sort within
                                                       BUDGET; "appended N sum S xor X", then
                                                       "sorted N sum S xor X ordered B intact B"
          journal-write DIR COUNT|forever              become the journal's writer ("writer NEXT"),
                                                       append COUNT checkable records (forever: 1/ms)
          journal-kill-loop DIR ROUNDS SEED            fork a writer child and SIGKILL it ROUNDS times,
                                                       checking what is new after each; "rounds R
                                                       records N bad B reread M verify ok|PROBLEMS"
          journal-follow DIR TIMEOUT-MS                tail from the beginning to a "stop" record;
                                                       "ready", then "read N bad B"
          journal-tail DIR NAME PAUSE-US               a named tailer: "got S" per record until 200 ms
                                                       of nothing, then "end N"
        """

    static func main() {
        var arguments = Arguments(Array(CommandLine.arguments.dropFirst()))
        do {
            try run(&arguments)
        } catch let error as InterprocessError {
            print("error \(error.code.rawValue)")
            printError(error.description)
            exit(1)
        } catch let error as UsageError {
            printError("\(error.message)\n\(usage)")
            exit(2)
        } catch {
            printError("\(error)")
            exit(3)
        }
    }

    /// Runs the command at the front of `arguments`.
    static func run(_ arguments: inout Arguments) throws {
        let command = try arguments.next("COMMAND")
        switch command {
        case "shm-open": try SharedMemoryCommands.open(&arguments)
        case "shm-open-or-create": try SharedMemoryCommands.openOrCreate(&arguments)
        case "shm-write": try SharedMemoryCommands.write(&arguments)
        case "shm-read": try SharedMemoryCommands.read(&arguments)
        case "shm-remove": try SharedMemoryCommands.remove(&arguments)
        case "segment-create": try SegmentLifecycleCommands.create(&arguments)
        case "segment-create-many": try SegmentLifecycleCommands.createMany(&arguments)
        case "segment-open-loop": try SegmentLifecycleCommands.openLoop(&arguments)
        case "file-write": try MappedFileCommands.write(&arguments)
        case "file-read": try MappedFileCommands.read(&arguments)
        case "memfd-receive": try AnonymousMemoryCommands.receive(&arguments)
        case "managed-receive": try AnonymousMemoryCommands.receiveManaged(&arguments)
        case "mutex-increment": try MutexCommands.increment(&arguments)
        case "mutex-die": try MutexCommands.die(&arguments)
        case "mutex-lock": try MutexCommands.lock(&arguments)
        case "mutex-hold": try MutexCommands.hold(&arguments)
        case "mutex-unlock": try MutexChaosCommands.unlock(&arguments)
        case "mutex-chaos": try MutexChaosCommands.chaos(&arguments)
        case "heap-random": try ManagedHeapCommands.random(&arguments)
        case "heap-survivor": try ManagedHeapCommands.survivor(&arguments)
        case "heap-victim": try ManagedHeapCommands.victim(&arguments)
        case "heap-lock-die": try ManagedHeapCommands.lockAndDie(&arguments)
        case "heap-create": try ManagedHeapCommands.create(&arguments)
        case "mutex-fuzz": try MutexChaosCommands.fuzz(&arguments)
        case "cond-pingpong": try MutexCommands.pingPong(&arguments)
        case "cond-wait": try MutexCommands.wait(&arguments)
        case "file-lock": try FileLockCommands.lock(&arguments)
        case "file-trylock": try FileLockCommands.tryLock(&arguments)
        case "rw-hold": try RWLockCommands.hold(&arguments)
        case "rw-read-recover": try IdentityCommands.readRecover(&arguments)
        case "rw-chaos": try RWLockChaosCommands.chaos(&arguments)
        case "rw-victim": try RWLockChaosCommands.victim(&arguments)
        case "identity-show": try IdentityCommands.show(&arguments)
        case "main-exits-holding": try MainThreadExitCommands.mainExitsHolding(&arguments)
        case "identity-spsc-hold": try IdentityCommands.spscHold(&arguments)
        case "identity-segment-hang": try IdentityCommands.segmentHang(&arguments)
        case "rw-writer": try RWLockCommands.writer(&arguments)
        case "rw-reader": try RWLockCommands.reader(&arguments)
        case "sem-post": try SemaphoreEventCommands.post(&arguments)
        case "sem-post-each": try AsyncCommands.postEach(&arguments)
        case "sem-wait": try SemaphoreEventCommands.wait(&arguments)
        case "event-wait": try SemaphoreEventCommands.eventWait(&arguments)
        case "event-set": try SemaphoreEventCommands.eventSet(&arguments)
        case "event-reset": try SemaphoreEventCommands.eventReset(&arguments)
        case "sem-take-loop": try ParkingCommands.takeLoop(&arguments)
        case "sem-post-loop": try ParkingCommands.postLoop(&arguments)
        case "cond-wait-until": try ParkingCommands.conditionWaitUntil(&arguments)
        case "broadcast-write": try BroadcastCommands.write(&arguments)
        case "broadcast-stop": try BroadcastCommands.stop(&arguments)
        case "broadcast-read": try BroadcastCommands.read(&arguments)
        case "broadcast-probe": try BroadcastCommands.probe(&arguments)
        case "broadcast-hold": try BroadcastCommands.hold(&arguments)
        case "broadcast-victim": try BroadcastVictimCommands.run(&arguments)
        case "board-write": try BlackboardCommands.write(&arguments)
        case "board-read": try BlackboardCommands.read(&arguments)
        case "board-write-page": try BlackboardPageCommands.write(&arguments)
        case "board-read-entry": try BlackboardPageCommands.read(&arguments)
        case "board-create": try BlackboardCommands.create(&arguments)
        case "board-hold": try BlackboardCommands.hold(&arguments)
        case "board-set": try BlackboardCommands.set(&arguments)
        case "board-wait": try BlackboardCommands.wait(&arguments)
        case "spsc-produce": try QueueCommands.produce(&arguments)
        case "spsc-produce-then-die": try QueueCommands.produceThenDie(&arguments)
        case "spsc-consume": try QueueCommands.consume(&arguments)
        case "spsc-borrow-then-die": try QueueCommands.borrowThenDie(&arguments)
        case "mpmc-produce": try MPMCCommands.produce(&arguments)
        case "mpmc-consume": try MPMCCommands.consume(&arguments)
        case "mpmc-claim-then-die": try MPMCCommands.claimThenDie(&arguments)
        case "mpmc-read-then-die": try MPMCCommands.readThenDie(&arguments)
        case "spsc-receive": try QueueProbeCommands.spscReceive(&arguments)
        case "spsc-send": try QueueProbeCommands.spscSend(&arguments)
        case "mpmc-receive": try QueueProbeCommands.mpmcReceive(&arguments)
        case "mpmc-send": try QueueProbeCommands.mpmcSend(&arguments)
        case "queue-open-wait": try QueueProbeCommands.openWait(&arguments)
        case "queue-victim": try QueueVictimCommands.run(&arguments)
        case "event-chaos-wait": try EventChaosCommands.wait(&arguments)
        case "event-chaos-set": try EventChaosCommands.set(&arguments)
        case "cond-chaos": try ConditionChaosCommands.run(&arguments)
        case "queue-chaos-produce": try QueueChaosCommands.produce(&arguments)
        case "queue-chaos-consume": try QueueChaosCommands.consume(&arguments)
        case "header-victim": try HeaderChaosCommands.run(&arguments)
        case "named-victim": try NamedChaosCommands.run(&arguments)
        case "sem-chaos-take": try SemaphoreChaosCommands.take(&arguments)
        case "sem-chaos-post": try SemaphoreChaosCommands.post(&arguments)
        case "sync-word-victim": try SyncWordChaosCommands.run(&arguments)
        case "named-open": try NamedPrimitiveCommands.open(&arguments)
        case "named-open-or-create": try NamedPrimitiveCommands.openOrCreate(&arguments)
        case "named-create-hold": try NamedPrimitiveCommands.createHold(&arguments)
        case "mutex-exit-holding": try NamedPrimitiveCommands.exitHolding(&arguments)
        case "mutex-scoped": try NamedPrimitiveCommands.scoped(&arguments)
        case "pubsub-publish": try PubSubStreamCommands.publish(&arguments)
        case "pubsub-subscribe": try PubSubStreamCommands.subscribe(&arguments)
        case "pubsub-many": try PubSubStreamCommands.many(&arguments)
        case "pubsub-victim": try PubSubVictimCommands.run(&arguments)
        case "pubsub-chaos-publish": try PubSubChaosCommands.publish(&arguments)
        case "pubsub-chaos-subscribe": try PubSubChaosCommands.subscribe(&arguments)
        case "pubsub-hold": try PubSubProbeCommands.hold(&arguments)
        case "pubsub-write-sample": try PubSubProbeCommands.writeSample(&arguments)
        case "pubsub-grow-after-remove": try PubSubProbeCommands.growAfterRemove(&arguments)
        case "pubsub-open-or-create": try PubSubProbeCommands.openOrCreate(&arguments)
        case "relative-walk": try ObjectsCommands.walk(&arguments)
        case "objects-find": try ObjectsCommands.find(&arguments)
        case "objects-construct": try ObjectsCommands.construct(&arguments)
        case "objects-race": try ObjectsCommands.race(&arguments)
        case "objects-churn": try ObjectsCommands.churn(&arguments)
        case "objects-walk": try ObjectsCommands.walkObjects(&arguments)
        case "objects-grow-walk": try ObjectsCommands.growWalk(&arguments)
        case "containers-write": try ContainersCommands.write(&arguments)
        case "containers-lookup": try ContainersCommands.lookup(&arguments)
        case "containers-churn": try ContainersCommands.churn(&arguments)
        case "containers-produce": try ContainersCommands.produce(&arguments)
        case "rpc-serve": try RequestResponseCommands.serve(&arguments)
        case "rpc-client": try RequestResponseCommands.client(&arguments)
        case "rpc-client-hold": try RequestResponseCommands.clientHold(&arguments)
        case "events-notify": try EventServiceCommands.notify(&arguments)
        case "events-listen": try EventServiceCommands.listen(&arguments)
        case "events-hold": try EventServiceCommands.hold(&arguments)
        case "events-fire": try EventServiceCommands.fire(&arguments)
        case "events-stall": try EventServiceCommands.stall(&arguments)
        case "mirror-receive": try ByteStreamCommands.mirrorReceive(&arguments)
        case "mirror-open": try ByteStreamCommands.mirrorOpen(&arguments)
        case "stream-write": try ByteStreamCommands.write(&arguments)
        case "stream-read": try ByteStreamCommands.read(&arguments)
        case "stream-hold": try ByteStreamCommands.hold(&arguments)
        case "stream-send": try ByteStreamCommands.send(&arguments)
        case "text-read": try ByteStreamCommands.textRead(&arguments)
        case "text-print": try ByteStreamCommands.textPrint(&arguments)
        case "mq-send": try MessageQueueCommands.send(&arguments)
        case "mq-receive": try MessageQueueCommands.receive(&arguments)
        case "mq-die-holding": try MessageQueueCommands.dieHolding(&arguments)
        case "mq-file-send": try MessageQueueCommands.fileSend(&arguments)
        case "array-append": try MappedArrayCommands.append(&arguments)
        case "array-follow": try MappedArrayCommands.follow(&arguments)
        case "array-open": try MappedArrayCommands.open(&arguments)
        case "array-hold": try MappedArrayCommands.hold(&arguments)
        case "array-big": try MappedArrayCommands.big(&arguments)
        case "journal-write": try JournalCommands.write(&arguments)
        case "journal-kill-loop": try JournalCommands.killLoop(&arguments)
        case "journal-follow": try JournalCommands.follow(&arguments)
        case "journal-tail": try JournalCommands.tail(&arguments)
        case "truncation-shm": try TruncationCommands.shm(&arguments)
        case "truncation-spsc": try TruncationCommands.spsc(&arguments)
        case "truncation-journal": try TruncationCommands.journal(&arguments)
        case "truncation-unguarded": try TruncationCommands.unguarded(&arguments)
        case "as-nobody":
            try PrivilegeCommands.dropToNobody()
            try run(&arguments)
        default: throw UsageError("unknown command '\(command)'")
        }
    }

    static func printError(_ text: String) {
        var line = Array(text.utf8)
        if line.last != UInt8(ascii: "\n") { line.append(UInt8(ascii: "\n")) }
        _ = line.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

/// A failure that is not the library's: a system call of the peer itself failed.
struct PeerFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }

    /// A failure of a system call, with errno.
    static func system(_ call: String) -> PeerFailure {
        let number = errno
        return PeerFailure("\(call) failed: \(String(cString: strerror(number))) (errno \(number))")
    }
}
