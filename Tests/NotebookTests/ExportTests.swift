import Foundation
import Testing

@testable import Notebook

@Suite struct ExportTests {
    func sample() throws -> Notebook {
        var notebook = Notebook(
            metadata: NotebookMetadata(
                fewshotVersion: "0.1.0", teacher: TeacherConfiguration(model: "gpt-4o-mini", baseURL: "http://localhost:8080/v1"))
        )
        try notebook.append(Cell(id: "intro", kind: .text, source: "# Ten shots\nA *short* tour."))
        try notebook.append(
            Cell(
                id: "c-1", kind: .code, source: "let x = 1\nprint(x)",
                outputs: [.stream(.stdout, "1\n"), .stream(.stderr, "warning: slow\n"), .table("│ a │\n")],
                executionCount: 1, duration: 0.5))
        try notebook.append(
            Cell(
                id: "c_2", kind: .code, source: "plot(x)",
                outputs: [.svg("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), .png([0x89, 0x50, 0x4E, 0x47])],
                executionCount: 2))
        try notebook.append(
            Cell(
                id: "c3", kind: .code, source: "pritn(1)",
                outputs: [
                    .error(
                        message: "unknown name 'pritn'",
                        diagnostic: "cell-3:1:1: error: unknown name 'pritn'\n 1 | pritn(1)\n   | ^\n")
                ],
                executionCount: 3))
        try notebook.append(Cell(id: "c4", kind: .code, source: "```\n````"))
        return notebook
    }

    @Test func ipynbHasTheNbformatShape() throws {
        let json = try sample().export(to: .ipynb)
        let document = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        #expect(document["nbformat"] as? Int == 4)
        #expect(document["nbformat_minor"] as? Int == 5)
        let cells = document["cells"] as! [[String: Any]]
        #expect(cells.map { $0["id"] as! String } == ["intro", "c-1", "c_2", "c3", "c4"])
        #expect(cells.map { $0["cell_type"] as! String } == ["markdown", "code", "code", "code", "code"])
        #expect(cells[1]["source"] as! [String] == ["let x = 1\n", "print(x)"])
        let outputs = cells[1]["outputs"] as! [[String: Any]]
        #expect(outputs.map { $0["output_type"] as! String } == ["stream", "stream", "display_data"])
        #expect(outputs[1]["name"] as? String == "stderr")
        let png = (cells[2]["outputs"] as! [[String: Any]])[1]["data"] as! [String: Any]
        #expect(png["image/png"] as? String == "iVBORw==")
        let error = (cells[3]["outputs"] as! [[String: Any]])[0]
        #expect(error["evalue"] as? String == "unknown name 'pritn'")
        #expect(error["traceback"] as! [String] == ["cell-3:1:1: error: unknown name 'pritn'", " 1 | pritn(1)", "   | ^"])
        #expect(cells[4]["execution_count"] is NSNull)
        let kernel = (document["metadata"] as! [String: Any])["kernelspec"] as! [String: String]
        #expect(kernel["name"] == "fewshot")
    }

    @Test func formatNames() {
        #expect(ExportFormat(name: "md") == .markdown)
        #expect(ExportFormat(name: "ipynb") == .ipynb)
        #expect(ExportFormat(name: "pdf") == nil)
    }

    @Test func markdownFencesCodeAndOutputs() throws {
        let markdown = try sample().export(to: .markdown)
        #expect(markdown.hasPrefix("# Ten shots\nA *short* tour.\n\n```fewshot\nlet x = 1\nprint(x)\n```\n\n```text\n1\n```\n"))
        #expect(markdown.contains("<img alt=\"image\" src=\"data:image/png;base64,iVBORw==\">"))
        #expect(markdown.contains("```text\ncell-3:1:1: error: unknown name 'pritn'\n 1 | pritn(1)\n   | ^\n```"))
        #expect(markdown.hasSuffix("`````fewshot\n```\n````\n`````\n"))
    }

    /// The venv with nbformat that scripts/validate-ipynb sets up.
    static let venv =
        ProcessInfo.processInfo.environment["FEWSHOT_TEST_VENV"]
        ?? FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/fewshot-test/venv"

    /// Runs nbformat's validator (scripts/validate-ipynb) on exports of the sample and of
    /// hostile notebooks.
    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: venv + "/bin/python"),
            "no nbformat venv (run: bash scripts/validate-ipynb --setup)"))
    func nbformatValidatorAcceptsExports() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let venv = Self.venv
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fsnb-ipynb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths = [directory.appendingPathComponent("sample.ipynb").path]
        try sample().export(to: .ipynb, path: paths[0])
        for seed in UInt64(1)...5 {
            var rng = SeededGenerator(seed: seed)
            let path = directory.appendingPathComponent("hostile-\(seed).ipynb").path
            try hostileNotebook(&rng, cells: 12).export(to: .ipynb, path: path)
            paths.append(path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [root.appendingPathComponent("scripts/validate-ipynb").path] + paths
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.components(separatedBy: "valid nbformat 4.5").count == paths.count + 1, "\(output)")
    }
}
