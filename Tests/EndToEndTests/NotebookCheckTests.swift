import Foundation
import TestSupport
import Testing

/// The example notebooks replay offline, from their recorded teacher answers, and print what
/// they printed when they were made, under other thread counts and kernel paths too (the
/// numbers depend on the notebook only: docs/determinism.md). They train models, so they run
/// in the release build that scripts/test makes; without it (a plain `swift test`) the check
/// is skipped and says so.
@Suite struct NotebookCheckTests {
    /// How the replaying process computes: the machine's defaults, one thread, the portable
    /// kernels (on two threads; on a CPU without AVX2 that is the default already).
    enum Setting: String, CaseIterable, Sendable {
        case standard, oneThread, portable

        var environment: [String: String] {
            switch self {
            case .standard: [:]
            case .oneThread: ["FEWSHOT_THREADS": "1"]
            case .portable: ["FEWSHOT_KERNELS": "portable", "FEWSHOT_THREADS": "2"]
            }
        }
    }

    static let notebooks: [String] = {
        let folder = FewshotProcess.packageRoot.appendingPathComponent("notebooks")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".fsnb") }.sorted()
    }()

    @Test(
        .enabled(if: FewshotProcess.binary(release: true) != nil, "no release build (scripts/test builds one)"),
        arguments: notebooks, Setting.allCases)
    func exampleNotebookReplaysExactly(name: String, setting: Setting) throws {
        let binary = try #require(FewshotProcess.binary(release: true))
        let folder = FewshotProcess.packageRoot.appendingPathComponent("notebooks")
        // A shipped notebook is recorded (`fewshot run NB --live --save` once, with the teacher):
        // one without outputs is a mistake, not a reason to pass.
        let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        #expect(text.contains("\n--- "), "\(name) is not recorded: run it once with --live --save")
        let result = try FewshotProcess.run(
            binary, ["check", name], directory: folder, environment: setting.environment.merging(["OPENAI_API_KEY": ""]) { $1 })
        #expect(result.status == 0, "\(setting): \(result.stdout)\(result.stderr)")
    }

    @Test func thereAreExampleNotebooks() {
        #expect(Self.notebooks.count >= 5)
    }
}
