import Foundation
import Testing

/// Runs the real `fewshot` binary (built next to this test bundle) and collects what it did.
struct FewshotProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var stdoutBytes: Data
        var stderrBytes: Data
        var seconds: Double
    }

    /// `.build/<config>/fewshot`: the folder holding this test's resource bundle holds it too.
    static var binary: URL {
        Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("fewshot")
    }

    /// Runs `fewshot arguments...` in `directory` with `environment` added to a clean one
    /// (no `OPENAI_*` from the developer's shell), standard input empty or read from `stdinFile`;
    /// killed after `timeLimit` seconds when one is given.
    static func run(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:], stdinFile: URL? = nil,
        timeLimit: Double? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("OPENAI_") }
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = try stdinFile.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
        let started = Date()
        try process.run()
        if let timeLimit {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeLimit) { if process.isRunning { process.terminate() } }
        }
        // Read both pipes while it runs so a chatty process cannot block on a full pipe.
        var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1_000) }
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self), stdoutBytes: outData, stderrBytes: errData,
            seconds: Date().timeIntervalSince(started))
    }
}

/// A scratch layout for one test: `work/` (the notebook's folder) next to `outside/`, which
/// holds a secret the code must not reach.
final class Sandbox {
    let root: URL
    let work: URL
    let outside: URL
    static let secret = "TOP-SECRET-\(UUID().uuidString)"

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-security-\(UUID().uuidString)")
        work = root.appendingPathComponent("work")
        outside = root.appendingPathComponent("outside")
        for folder in [work, outside] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try Sandbox.secret.write(to: outside.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Copies the hostile file `name` from Tests/SecurityTests/Hostile into `work/`.
    @discardableResult
    func copyHostile(_ name: String) throws -> URL {
        let source = Bundle.module.resourceURL!.appendingPathComponent("Hostile/\(name)")
        let target = work.appendingPathComponent(name)
        try FileManager.default.copyItem(at: source, to: target)
        return target
    }

    /// What a hostile file says it expects: its `# expect: ...` lines.
    static func expectations(of name: String) throws -> [String] {
        let text = try String(contentsOf: Bundle.module.resourceURL!.appendingPathComponent("Hostile/\(name)"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            line.hasPrefix("# expect: ") ? String(line.dropFirst("# expect: ".count)) : nil
        }
    }
}

/// The byte of ESC (0x1B): terminal control sequences start with it.
let escapeByte: UInt8 = 0x1B
