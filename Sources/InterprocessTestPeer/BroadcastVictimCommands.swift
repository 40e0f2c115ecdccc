import Interprocess

#if canImport(Glibc)
import Glibc
#endif

/// `broadcast-victim NAME MILLISECONDS SEED`: the stream's side of the randomized mutation
/// test. For MILLISECONDS it makes readers (at random starts) and receives with try forms and
/// short deadlines, and now and then takes the writer's place and sends, while the test rewrites
/// the stream's words and ring under it. Every call must return, with a record within the
/// stream's limits, nothing, or a typed error; a trap is the test's to see (a signal), a hang
/// too (the test kills it). Prints "ops N records R errors E (corrupt C)".
enum BroadcastVictimCommands {
    static func run(_ arguments: inout Arguments) throws {
        let name = try arguments.next("NAME")
        let milliseconds = try arguments.nextInt("MILLISECONDS")
        var random = PeerRandom(seed: UInt64(try arguments.nextInt("SEED")))
        let stream = try BroadcastStream(open: name)
        let starts: [BroadcastStream.StartPosition] = [.oldest, .latest, .next]
        let end = ContinuousClock.now + .milliseconds(milliseconds)
        var operations = 0, records = 0, errors = 0, corrupt = 0
        func count(_ error: InterprocessError) {
            errors += 1
            if error.code == .corrupt { corrupt += 1 }
        }
        while ContinuousClock.now < end {
            operations += 1
            if random.next() % 4 == 0 {
                do throws(InterprocessError) {
                    var writer = try stream.makeWriter()
                    for _ in 0..<(random.next() % 50) {
                        try writer.send(contentsOf: [UInt8](repeating: 7, count: Int(random.next() % UInt64(stream.maximumRecordSize + 1))))
                    }
                } catch { count(error) }
                continue
            }
            do throws(InterprocessError) {
                var reader = try stream.makeReader(startingAt: starts[Int(random.next() % 3)])
                for _ in 0..<(random.next() % 200) {
                    let length: Int? = random.next() % 2 == 0
                        ? try reader.tryReceive { $0.byteCount }
                        : try reader.receive(until: .after(.microseconds(Int64(random.next() % 2_000)))) { $0.byteCount }
                    guard let length else { break }
                    if length > stream.maximumRecordSize {
                        print("a record of \(length) bytes, past the limit")
                        exit(3)
                    }
                    records += 1
                }
            } catch {
                if error.code != .timedOut { count(error) }
            }
        }
        print("ops \(operations) records \(records) errors \(errors) (corrupt \(corrupt))")
    }
}
