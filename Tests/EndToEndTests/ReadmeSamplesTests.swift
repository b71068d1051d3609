import Foundation
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

    @Test func walkthroughRunsAndPrintsWhatTheReadmeShows() throws {
        guard let binary = FewshotProcess.binary(release: true) else {
            print("skipped the README walkthrough: no release build (scripts/test builds one)")
            return
        }
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
        for sample in samples {
            guard let shown = sample.shownOutput else { continue }
            #expect(
                result.stdout.contains(shown),
                "README line \(sample.line): the output shown is not what the sample printed:\n\(result.stdout)")
        }
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
                if open.kind == "fewshot" {
                    samples.append(ReadmeSample(code: body, line: open.line))
                } else if open.kind == "text", afterSample {
                    samples[samples.count - 1].shownOutput = body + "\n"
                }
                afterSample = open.kind == "fewshot"
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
