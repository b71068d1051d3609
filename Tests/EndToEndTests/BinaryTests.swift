import Foundation
import Testing

/// Runs the real `fewshot` binary (built by `swift build`) on scripts and code.
enum Binary {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `.build/debug/fewshot`, next to the test bundle when possible.
    static let path: String? = {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "fewshot"
        ).path
        let candidates = [besideTests, packageRoot.appendingPathComponent(".build/debug/fewshot").path]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try #require(path, "fewshot binary not built"))
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes fully before waiting, so a chatty child cannot block.
        var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Result(
            status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}

@Suite struct BinaryTests {
    @Test func evaluatesCodeAndPrintsTheValue() throws {
        let r = try Binary.run(["-e", "let x = 20\nx * 2 + 2"])
        #expect(r.status == 0)
        #expect(r.stdout == "42\n")
    }

    @Test func nilResultIsNotPrinted() throws {
        let r = try Binary.run(["-e", "nil"])
        #expect(r.status == 0 && r.stdout.isEmpty)
    }

    @Test func compileErrorExitsWith65AndShowsTheCaret() throws {
        let r = try Binary.run(["-e", "print(add(1 2))"], environment: ["NO_COLOR": "1"])
        #expect(r.status == 65)
        #expect(
            r.stderr == """
                -e:1:13: error: expected ',' or ')' after argument, found '2'
                 1 | print(add(1 2))
                   |             ^
                -e:1:10: note: to match this '('
                 1 | print(add(1 2))
                   |          ^

                """)
    }

    @Test func runtimeErrorExitsWith70WithCallStack() throws {
        let r = try Binary.run(["-e", "fn f(x) => x / 0\nf(1)"])
        #expect(r.status == 70)
        #expect(r.stderr.contains("-e:1:12: error: division by zero"))
        #expect(r.stderr.contains("  in f at -e:2:1"))
        #expect(!r.stderr.contains("\u{1B}["), "no colour when stderr is not a terminal")
    }

    @Test func versionAndHelp() throws {
        // The version, then what the runtime computes on (docs/determinism.md).
        let version = try Binary.run(["--version"], environment: ["FEWSHOT_THREADS": "3"]).stdout
        #expect(version.hasPrefix("fewshot 0."))
        #expect(version.contains("kernels: ") && version.contains("threads: 3"))
        #expect(version.contains("results: deterministic"))
        let forced = try Binary.run(["--version"], environment: ["FEWSHOT_KERNELS": "portable"]).stdout
        #expect(forced.contains("kernels: portable"))
        let help = try Binary.run(["--help"])
        #expect(help.status == 0 && help.stdout.contains("fewshot run") && help.stdout.contains("-e"))
    }

    @Test func missingScriptIsAnError() throws {
        let r = try Binary.run(["run", "/nonexistent/x.shot"])
        #expect(r.status != 0)
        #expect(!r.stderr.isEmpty)
    }

    @Test func pipedInputRunsWithoutPrompts() throws {
        let r = try Binary.run([], stdin: "let x = 2\nx + 1\nprint(\"a\"\n, \"b\")\nnope\n[1, 2]\n")
        // Results of each entry in order, continuation lines joined, the session going on
        // after an error, and no prompt.
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let wanted = ["3", "a b", "[1, 2]"]
        var at = 0
        for line in lines where at < wanted.count && line.hasSuffix(wanted[at]) { at += 1 }
        #expect(at == wanted.count, "stdout: \(r.stdout)")
        #expect(r.stderr.contains("unknown name 'nope'"))
        #expect(!r.stdout.contains("fewshot ["))
        #expect(r.status == 70, "the first failed cell's code (an unknown global is a runtime error at the REPL)")
    }

    /// Piped input exits as `fewshot run` does: 0 when every cell ran, else the first failure's
    /// code (70 for a runtime error) even when later cells succeed.
    @Test func pipedInputExitsWithTheFirstFailuresCode() throws {
        #expect(try Binary.run([], stdin: "print(1)\n").status == 0)
        #expect(try Binary.run([], stdin: "1 / 0\nprint(nope)\nprint(2)\n").status == 70)
    }
}

/// Every conformance script through `fewshot run`: same output, same errors, right exit code.
@Suite struct BinaryConformanceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let path: String
        let name: String
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let root = Binary.packageRoot.appendingPathComponent("Tests/Conformance")
        let fm = FileManager.default
        var out: [Case] = []
        for feature in ((try? fm.contentsOfDirectory(atPath: root.path)) ?? []).sorted() {
            let dir = root.appendingPathComponent(feature)
            for f in ((try? fm.contentsOfDirectory(atPath: dir.path)) ?? []).sorted() where f.hasSuffix(".shot") {
                out.append(Case(path: dir.appendingPathComponent(f).path, name: "\(feature)/\(f)"))
            }
        }
        return out
    }()

    @Test(arguments: cases)
    func script(_ c: Case) throws {
        let source = try String(contentsOfFile: c.path, encoding: .utf8)
        var expectOut: [String] = [], expectErr: [String] = []
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            if let r = line.range(of: "# expect: ") {
                expectOut.append(String(line[r.upperBound...]))
            } else if line.hasSuffix("# expect:") {
                expectOut.append("")
            }
            if let r = line.range(of: "# error: ") { expectErr.append(String(line[r.upperBound...])) }
        }
        // Scripts are confined to their folder under `run`; the conformance scripts test the
        // language, not the confinement (Tests/SecurityTests does), so they may use any file.
        let r = try Binary.run(["run", "--allow-fs", "/", c.path], environment: ["NO_COLOR": "1"])
        var out = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if out.last == "" { out.removeLast() }
        #expect(out == expectOut)
        // Headers look like "PATH:LINE:COL: error: MESSAGE"; compare "LINE:COL: MESSAGE".
        let errors = r.stderr.split(separator: "\n").compactMap { line -> String? in
            guard let e = line.range(of: ": error: ") else { return nil }
            let head = line[..<e.lowerBound].split(separator: ":")
            guard head.count >= 3 else { return nil }
            return "\(head[head.count - 2]):\(head[head.count - 1]): \(line[e.upperBound...])"
        }
        #expect(errors == expectErr)
        let runtime =
            source.contains("errors_runtime") || c.name.hasPrefix("errors_runtime") || c.name == "import/missing.shot"
            || c.name == "import/module_error.shot"
        let expected: Int32 = expectErr.isEmpty ? 0 : (runtime ? 70 : 65)
        #expect(r.status == expected)
    }
}
