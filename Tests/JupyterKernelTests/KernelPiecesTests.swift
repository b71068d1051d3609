import Foundation
import Language
import Testing

@testable import JupyterKernel

/// The kernel's smaller parts: the cursor word, history, HTML tables, the kernelspec and logo.
struct KernelPiecesTests {
    /// The word is cut as libedit cuts it at the prompt; the cursor counts code points.
    @Test(arguments: [
        ("pri", 3, "pri", 0, "pri"),
        ("let x = 1\nhead(d, n", 19, "n", 18, "n"),
        ("load(\"data/tw", 13, "data/tw", 6, "tw"),
        ("é + pri", 7, "pri", 4, "pri"),
        ("d.co", 4, "d.co", 0, "co"),
        ("head(", 5, "", 5, "head"),
    ])
    func theWordAtTheCursor(code: String, cursor: Int, word: String, start: Int, name: String) {
        let at = CursorWord(code: code, cursor: cursor)
        #expect(at.word == word)
        #expect(at.wordStart == start)
        #expect(at.name == name)
    }

    @Test func historyAnswersTailRangeAndSearch() {
        var log = HistoryLog()
        for (n, code) in ["1 + 2", "print(1)", "1 + 2", "let x = 3"].enumerated() {
            log.append(line: n + 1, input: code, output: "out\(n + 1)")
        }
        #expect(log.answer(["hist_access_type": "tail", "n": 2]).map { $0[1] as? Int } == [3, 4])
        #expect(log.answer(["hist_access_type": "range", "session": 1, "start": 2, "stop": 4]).count == 2)
        #expect(log.answer(["hist_access_type": "range", "session": 7, "start": 0]).isEmpty)
        #expect(log.answer(["hist_access_type": "search", "pattern": "1 + *"]).count == 2)
        #expect(log.answer(["hist_access_type": "search", "pattern": "1 + *", "unique": true]).count == 1)
        let withOutput = log.answer(["hist_access_type": "tail", "n": 1, "output": true])
        #expect((withOutput[0][2] as? [Any])?.last as? String == "out4")
    }

    @Test func tableCellsAreEscapedIntoHTML() {
        let html = HTMLTable.render(TableOutput(title: "1 row", columns: ["text"], rows: [["<script>&'\"</script>"]]))
        #expect(html.contains("<td>&lt;script&gt;&amp;&#39;&quot;&lt;/script&gt;</td>"))
        #expect(html.contains("<caption>1 row</caption>"))
        #expect(!html.contains("<script>"))
    }

    @Test func theLogoIsAValidPNGAndTheSameEveryTime() {
        let png = KernelLogo.png(size: 64)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(png == KernelLogo.png(size: 64))
        // Each chunk's CRC matches its type and data.
        var offset = 8
        var types: [String] = []
        while offset < png.count {
            let length = png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            let typed = Array(png[(offset + 4)..<(offset + 8 + length)])
            let crc = png[(offset + 8 + length)..<(offset + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(PNGWriter.crc32(typed) == crc)
            types.append(String(decoding: typed.prefix(4), as: UTF8.self))
            offset += 12 + length
        }
        #expect(types == ["IHDR", "IDAT", "IEND"])
        #expect(PNGWriter.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func theKernelspecInstallsAndUninstalls() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-spec-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        let spec = KernelSpec(executable: "/opt/fewshot/bin/fewshot")
        let folder = try spec.install(.prefix(prefix))
        #expect(folder.path == prefix + "/share/jupyter/kernels/fewshot")
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("kernel.json")))
            as? [String: Any]
        #expect(json?["argv"] as? [String] == ["/opt/fewshot/bin/fewshot", "kernel", "-f", "{connection_file}"])
        #expect(json?["language"] as? String == "fewshot")
        #expect(json?["interrupt_mode"] as? String == "message")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("logo-64x64.png").path))
        #expect(try KernelSpec.uninstall(.prefix(prefix))?.path == folder.path)
        #expect(!FileManager.default.fileExists(atPath: folder.path))
        #expect(try KernelSpec.uninstall(.prefix(prefix)) == nil)
        #expect(KernelSpec.folder(.user, environment: ["JUPYTER_DATA_DIR": "/d"]).path == "/d/kernels/fewshot")
        #expect(KernelSpec.folder(.user, environment: ["HOME": "/h"]).path == "/h/.local/share/jupyter/kernels/fewshot")
    }
}
