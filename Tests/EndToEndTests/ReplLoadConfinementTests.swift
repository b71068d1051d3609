import Foundation
import TestSupport
import Testing

/// A notebook opened at the REPL (`:load`) may come from elsewhere: its cells run confined to
/// its own folder, as under `fewshot run`, while what the user types next is not.
@Suite struct ReplLoadConfinementTests {
    @Test func aLoadedNotebooksCellsCannotReadOutsideItsFolderButTypedCodeCan() throws {
        let binary = try #require(FewshotProcess.binary(), "swift build makes .build/debug/fewshot")
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "top secret".write(to: folder.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("downloads"), withIntermediateDirectories: true)
        let environment = ["HOME": folder.path, "XDG_STATE_HOME": folder.appendingPathComponent("state").path]
        // A notebook whose cell reads a file beside the folder it will be kept in.
        let written = try FewshotProcess.run(
            binary, [], input: "let stolen = read_text(\"secret.txt\")\n:save downloads/evil.fsnb\n",
            directory: folder, environment: environment)
        #expect(written.stdout.contains("saved 1 cells to downloads/evil.fsnb"), "\(written.stdout)\(written.stderr)")

        let opened = try FewshotProcess.run(
            binary, [], input: ":load downloads/evil.fsnb\n:show 1\nprint(stolen)\nprint(read_text(\"secret.txt\"))\n",
            directory: folder, environment: environment)
        #expect(opened.stdout.contains("loaded downloads/evil.fsnb: ran 1 code cells"), "\(opened.stdout)")
        #expect(opened.stdout.contains("secret.txt"), ":show 1 shows the refusal naming the path: \(opened.stdout)")
        #expect(opened.stdout.contains("outside"), "\(opened.stdout)")
        #expect(opened.stderr.contains("unknown name 'stolen'"), "the loaded cell read nothing: \(opened.stderr)")
        #expect(opened.stdout.hasSuffix("top secret\n"), "code typed at the REPL is not confined: \(opened.stdout)")
    }
}
