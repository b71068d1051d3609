import Foundation
import Testing

@testable import Notebook

/// `.fsnb` → `.ipynb` → `.fsnb` keeps the cells, their outputs and the teacher recording; and
/// what the Jupyter kernel writes (results, tables, progress displays) comes back as
/// `fewshot run` keeps it.
struct IpynbImportTests {
    static func sample() -> Notebook {
        var code = Cell(id: "c1", kind: .code, source: "print(1)\nlet d = 2")
        code.outputs = [
            .stream(.stdout, "1\nsecond line\n"), .stream(.stderr, "careful\n"), .table("┌─┐\n│a│\n└─┘\n"),
            .svg("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), .png([1, 2, 3, 250]),
            .error(message: "boom", diagnostic: "cell-1:1:1: error: boom\n 1 | x\n   | ^\n"),
        ]
        code.executionCount = 1
        code.duration = 0.25
        let text = Cell(id: "t1", kind: .text, source: "# Title\nsome *text*")
        return Notebook(
            metadata: NotebookMetadata(
                fewshotVersion: "0.9.0", teacher: TeacherConfiguration(model: "m", baseURL: "http://x/v1")),
            cells: [text, code], teacherRecording: TeacherRecording(content: Array("{\"fewshot-recordings\":1}\n".utf8)))
    }

    @Test func aRoundTripThroughIpynbKeepsEverything() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = Self.sample()
        let path = folder.appendingPathComponent("nb.ipynb").path
        try original.export(to: .ipynb, path: path)
        let back = try Notebook.importIpynb(from: path)
        #expect(back.cells == original.cells)
        #expect(back.metadata.teacher == original.metadata.teacher)
        #expect(back.metadata.fewshotVersion == "0.9.0")
        #expect(back.teacherRecording?.content == original.teacherRecording?.content)
    }

    @Test func whatTheKernelWritesComesBackAsFewshotKeepsIt() throws {
        let json = """
            {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
             {"cell_type": "code", "id": "k1", "execution_count": 3, "metadata": {}, "source": ["print(1)\\n", "2 + 1"],
              "outputs": [
               {"output_type": "stream", "name": "stdout", "text": "1\\n"},
               {"output_type": "display_data", "data": {"text/plain": ""}, "metadata": {"fewshot": {"output": "progress"}}},
               {"output_type": "execute_result", "execution_count": 3, "data": {"text/plain": "3"}, "metadata": {}},
               {"output_type": "execute_result", "execution_count": 3, "data": {"text/plain": "┌┐\\n", "text/html": "<table/>"},
                "metadata": {"fewshot": {"output": "table"}}}
              ]},
             {"cell_type": "raw", "id": "bad id!", "metadata": {}, "source": "raw text"}
            ]}
            """
        let notebook = try Notebook.importIpynb(Array(json.utf8), source: "k.ipynb")
        #expect(notebook.cells[0].source == "print(1)\n2 + 1")
        #expect(notebook.cells[0].outputs == [.stream(.stdout, "1\n3\n"), .table("┌┐\n")])
        #expect(notebook.cells[0].executionCount == 3)
        #expect(notebook.cells[1].kind == .text)
        #expect(Cell.isValidID(notebook.cells[1].id))
    }

    @Test(arguments: ["", "[]", "{\"nbformat\": 3, \"cells\": []}", "{\"nbformat\": 4, \"cells\": [1]}", "not json"])
    func notANotebookIsAClearError(text: String) {
        #expect(throws: NotebookError.self) { try Notebook.importIpynb(Array(text.utf8), source: "x.ipynb") }
    }
}
