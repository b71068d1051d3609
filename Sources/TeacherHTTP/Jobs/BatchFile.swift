import Chat
import Foundation
import Teacher

/// The Batch API's JSONL files, as OpenAI documents them and `vllm run-batch` reads and writes
/// them: one request per input line, `{custom_id, method: "POST", url: "/v1/chat/completions",
/// body}`, and one result per output line, `{custom_id, response: {status_code, body}, error}`,
/// in any order.
///
/// A request's `custom_id` is its recording key, then `-` and which identical copy of it this is
/// (`3f9c...e1-0`), so results are matched to requests by id and never by position.
///
/// ```swift
/// let ids = BatchFile.customIDs(for: requests)
/// let input = try BatchFile.input(requests, ids: ids)          // the JSONL to upload
/// let answers = try BatchFile.results(outputBytes)              // custom_id -> answer or error
/// ```
public enum BatchFile {
    /// The most requests one input file may hold (OpenAI's limit).
    public static let maxRequests = 50_000
    /// The most bytes one input file may have (OpenAI's limit: 200 MB).
    public static let maxBytes = 200_000_000

    /// The `custom_id` of each request: its recording key and its copy number within the list.
    public static func customIDs(for requests: [ChatRequest]) -> [String] {
        var seen: [String: Int] = [:]
        return requests.map { request in
            let key = request.recordingKey
            let copy = seen[key, default: 0]
            seen[key] = copy + 1
            return "\(key)-\(copy)"
        }
    }

    /// One input line per request (each ending in a newline). Scoring requests cannot go in a
    /// batch: their answers need a logprobs reply read against the labels.
    public static func inputLines(_ requests: [ChatRequest], ids: [String]) throws -> [[UInt8]] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try zip(requests, ids).map { request, id in
            guard request.candidates == nil else {
                throw TeacherError(
                    .configuration, "a scoring request (scoring: \"likelihood\") cannot be sent as a batch job",
                    hint: "Use the teacher without mode: \"batch\" for scoring")
            }
            let line = InputLine(customID: id, body: WireChatRequest(request, stream: false))
            return Array(try encoder.encode(line)) + [0x0A]
        }
    }

    /// The whole input file for `requests`.
    public static func input(_ requests: [ChatRequest], ids: [String]) throws -> [UInt8] {
        try inputLines(requests, ids: ids).flatMap { $0 }
    }

    /// Consecutive ranges of `lines` that each keep within `maxRequests` lines and `maxBytes`
    /// bytes: the files a job of these lines is split into.
    public static func parts(
        _ lines: [[UInt8]], maxRequests: Int = BatchFile.maxRequests, maxBytes: Int = BatchFile.maxBytes
    ) throws -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var start = 0
        var bytes = 0
        for (index, line) in lines.enumerated() {
            guard line.count <= maxBytes else {
                throw TeacherError(.configuration, "request \(index + 1) alone is over the batch file limit of \(maxBytes) bytes")
            }
            if index - start == maxRequests || bytes + line.count > maxBytes {
                parts.append(start..<index)
                start = index
                bytes = 0
            }
            bytes += line.count
        }
        if start < lines.count { parts.append(start..<lines.count) }
        return parts
    }

    /// Every result of an output or error file, by `custom_id`: the answer, or why that request
    /// failed (the error object, or the response's non-200 status with its message). A line that
    /// is not a result is an error naming its line number.
    public static func results(_ bytes: [UInt8], source: String = "the batch output") throws -> [String: Result<
        ChatResponse, TeacherError
    >] {
        var answers: [String: Result<ChatResponse, TeacherError>] = [:]
        for (number, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: true).enumerated() {
            let parsed: OutputLine
            do {
                parsed = try JSONDecoder().decode(OutputLine.self, from: Data(line))
            } catch {
                throw TeacherError(.decoding, "line \(number + 1) of \(source) is not a batch result: \(describe(error))")
            }
            answers[parsed.customID] = parsed.outcome
        }
        return answers
    }

    /// The requests of an input file, by `custom_id` (for importing results that were produced
    /// elsewhere, by `vllm run-batch`). Each body is read back into the request fewshot would send;
    /// a `custom_id` that is not that request's recording key means the file was changed, and is
    /// an error.
    public static func requests(_ bytes: [UInt8], source: String) throws -> [(id: String, request: ChatRequest)] {
        var requests: [(id: String, request: ChatRequest)] = []
        for (number, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: true).enumerated() {
            let parsed: ReadInputLine
            do {
                parsed = try JSONDecoder().decode(ReadInputLine.self, from: Data(line))
            } catch {
                throw TeacherError(.decoding, "line \(number + 1) of \(source) is not a batch request: \(describe(error))")
            }
            let request = parsed.body.request
            guard parsed.customID.hasPrefix(request.recordingKey + "-") else {
                throw TeacherError(
                    .decoding,
                    "line \(number + 1) of \(source): custom_id \(parsed.customID.prefix(16))... is not the key of its body "
                        + "(the file was edited, or was not written by fewshot's export)")
            }
            requests.append((parsed.customID, request))
        }
        return requests
    }

    // MARK: - Lines

    private struct InputLine: Encodable {
        var customID: String
        var method = "POST"
        var url = "/v1/chat/completions"
        var body: WireChatRequest
        enum CodingKeys: String, CodingKey {
            case customID = "custom_id"
            case method, url, body
        }
    }

    private struct ReadInputLine: Decodable {
        var customID: String
        var body: WireChatRequestBody
        enum CodingKeys: String, CodingKey {
            case customID = "custom_id"
            case body
        }
    }

    private struct OutputLine: Decodable {
        struct Response: Decodable {
            var statusCode: Int?
            var body: JSONValue?
            enum CodingKeys: String, CodingKey {
                case statusCode = "status_code"
                case body
            }
        }
        struct Failure: Decodable {
            var code: String?
            var message: String?
        }
        var customID: String
        var response: Response?
        var error: Failure?
        enum CodingKeys: String, CodingKey {
            case customID = "custom_id"
            case response, error
        }

        var outcome: Result<ChatResponse, TeacherError> {
            if let error {
                let code = error.code.map { " (\($0))" } ?? ""
                return .failure(
                    TeacherError(
                        .httpStatus(response?.statusCode ?? 500), "the batch says\(code): \(error.message ?? "no message")"))
            }
            guard let response, let body = response.body else {
                return .failure(TeacherError(.decoding, "the batch result has neither a response nor an error"))
            }
            let encoded = (try? JSONEncoder().encode(body)) ?? Data()
            guard (200..<300).contains(response.statusCode ?? 200) else {
                let message = (try? JSONDecoder().decode(WireErrorBody.self, from: encoded))?.error?.message ?? "no message"
                return .failure(
                    TeacherError(
                        .httpStatus(response.statusCode ?? 0), "the batch answered HTTP \(response.statusCode ?? 0): \(message)"))
            }
            do {
                return .success(try ChatResponse(wire: JSONDecoder().decode(WireChatResponse.self, from: encoded)))
            } catch {
                return .failure(TeacherError(.decoding, "a batch answer could not be read: \(describe(error))"))
            }
        }
    }
}

/// A chat-completions body read back into a `ChatRequest` (the inverse of `WireChatRequest` for
/// the fields fewshot sends).
struct WireChatRequestBody: Decodable {
    var request: ChatRequest

    enum CodingKeys: String, CodingKey {
        case model, messages, temperature, seed, stop, n
        case topP = "top_p"
        case maxTokens = "max_tokens"
        case responseFormat = "response_format"
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        request = ChatRequest(
            model: try container.decode(String.self, forKey: .model),
            messages: try container.decode([ChatMessage].self, forKey: .messages),
            temperature: try container.decodeIfPresent(Double.self, forKey: .temperature),
            topP: try container.decodeIfPresent(Double.self, forKey: .topP),
            maxTokens: try container.decodeIfPresent(Int.self, forKey: .maxTokens),
            seed: try container.decodeIfPresent(Int.self, forKey: .seed),
            stop: try container.decodeIfPresent([String].self, forKey: .stop) ?? [])
        request.n = try container.decodeIfPresent(Int.self, forKey: .n)
        request.responseFormat = try container.decodeIfPresent(ResponseFormat.self, forKey: .responseFormat)
    }
}
