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

    /// Settings a notebook is not replayed under, and why. Notebook 07 encodes 500 tweets with
    /// MiniLM: 35 s per setting on the AVX2 kernels, 150 s on the portable ones (2-core AMD
    /// EPYC, release). Its portable bits are checked by `miniLMGivesTheSameBitsOnEveryPath`
    /// below, in a few seconds, instead.
    static let notReplayed: [String: Set<Setting>] = ["07-pretrained-encoder.fsnb": [.portable]]

    /// Every notebook under every setting, but those in `notReplayed`.
    static let replays: [(String, Setting)] = notebooks.flatMap { name in
        Setting.allCases.filter { !(notReplayed[name]?.contains($0) ?? false) }.map { (name, $0) }
    }

    @Test(
        .enabled(if: FewshotProcess.binary(release: true) != nil, "no release build (scripts/test builds one)"),
        arguments: replays)
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

    /// Embeddings, a frozen MiniLM head's training and its predictions: the same printed bits
    /// under every setting (what notebook 07 would show under the portable kernels).
    @Test(
        .enabled(if: FewshotProcess.binary(release: true) != nil, "no release build (scripts/test builds one)"))
    func miniLMGivesTheSameBitsOnEveryPath() throws {
        let binary = try #require(FewshotProcess.binary(release: true))
        let script = #"""
            let d = dataset([{text: "I loved this film", label: "pos"}, {text: "what a miserable day", label: "neg"}, {text: "great food", label: "pos"}, {text: "rude staff", label: "neg"}])
            print(embed(d).vectors[0])
            let m = finetune(d, model: "minilm", freeze: true, epochs: 3, curve: false)
            print(m.losses, evaluate(m, d).accuracy)
            let full = finetune(d, model: "minilm", epochs: 1, batch: 2, val: 0, curve: false)
            print(full.losses)
            """#
        var outputs: [Setting: String] = [:]
        for setting in Setting.allCases {
            let result = try FewshotProcess.run(binary, ["-e", script], environment: setting.environment)
            #expect(result.status == 0, "\(setting): \(result.stderr)")
            outputs[setting] = result.stdout.split(separator: "\n").filter { !$0.contains(" steps in ") && !$0.contains("it/s") }
                .joined(separator: "\n")
        }
        #expect(outputs[.standard]!.count > 384 * 5, "\(outputs[.standard]!)")
        #expect(outputs[.oneThread] == outputs[.standard])
        #expect(outputs[.portable] == outputs[.standard])
    }

    @Test func thereAreExampleNotebooks() {
        #expect(Self.notebooks.count >= 5)
    }
}
