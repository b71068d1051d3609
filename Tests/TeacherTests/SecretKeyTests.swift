import Foundation
import TestSupport
import Testing

@testable import Teacher

/// The API key is sent to the server and nowhere else: not in errors, descriptions or files.
@Suite struct SecretKeyTests {
    @Test func theKeyAppearsInNoFileOrMessage() throws {
        let secret = "sk-fixture-\(UUID().uuidString)"
        let variable = "FEWSHOT_TEST_KEY_\(UInt32.random(in: 0...UInt32.max))"
        setenv(variable, secret, 1)
        defer { unsetenv(variable) }
        let server = try FixtureServer()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-secret-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let storePath = directory.appendingPathComponent("session.fsrec").path
        let http = try fastTeacher(server, timeout: 2, maxRetries: 1, keyEnv: variable)
        let teacher = RecordingTeacher(wrapping: http, store: try RecordingStore(path: storePath))
        let requests = [
            userRequest("plain"),
            userRequest("#fault=status #status=401 #echo-auth=1 who am i"),
            userRequest("#fault=status #status=503 #echo-auth=1 flaky"),
            userRequest("#fault=malformed garbled"),
        ]
        let results = teacher.complete(requests, progress: nil, isCancelled: { false })
        var pieces: [String] = []
        _ = try teacher.stream(userRequest("streamed"), onToken: { pieces.append($0) }, isCancelled: { false })
        try teacher.store.write(to: directory.appendingPathComponent("copy.fsrec").path)
        try teacher.store.serialized().write(to: directory.appendingPathComponent("embedded.bin"))

        // The key did reach the server...
        #expect(try server.stats().authorization == "Bearer \(secret)")
        // ...the server echoed it back in its error messages, and we scrubbed it.
        let errors = results.compactMap(teacherError)
        #expect(errors.count == 3)
        #expect(errors[0].description.contains("[redacted]"))
        var texts = errors.map(\.description) + [teacher.summary, http.summary, "\(http.configuration)"]
        var dumped = ""
        dump(http, to: &dumped)
        dump(teacher, to: &dumped)
        texts.append(dumped)
        for text in texts { #expect(!text.contains(secret), "the key leaked into: \(text)") }
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let bytes = try Data(contentsOf: directory.appendingPathComponent(file))
            #expect(!bytes.isEmpty)
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "the key was written to \(file)")
        }
    }
}
