import Foundation
import Teacher

/// Plain requests to an OpenAI-compatible server's job endpoints (`/files`, `/batches`,
/// `/fine_tuning/jobs`), one at a time, over the same libcurl engine as `HTTPTeacher`.
///
/// The key is read from the teacher's variable for each request and sent only to the
/// configured `baseURL`; any text of the server's that reaches an error has it scrubbed.
///
/// ```swift
/// let client = try JobsClient(configuration)
/// let file = try client.uploadFile(Array(jsonl.utf8), filename: "in.jsonl", purpose: "batch")
/// ```
public final class JobsClient {
    /// The settings of the teacher whose server runs the jobs (no key in them).
    public let configuration: HTTPTeacherConfiguration
    private let engine: HTTPEngine
    private let lock = NSLock()

    /// A client of the server `configuration` names.
    public init(_ configuration: HTTPTeacherConfiguration) throws {
        self.configuration = configuration
        do {
            engine = try HTTPEngine()
        } catch {
            throw TeacherError(.configuration, "could not set up libcurl: \(error)")
        }
    }

    /// `id` (a file, batch or job id from the server or the journal) when it is one: 1 to 256 of
    /// letters, digits, `-`, `_`, `.` and `:`. Anything else (a slash, a space, a `?`) would be
    /// pasted into a URL path, so it is refused with a clear error instead.
    public static func checkedID(_ id: String, _ what: String) throws -> String {
        let allowed = id.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
        }
        guard allowed, (1...256).contains(id.utf8.count), id != ".", id != ".." else {
            throw TeacherError(
                .decoding, "the server's \(what) id \(quoted(snippet(Array(id.utf8)))) is not an id (letters, digits, - _ . :)")
        }
        return id
    }

    /// `GET {base}{path}`: the body of a 2xx answer.
    public func get(_ path: String, maxBytes: Int = 64 << 20) throws -> [UInt8] {
        try send(path, body: nil, contentType: nil, maxBytes: maxBytes)
    }

    /// `POST {base}{path}` with a JSON body: the body of a 2xx answer.
    public func post(_ path: String, json: [UInt8]) throws -> [UInt8] {
        try send(path, body: json, contentType: "application/json", maxBytes: 64 << 20)
    }

    /// `GET` decoded as `T`.
    func get<T: Decodable>(_ path: String, as type: T.Type) throws -> T {
        try decode(get(path), as: type, what: path)
    }

    /// `POST` of an encodable value, the answer decoded as `T`.
    func post<T: Decodable>(_ path: String, _ value: some Encodable, as type: T.Type) throws -> T {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try decode(post(path, json: Array(try encoder.encode(value))), as: type, what: path)
    }

    /// Uploads `bytes` as a file (`POST /files`, multipart, with `purpose`); returns its id.
    public func uploadFile(_ bytes: [UInt8], filename: String, purpose: String) throws -> String {
        let form = MultipartForm(fields: [("purpose", purpose)], file: (name: "file", filename: filename, bytes: bytes))
        let answer = try send(
            "/files", body: form.body, contentType: form.contentType, maxBytes: 1 << 20, timeout: 600)
        return try Self.checkedID(try decode(answer, as: WireFile.self, what: "/files").id, "file")
    }

    /// A file's content (`GET /files/{id}/content`), up to 1 GiB.
    public func download(fileID: String) throws -> [UInt8] {
        try get("/files/\(try Self.checkedID(fileID, "file"))/content", maxBytes: 1 << 30)
    }

    /// One request, its transient failures retried as the teacher's `RetryPolicy` says.
    private func send(
        _ path: String, body: [UInt8]?, contentType: String?, maxBytes: Int, timeout: Double? = nil
    ) throws -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        let key = try configuration.readKey()
        var lines = ["Accept: application/json", "Expect:"]
        if let contentType { lines.append("Content-Type: \(contentType)") }
        if let key { lines.append("Authorization: Bearer \(key)") }
        let headers = CurlHeaderList(lines)
        let url = configuration.baseURL + path
        var attempts = 0
        var outcome: Result<[UInt8], TeacherError>?
        _ = engine.run(
            count: 1, maxInFlight: 1,
            post: { _ in
                HTTPPost(
                    url: url, headers: headers, body: body ?? [], timeout: timeout ?? configuration.timeout,
                    connectTimeout: configuration.connectTimeout, readTimeout: configuration.readTimeout,
                    maxResponseBytes: maxBytes, isGet: body == nil)
            },
            onAttempt: { _, attempt in
                attempts += 1
                let result = interpret(attempt, path: path, key: key)
                if case .failure(let error) = result, error.isTransient, attempts <= configuration.retry.maxRetries {
                    return .retry(after: configuration.retry.delay(retry: attempts - 1, headers: attempt.headers))
                }
                outcome = result
                return .finish
            },
            isCancelled: { false })
        guard let outcome else { throw TeacherError(.transport, "no answer from \(configuration.baseURL)\(path)") }
        return try outcome.mapError { error in
            var error = error
            error.attempts = attempts
            return error
        }.get()
    }

    private func interpret(_ attempt: HTTPAttempt, path: String, key: String?) -> Result<[UInt8], TeacherError> {
        let place = configuration.baseURL + path
        if attempt.overflowed {
            return .failure(TeacherError(.decoding, "the answer of \(place) passed \(byteCount(attempt.body.count))"))
        }
        if attempt.timedOut || attempt.stalled {
            return .failure(TeacherError(.timeout, "no complete answer from \(place) in time"))
        }
        if attempt.isTransportFailure {
            return .failure(
                TeacherError(
                    .transport, "connection to \(place) failed: \(redacting(key, in: attempt.transportMessage))",
                    hint: "Check that the server is running and that base_url is right"))
        }
        guard (200..<300).contains(attempt.status) else {
            var detail = ""
            if let body = try? JSONDecoder().decode(WireErrorBody.self, from: Data(attempt.body)) {
                detail = body.error?.message ?? body.message ?? ""
            }
            if detail.isEmpty { detail = snippet(attempt.body) }
            return .failure(
                TeacherError(
                    .httpStatus(attempt.status), "HTTP \(attempt.status) from \(place): \(redacting(key, in: detail))"))
        }
        return .success(attempt.body)
    }

    private func decode<T: Decodable>(_ bytes: [UInt8], as type: T.Type, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw TeacherError(
                .decoding,
                "the answer of \(configuration.baseURL)\(what) is not what the API documents: \(describe(error)); "
                    + "it starts \(quoted(snippet(bytes)))")
        }
    }
}

/// A `multipart/form-data` body (RFC 7578): text fields, then one file.
struct MultipartForm {
    /// The separator line, random so that no file content can contain it by chance.
    let boundary: String
    let body: [UInt8]

    init(fields: [(String, String)], file: (name: String, filename: String, bytes: [UInt8])) {
        var generator = SystemRandomNumberGenerator()
        boundary = "fewshot-" + String(generator.next() as UInt64, radix: 36) + String(generator.next() as UInt64, radix: 36)
        var bytes: [UInt8] = []
        for (name, value) in fields {
            bytes += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        let filename = file.filename.replacingOccurrences(of: "\"", with: "_")
        bytes += Array(
            ("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(filename)\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n").utf8)
        bytes += file.bytes
        bytes += Array("\r\n--\(boundary)--\r\n".utf8)
        body = bytes
    }

    /// The request's `Content-Type` header value.
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }
}

/// A file object (`/files`).
struct WireFile: Decodable {
    var id: String
}
