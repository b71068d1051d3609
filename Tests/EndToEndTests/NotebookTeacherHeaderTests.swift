import Foundation
import TestSupport
import Testing

/// A saved notebook names the teacher its cells set up (model and server), never a secret that
/// rode along in the URL.
@Suite struct NotebookTeacherHeaderTests {
    @Test func theHeaderNamesTheTeacherWithoutCredentials() throws {
        let binary = try #require(FewshotProcess.binary(), "swift build makes .build/debug/fewshot")
        let folder = try FewshotProcess.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try FewshotProcess.run(
            binary, ["new", "t.fsnb"],
            input: #"let t = teacher("qwen2.5-7b-instruct", base_url: "http://me:hunter2@127.0.0.1:9/v1?api_key=sk-in-url")"#
                + "\n",
            directory: folder, environment: ["HOME": folder.path, "XDG_STATE_HOME": folder.appendingPathComponent("state").path])
        #expect(result.status == 0, "\(result.stderr)")
        let saved = try String(contentsOf: folder.appendingPathComponent("t.fsnb"), encoding: .utf8)
        #expect(saved.contains("teacher-model: qwen2.5-7b-instruct\n"), "\(saved)")
        #expect(saved.contains("teacher-base-url: http://127.0.0.1:9/v1\n"), "\(saved)")
        let header = saved.components(separatedBy: "\n===").first ?? ""
        #expect(!header.contains("hunter2") && !header.contains("sk-in-url"), "\(header)")
    }
}
