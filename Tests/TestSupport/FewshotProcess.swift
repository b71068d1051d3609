import Foundation

/// Runs the real `fewshot` binary and captures what it did: the one process helper of the
/// end-to-end and security tests.
public enum FewshotProcess {
    /// The package's root folder.
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The debug binary that `swift build` makes, or the release one scripts/test builds; nil
    /// when it has not been built.
    public static func binary(release: Bool = false) -> String? {
        let path = packageRoot.appendingPathComponent(".build/\(release ? "release" : "debug")/fewshot").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// The debug binary, or an error saying how to build it.
    public static func builtBinary() throws -> String {
        guard let binary = binary() else {
            throw CocoaError(
                .fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "run `swift build` to make .build/debug/fewshot"])
        }
        return binary
    }

    /// The result of one run.
    public struct Result: Sendable {
        /// The exit status (or the signal's number when it was killed).
        public var status: Int32
        /// Standard output as text.
        public var stdout: String
        /// Standard error as text.
        public var stderr: String
        /// Standard output, byte for byte.
        public var stdoutBytes: Data
        /// Standard error, byte for byte.
        public var stderrBytes: Data
        /// How long it ran.
        public var seconds: Double
    }

    /// Runs `binary arguments...` in `directory` and waits for it.
    ///
    /// The environment is this process's without any `OPENAI_*` variable of the developer's
    /// shell, with `NO_COLOR=1`, and with `environment` added. Standard input is `input`, or
    /// the file `stdinFile`. The process is killed after `timeLimit` seconds when one is given.
    public static func run(
        _ binary: String, _ arguments: [String], input: String = "", directory: URL? = nil,
        environment: [String: String] = [:], stdinFile: URL? = nil, timeLimit: Double? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("OPENAI_") }
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = try stdinFile.map { try FileHandle(forReadingFrom: $0) } ?? stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let started = Date()
        try process.run()
        if let timeLimit {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeLimit) { if process.isRunning { process.terminate() } }
        }
        if stdinFile == nil {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
        let errors = PipeReader(stderr)
        let outData = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errData = errors.wait()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self), stdoutBytes: outData, stderrBytes: errData,
            seconds: Date().timeIntervalSince(started))
    }

    /// A fresh temporary folder.
    public static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class PipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }.start()
    }

    /// Everything the pipe carried, once its writer closed it.
    func wait() -> Data {
        done.wait()
        return data
    }
}
