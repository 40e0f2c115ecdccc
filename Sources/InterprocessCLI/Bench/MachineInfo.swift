import Foundation

/// The machine a run measured, for the report.
struct MachineInfo: Codable {
    /// The first `model name` in /proc/cpuinfo.
    var cpuModel: String
    /// Online logical CPUs.
    var logicalCPUs: Int
    /// `uname -sr`.
    var kernel: String

    static func current() -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        var names = utsname()
        uname(&names)
        let field: (UnsafeRawPointer) -> String = { String(cString: $0.assumingMemoryBound(to: CChar.self)) }
        let system = withUnsafeBytes(of: names.sysname) { field($0.baseAddress!) }
        let release = withUnsafeBytes(of: names.release) { field($0.baseAddress!) }
        return MachineInfo(cpuModel: model, logicalCPUs: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), kernel: "\(system) \(release)")
    }
}
