import Foundation
import TestSupport
import Testing

/// The README's walkthrough really runs. Its ```fewshot samples are typed, in order, into a
/// session of the release binary with the local teacher (as a reader would type them at the
/// prompt), and every ```text block shown right after a sample is what the session printed.
/// They need the model and the tweets that scripts/setup installs, and the release build that
/// scripts/test makes (the debug build is far too slow for the teacher); without them the test
/// is skipped and says so.
@Suite(.enabled(if: ReadmeSample.assetsInstalled, "the local teacher or the tweets are not installed (run scripts/setup)"))
struct ReadmeSamplesTests {
    static let readme = FewshotProcess.packageRoot.appendingPathComponent("README.md")

    @Test(.enabled(if: FewshotProcess.binary(release: true) != nil, "no release build (scripts/test builds one)"))
    func walkthroughRunsAndPrintsWhatTheReadmeShows() throws {
        let binary = try #require(FewshotProcess.binary(release: true))
        let samples = ReadmeSample.extract(from: try String(contentsOf: Self.readme, encoding: .utf8))
        #expect(samples.count >= 2)
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let session = samples.map(\.code).joined(separator: "\n") + "\n"
        let result = try FewshotProcess.run(
            binary, ["new", "readme.fsnb"], input: session, directory: folder, environment: ["OPENAI_API_KEY": ""])
        #expect(result.status == 0, "\(result.stderr)")
        let notebook = try String(contentsOf: folder.appendingPathComponent("readme.fsnb"), encoding: .utf8)
        #expect(!notebook.contains("\n--- error"), "a README sample failed:\n\(result.stderr)")
        // The session notebook the walkthrough saved replays offline, every output the same.
        let checked = try FewshotProcess.run(binary, ["check", "readme.fsnb"], directory: folder)
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        for sample in samples {
            guard let shown = sample.shownOutput else { continue }
            #expect(
                result.stdout.contains(shown),
                "README line \(sample.line): the output shown is not what the sample printed:\n\(result.stdout)")
        }
    }

    /// The docs' samples marked `needs-model` (they ask a teacher), run with everything before
    /// them in their document: the local teacher for `teacher()`, the fixture server on
    /// 127.0.0.1 standing in for a priced server (`OPENAI_BASE_URL`).
    @Test(.enabled(if: FewshotProcess.binary(release: true) != nil, "no release build (scripts/test builds one)"))
    func docSamplesThatAskATeacherRun() throws {
        let binary = try #require(FewshotProcess.binary(release: true))
        let docs = FewshotProcess.packageRoot.appendingPathComponent("docs")
        let names = try FileManager.default.contentsOfDirectory(atPath: docs.path).filter { $0.hasSuffix(".md") }.sorted()
        let server = try TeacherLoopTests.FixtureServer()
        var ran = 0
        for name in names where name != "language.md" {
            let text = try String(contentsOf: docs.appendingPathComponent(name), encoding: .utf8)
            guard text.contains("```fewshot needs-model") else { continue }
            let folder = try FewshotProcess.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let session = ReadmeSample.extract(from: text).map(\.code).joined(separator: "\n") + "\n"
            let result = try FewshotProcess.run(
                binary, ["new", "doc.fsnb"], input: session, directory: folder,
                environment: ["OPENAI_BASE_URL": "http://127.0.0.1:\(server.port)/v1", "OPENAI_API_KEY": "sk-docs-sample"])
            #expect(result.status == 0, "docs/\(name): \(result.stderr)")
            let notebook = try String(contentsOf: folder.appendingPathComponent("doc.fsnb"), encoding: .utf8)
            #expect(!notebook.contains("\n--- error"), "a sample of docs/\(name) failed:\n\(result.stderr)")
            ran += 1
        }
        #expect(ran >= 2, "docs/glossary.md and docs/teacher.md have samples that ask a teacher")
    }

    @Test func samplesAndTheirShownOutputAreFound() {
        let text =
            "a\n```fewshot\nlet x = 1\nx\n```\n\n```text\n1\n```\nprose\n```fewshot\nprint(2)\n```\nmore\n```text\nnot shown\n```\n"
        let samples = ReadmeSample.extract(from: text)
        #expect(samples.map(\.code) == ["let x = 1\nx", "print(2)"])
        #expect(samples.map(\.shownOutput) == ["1\n", nil], "only a text block right after a sample is its output")
        #expect(samples.map(\.line) == [3, 12])
    }
}

/// A ```fewshot sample of the README, with the output shown right after it, if any.
struct ReadmeSample {
    /// The code inside the fence.
    var code: String
    /// The line of the code's first line (1-based).
    var line: Int
    /// The text of a ```text block that follows the sample with only blank lines between.
    var shownOutput: String?

    /// Whether the local teacher's model and the tweets are installed.
    static var assetsInstalled: Bool {
        let home = ProcessInfo.processInfo.environment["FEWSHOT_HOME"] ?? (NSHomeDirectory() + "/.cache/fewshot")
        return ["/models/SmolLM2-135M-Instruct.Q4_1.gguf", "/data/tweets.csv"].allSatisfy {
            FileManager.default.fileExists(atPath: home + $0)
        }
    }

    /// The samples of a markdown document, in order.
    static func extract(from markdown: String) -> [ReadmeSample] {
        var samples: [ReadmeSample] = []
        var fence: (kind: String, lines: [String], line: Int)?
        var afterSample = false  // only blank lines since the last sample's fence closed
        for (index, line) in markdown.components(separatedBy: "\n").enumerated() {
            if var open = fence {
                guard line.hasPrefix("```") else {
                    open.lines.append(line)
                    fence = open
                    continue
                }
                let body = open.lines.joined(separator: "\n")
                if open.kind.hasPrefix("fewshot") {
                    samples.append(ReadmeSample(code: body, line: open.line))
                } else if open.kind == "text", afterSample {
                    samples[samples.count - 1].shownOutput = body + "\n"
                }
                afterSample = open.kind.hasPrefix("fewshot")
                fence = nil
            } else if line.hasPrefix("```") {
                fence = (String(line.dropFirst(3)), [], index + 2)
            } else if !line.trimmingCharacters(in: .whitespaces).isEmpty {
                afterSample = false
            }
        }
        return samples
    }
}
