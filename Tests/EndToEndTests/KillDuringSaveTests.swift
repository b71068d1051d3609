import Foundation
import TestSupport
import Testing

/// SIGKILL the real binary while it saves each kind of file (model, dataset, `write_text`,
/// `run --save`, `export`): every target must then be absent, the old complete file or the new
/// complete one, and the next save into the folder must leave no temporary file behind.
@Suite(.serialized) struct KillDuringSaveTests {
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Starts `fewshot arguments` in `directory`, kills it with SIGKILL after `delay` seconds.
    func killed(_ binary: String, _ arguments: [String], in directory: URL, after delay: Double) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(UInt32(delay * 1e6))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func temporaries(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".tmp-") }
    }

    /// Whether `bytes` are a whole safetensors file: the header's last data offset is the end.
    func completeSafetensors(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 8 else { return false }
        let length = Int(bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        guard 8 + length <= bytes.count,
            let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any]
        else { return false }
        let end = header.values.compactMap { ($0 as? [String: Any])?["data_offsets"] as? [Int] }.map { $0[1] }.max() ?? 0
        return 8 + length + end == bytes.count
    }

    @Test func killedScriptSavesLeaveWholeFiles() throws {
        guard let binary = FewshotProcess.binary() else { return }
        let directory = try folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = """
            let m = finetune(dataset([{text: "great", label: "pos"}, {text: "awful", label: "neg"}]), model: "classifier", epochs: 1, context: 16, val: 0)
            let rows = dataset(map(range(2000), fn(i) => {text: "row number " + str(i), label: "x"}))
            for i in range(1000000) {
              save(m, "m.safetensors")
              save(rows, "d.jsonl")
              write_text("t.txt", "line\\n" * 20000)
            }
            """
        try script.write(to: directory.appendingPathComponent("s.shot"), atomically: true, encoding: .utf8)
        var checked = 0
        for delay in [0.6, 1.4, 2.2, 3.0, 3.8] {
            try killed(binary, ["run", "s.shot"], in: directory, after: delay)
            if let model = FileManager.default.contents(atPath: directory.appendingPathComponent("m.safetensors").path) {
                #expect(completeSafetensors(Array(model)), "model after kill at \(delay) s")
                checked += 1
            }
            if let rows = FileManager.default.contents(atPath: directory.appendingPathComponent("d.jsonl").path) {
                let lines = String(decoding: rows, as: UTF8.self).split(separator: "\n")
                #expect(lines.count == 2000 && rows.last == 0x0A, "dataset after kill at \(delay) s")
                checked += 1
            }
            if let text = FileManager.default.contents(atPath: directory.appendingPathComponent("t.txt").path) {
                #expect(text.count == 100_000, "write_text after kill at \(delay) s")
                checked += 1
            }
        }
        // The next save into the folder removes what the killed saves left.
        let next = try FewshotProcess.run(binary, ["-e", "write_text(\"z.txt\", \"z\")"], directory: directory)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try temporaries(directory) == [])
        print("kill during save: \(checked) files checked whole after 5 kills")
        #expect(checked > 0)
    }

    @Test func killedNotebookSaveAndExportLeaveWholeFiles() throws {
        guard let binary = FewshotProcess.binary() else { return }
        let directory = try folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        var text = "fsnb 1.0\n"
        for i in 0..<400 { text += "\n=== code id=c\(i)\n| print(\(i))\n" }
        let original = Array(text.utf8)
        try Data(original).write(to: directory.appendingPathComponent("nb.fsnb"))
        for delay in [0.2, 0.5, 0.9, 1.4, 2.0] {
            try killed(binary, ["run", "nb.fsnb", "--save"], in: directory, after: delay)
            let now = try Array(Data(contentsOf: directory.appendingPathComponent("nb.fsnb")))
            let whole =
                now == original || (now.starts(with: Array("fsnb 2.0\n".utf8)) && now.suffix(9) == Array("\n=== end\n".utf8))
            #expect(whole, "notebook after kill at \(delay) s")
            try killed(binary, ["export", "nb.fsnb", "--to", "md", "-o", "nb.md"], in: directory, after: delay / 4)
            if let md = FileManager.default.contents(atPath: directory.appendingPathComponent("nb.md").path) {
                #expect(String(decoding: md, as: UTF8.self).contains("print(399)"), "export after kill at \(delay / 4) s")
            }
        }
        let next = try FewshotProcess.run(binary, ["export", "nb.fsnb", "--to", "md", "-o", "again.md"], directory: directory)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try temporaries(directory) == [])
    }
}
