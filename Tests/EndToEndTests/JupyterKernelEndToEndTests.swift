import Foundation
import TestSupport
import Testing

/// The Jupyter kernel (`fewshot kernel`) driven by Jupyter's own tools, through
/// scripts/jupyter-conformance: jupyter_kernel_test's conformance suite with every sample it
/// supports plus interrupt, bad-signature, heartbeat and shutdown tests, and nbclient running
/// an exported example notebook offline. The venv comes from
/// `bash scripts/jupyter-conformance --setup` (scripts/test runs it).
@Suite(.serialized) struct JupyterKernelEndToEndTests {
    static let venv =
        ProcessInfo.processInfo.environment["FEWSHOT_JUPYTER_VENV"]
        ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/fewshot-test/jupyter-venv").path

    static var ready: Bool { FileManager.default.isExecutableFile(atPath: venv + "/bin/jupyter") }

    static func script(_ arguments: [String]) throws -> FewshotProcess.Result {
        try FewshotProcess.run(
            "/bin/bash", [FewshotProcess.packageRoot.appendingPathComponent("scripts/jupyter-conformance").path] + arguments,
            directory: FewshotProcess.packageRoot, environment: ["FEWSHOT_JUPYTER_VENV": venv])
    }

    /// Every conformance test passes and none is skipped for a missing sample.
    @Test(.enabled(if: ready, "no Jupyter venv (run: bash scripts/jupyter-conformance --setup)"))
    func theConformanceSuitePasses() throws {
        let binary = try #require(FewshotProcess.binary())
        let result = try Self.script(["kernel", binary])
        let output = result.stdout + result.stderr
        #expect(result.status == 0, "\(output)")
        let ran = output.split(separator: "\n").first { $0.hasPrefix("Ran ") } ?? ""
        #expect(ran.hasPrefix("Ran 22 tests"), "\(output)")
        #expect(output.contains("\nOK\n") || output.hasSuffix("\nOK"), "\(output)")
        #expect(!output.contains("skipped"), "\(output)")
    }

    /// nbconvert --execute runs an exported example notebook through the kernel offline, and
    /// the imported result has `fewshot run`'s outputs.
    @Test(.enabled(if: ready, "no Jupyter venv (run: bash scripts/jupyter-conformance --setup)"))
    func nbclientRunsAnExportedNotebookLikeFewshotRun() throws {
        let binary = try #require(FewshotProcess.binary())
        let result = try Self.script(["nbclient", binary])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("all 6 code cells match"), "\(result.stdout)\(result.stderr)")
    }
}
