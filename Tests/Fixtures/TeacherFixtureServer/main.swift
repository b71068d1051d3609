// teacher-fixture-server: a small OpenAI-compatible chat-completions server for tests and
// benchmarks, on POSIX sockets (one thread per connection, HTTP/1.1 keep-alive).
//
// Usage: teacher-fixture-server [--port N] [--exit-with-parent] [--state FILE] [--job-seconds S]
//        [--job-fault fail|expire|partial]
// Prints "PORT <n>" on stdout once listening (port 0 picks a free one).
//
// It answers POST .../chat/completions with "echo: <last message>" (streamed as server-sent
// events when the request says "stream": true), and GET /stats with what it has seen.
// Faults are injected by directives inside the last message, e.g.
//   "#fault=status #status=429 #retry-after=0.2 #times=2 #tag=a hello"
// fault: status | reset | slow | malformed | invalid-utf8 | error-200 | truncated-sse | stream-error | drop
//   | truncated (a 200 whose JSON is cut, the connection closed as if complete) | short (fewer bytes
//   than Content-Length, then closed) | huge / huge-length (a body of huge-mb MiB, default 1024,
//   without / with Content-Length) | huge-header (header lines of huge-mb MiB) | stall (half the
//   body, then silence for stall-ms, default 60000) | garbage (an HTML page as a 200 JSON answer)
//   | wrong-type (a good answer labelled text/html) | drip (a good answer a byte every drip-ms, default 20)
// status: the HTTP status of `status` faults; retry-after / retry-after-ms: headers to send;
// times: apply the fault to the first N attempts of the tag only (default: every attempt);
// fault-rate: apply it to this fraction of attempts (0...1, chosen by a hash of tag and attempt,
// so a run is repeatable);
// delay-ms: wait before answering (any request); tag: the counter attempts are counted under
// (default: the whole message); echo-auth=1: a status fault's message repeats the Authorization.
// With "logprobs": true, the first choice carries the first token's top_logprobs: the distinct
// lower-case words of the last message, the i-th (from 0) at log-probability -0.5 (i + 1), at
// most top_logprobs of them (so a label named earlier in the message scores higher).
//
// It also serves OpenAI's files, batches and fine-tuning jobs (Jobs.swift): jobs finish in
// --job-seconds; --state FILE keeps them across a restart of the server (kill it mid-job and
// start it again on the same port and state: the jobs go on); --job-fault makes every job fail,
// every batch expire, or a third of each batch's requests land in its error file.
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What the server has seen, for GET /stats.
final class Stats: @unchecked Sendable {
    private let lock = NSLock()
    private var requests = 0
    private var connections = 0
    private var inFlight = 0
    private var maxInFlight = 0
    private var attemptsByTag: [String: Int] = [:]
    private var lastBodyByTag: [String: String] = [:]
    private var authorization = ""

    func connectionOpened() { locked { connections += 1 } }

    /// Counts a request; returns the attempt number (1-based) for its tag.
    func begin(tag: String, body: String, authorization: String) -> Int {
        locked {
            requests += 1
            inFlight += 1
            maxInFlight = max(maxInFlight, inFlight)
            attemptsByTag[tag, default: 0] += 1
            lastBodyByTag[tag] = body
            self.authorization = authorization
            return attemptsByTag[tag]!
        }
    }

    func end() { locked { inFlight -= 1 } }

    func reset() {
        locked {
            requests = 0
            connections = 0
            maxInFlight = 0
            attemptsByTag = [:]
            lastBodyByTag = [:]
            authorization = ""
        }
    }

    func json() -> [String: Any] {
        locked {
            [
                "requests": requests, "connections": connections, "maxInFlight": maxInFlight,
                "attempts": attemptsByTag, "bodies": lastBodyByTag, "authorization": authorization,
            ]
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}

let stats = Stats()

/// One parsed HTTP request.
struct Request {
    var method: String
    var path: String
    var headers: [String: String]
    var body: [UInt8]
}

/// A client connection: buffered reads, whole writes.
final class Connection {
    let socket: Int32
    var buffer: [UInt8] = []

    init(socket: Int32) { self.socket = socket }

    /// Reads one request; nil when the client closed the connection.
    func readRequest() -> Request? {
        var headEnd: Int?
        while true {
            if let end = find([13, 10, 13, 10]) {
                headEnd = end
                break
            }
            guard fill() else { return nil }
        }
        let head = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        buffer.removeFirst(headEnd! + 4)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length {
            guard fill() else { return nil }
        }
        let body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body)
    }

    private func find(_ pattern: [UInt8]) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        for start in 0...(buffer.count - pattern.count) where buffer[start] == pattern[0] {
            if Array(buffer[start..<(start + pattern.count)]) == pattern { return start }
        }
        return nil
    }

    private var chunk = [UInt8](repeating: 0, count: 65536)

    private func fill() -> Bool {
        let count = recv(socket, &chunk, chunk.count, 0)
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[..<count])
        return true
    }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Closes with a TCP reset instead of an orderly shutdown.
    func reset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(socket, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close(socket)
    }
}

func jsonBytes(_ object: Any) -> [UInt8] {
    Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8))
}

func response(status: Int, reason: String, headers: [String] = [], body: [UInt8], close: Bool = false) -> [UInt8] {
    var head = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n"
    for header in headers { head += header + "\r\n" }
    if close { head += "Connection: close\r\n" }
    return Array((head + "\r\n").utf8) + body
}

func reason(_ status: Int) -> String {
    [
        200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 408: "Request Timeout",
        409: "Conflict", 429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
        503: "Service Unavailable",
    ][status] ?? "Status"
}

/// The directives (`#key=value`) of a message and the message without them.
func directives(_ content: String) -> (values: [String: String], plain: String) {
    var values: [String: String] = [:]
    var words: [Substring] = []
    for word in content.split(separator: " ", omittingEmptySubsequences: true) {
        if word.hasPrefix("#"), let equals = word.firstIndex(of: "=") {
            values[String(word[word.index(after: word.startIndex)..<equals])] = String(word[word.index(after: equals)...])
        } else {
            words.append(word)
        }
    }
    return (values, words.joined(separator: " "))
}

/// The `logprobs` block of a choice: one generated token, the message's first word, and its
/// alternatives (see the header comment).
func firstTokenLogprobs(_ text: String, top: Int) -> [String: Any] {
    var words: [String] = []
    for word in text.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init) where !words.contains(word) {
        words.append(word)
    }
    let alternatives = words.prefix(max(1, top)).enumerated().map { i, word -> [String: Any] in
        ["token": word, "logprob": -0.5 * Double(i + 1), "bytes": Array(word.utf8).map(Int.init)]
    }
    let first = alternatives.first ?? ["token": "", "logprob": 0.0]
    return ["content": [["token": first["token"]!, "logprob": first["logprob"]!, "top_logprobs": alternatives]]]
}

func wordCount(_ text: String) -> Int { text.split(whereSeparator: { $0 == " " || $0 == "\n" }).count }

/// Answers one chat-completions request; returns false when the connection must end.
func handleChat(_ request: Request, on connection: Connection) -> Bool {
    guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
        let messages = object["messages"] as? [[String: Any]]
    else {
        let body = jsonBytes(["error": ["message": "request body is not a chat request", "type": "invalid_request_error"]])
        return connection.send(response(status: 400, reason: "Bad Request", body: body))
    }
    let contents = messages.map { $0["content"] as? String ?? "" }
    let (values, plain) = directives(contents.last ?? "")
    let tag = values["tag"] ?? (contents.last ?? "")
    let authorization = request.headers["authorization"] ?? ""
    let attempt = stats.begin(tag: tag, body: String(decoding: request.body, as: UTF8.self), authorization: authorization)
    defer { stats.end() }
    let times = Int(values["times"] ?? "") ?? Int.max
    let rate = Double(values["fault-rate"] ?? "") ?? 1
    let fault = attempt <= times && unitHash("\(tag)#\(attempt)") < rate ? values["fault"] : nil
    if let delay = Int(values["delay-ms"] ?? "") { usleep(useconds_t(delay * 1000)) }
    let stream = object["stream"] as? Bool ?? false
    let includeUsage = (object["stream_options"] as? [String: Any])?["include_usage"] as? Bool ?? false
    let choices = max(1, object["n"] as? Int ?? 1)
    let model = object["model"] as? String ?? "fixture"
    let promptTokens = contents.reduce(0) { $0 + wordCount($1) }
    var texts = (0..<choices).map { $0 == 0 ? "echo: \(plain)" : "echo \($0 + 1): \(plain)" }
    // A fine-tuned model (Jobs.swift) answers as the batch endpoint does: a label when asked for one.
    if model.hasPrefix("ft:"), let choice = (completion(object)["choices"] as? [[String: Any]])?.first,
        let text = (choice["message"] as? [String: Any])?["content"] as? String
    {
        texts = [text]
    }
    let usage = [
        "prompt_tokens": promptTokens, "completion_tokens": wordCount(texts[0]) * choices,
        "total_tokens": promptTokens + wordCount(texts[0]) * choices,
    ]

    switch fault {
    case "status"?:
        let status = Int(values["status"] ?? "") ?? 500
        var headers: [String] = []
        if let value = values["retry-after"] { headers.append("retry-after: \(value)") }
        if let value = values["retry-after-ms"] { headers.append("retry-after-ms: \(value)") }
        var message = "injected \(status)"
        if values["echo-auth"] == "1" { message += "; you sent \(authorization)" }
        let body = jsonBytes(["error": ["message": message, "type": "fixture_error"]])
        return connection.send(response(status: status, reason: reason(status), headers: headers, body: body))
    case "reset"?:
        _ = connection.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"choices\":[")
        usleep(20_000)
        connection.reset()
        return false
    case "drop"?:
        connection.reset()
        return false
    case "error-200"?:
        let body = jsonBytes(["error": ["message": "injected error in a 200 answer", "type": "fixture_error"]])
        return connection.send(response(status: 200, reason: "OK", body: body))
    case "malformed"?:
        return connection.send(
            response(status: 200, reason: "OK", body: Array("{\"choices\": [{\"message\": {\"content\": \"unterminated".utf8)))
    case "invalid-utf8"?:
        let body =
            Array("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"bad ".utf8)
            + [0xFF, 0xFE] + Array(" bytes\"},\"finish_reason\":\"stop\"}]}".utf8)
        return connection.send(response(status: 200, reason: "OK", body: body))
    default:
        break
    }
    if let delay = Int(values["slow-ms"] ?? ""), fault == "slow" { usleep(useconds_t(delay * 1000)) }
    let logprobs =
        (object["logprobs"] as? Bool ?? false) ? firstTokenLogprobs(plain, top: object["top_logprobs"] as? Int ?? 0) : nil
    let body = jsonBytes([
        "id": "chatcmpl-fixture", "object": "chat.completion", "created": 1_700_000_000, "model": model,
        "choices": texts.enumerated().map { index, text in
            [
                "index": index, "message": ["role": "assistant", "content": text], "finish_reason": "stop",
                "logprobs": index == 0 ? (logprobs ?? NSNull()) : NSNull(),
            ] as [String: Any]
        },
        "usage": usage,
    ])
    // Damaged bodies are sent the same way to a streaming request (as one JSON answer).
    if let fault, let sent = sendBodyFault(fault, body: body, values: values, on: connection) { return sent }
    if !stream { return connection.send(response(status: 200, reason: "OK", body: body)) }
    return streamChat(texts: texts, usage: includeUsage ? usage : nil, model: model, fault: fault, on: connection)
}

/// A number in [0, 1) from `text` (FNV-1a), the same in every run.
func unitHash(_ text: String) -> Double {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }
    return Double(hash % 1_000_000) / 1_000_000
}

/// Sends `body` (a good answer) damaged as `fault` says; nil when `fault` is not one of these.
/// The result says whether the connection can go on.
func sendBodyFault(_ fault: String, body: [UInt8], values: [String: String], on connection: Connection) -> Bool? {
    let megabytes = Int(values["huge-mb"] ?? "") ?? 1024
    switch fault {
    case "truncated":
        // Delimited by closing the connection, so the transfer looks complete: only the JSON is cut.
        _ = connection.send(Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n".utf8))
        _ = connection.send(Array(body.prefix(body.count / 2)))
        return false
    case "short":
        _ = connection.send(
            Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8))
        _ = connection.send(Array(body.prefix(body.count / 2)))
        return false
    case "huge", "huge-length":
        var head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        head += fault == "huge" ? "Connection: close\r\n\r\n" : "Content-Length: \(megabytes << 20)\r\n\r\n"
        guard connection.send(head) else { return false }
        let block = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 16)
        for _ in 0..<(megabytes << 4) where !connection.send(block) { break }
        return false
    case "huge-header":
        guard connection.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n") else { return false }
        let line = Array(("X-Padding: " + String(repeating: "a", count: 8000) + "\r\n").utf8)
        for _ in 0..<(megabytes << 20) / line.count where !connection.send(line) { break }
        return false
    case "stall":
        _ = connection.send(
            Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
                + body.prefix(body.count / 2))
        usleep(useconds_t((Int(values["stall-ms"] ?? "") ?? 60000) * 1000))
        return false
    case "garbage":
        let page = Array("<html><body><h1>502 Bad Gateway</h1></body></html>".utf8)
        return connection.send(response(status: 200, reason: "OK", body: page))
    case "wrong-type":
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: \(body.count)\r\n\r\n"
        return connection.send(Array(head.utf8) + body)
    case "drip":
        let whole = response(status: 200, reason: "OK", body: body, close: true)
        let pause = useconds_t((Int(values["drip-ms"] ?? "") ?? 20) * 1000)
        for byte in whole {
            guard connection.send([byte]) else { return false }
            usleep(pause)
        }
        return false
    default:
        return nil
    }
}

/// Sends a streamed answer as server-sent events in chunked encoding, exercising the SSE rules:
/// a comment, CRLF line ends, a `data:` without its space, and one event split over two lines.
func streamChat(texts: [String], usage: [String: Int]?, model: String, fault: String?, on connection: Connection) -> Bool {
    let closeAfter = fault == "truncated-sse" || fault == "stream-error"
    var head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
    head += closeAfter ? "Connection: close\r\n\r\n" : "Transfer-Encoding: chunked\r\n\r\n"
    guard connection.send(head) else { return false }
    func chunk(_ text: String) -> Bool {
        if closeAfter { return connection.send(text) }
        let bytes = Array(text.utf8)
        return connection.send(Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + Array("\r\n".utf8))
    }
    func event(_ object: [String: Any], style: Int) -> String {
        let json = String(decoding: jsonBytes(object), as: UTF8.self)
        switch style % 3 {
        case 0: return "data: \(json)\n\n"
        case 1: return "data:\(json)\r\n\r\n"
        default:
            // Split after the first comma: the parser must join the lines with "\n".
            let comma = json.firstIndex(of: ",")!
            return "data: \(json[...comma])\ndata: \(json[json.index(after: comma)...])\n\n"
        }
    }
    func delta(_ index: Int, _ content: String?, finish: String?) -> [String: Any] {
        var delta: [String: Any] = [:]
        if let content { delta["content"] = content }
        return [
            "id": "chatcmpl-fixture", "object": "chat.completion.chunk", "created": 1_700_000_000, "model": model,
            "choices": [["index": index, "delta": delta, "finish_reason": finish ?? NSNull()] as [String: Any]],
        ]
    }
    guard chunk(": fixture stream\n\n") else { return false }
    var style = 0
    for (index, text) in texts.enumerated() {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        for (position, word) in words.enumerated() {
            let piece = position == words.count - 1 ? String(word) : word + " "
            guard chunk(event(delta(index, piece, finish: nil), style: style)) else { return false }
            style += 1
            if fault == "truncated-sse" && position == 1 {
                usleep(10_000)
                close(connection.socket)
                return false
            }
            if fault == "stream-error" && position == 0 {
                _ = chunk("data: {\"error\":{\"message\":\"injected stream error\",\"type\":\"server_error\"}}\n\n")
                usleep(10_000)
                close(connection.socket)
                return false
            }
        }
        guard chunk(event(delta(index, nil, finish: "stop"), style: 0)) else { return false }
    }
    if let usage {
        let object: [String: Any] = [
            "id": "chatcmpl-fixture", "object": "chat.completion.chunk", "model": model,
            "created": 1_700_000_000, "choices": [] as [Any], "usage": usage,
        ]
        guard chunk(event(object, style: 0)) else { return false }
    }
    guard chunk("data: [DONE]\n\n") else { return false }
    return connection.send("0\r\n\r\n")
}

func serve(_ connection: Connection) {
    stats.connectionOpened()
    while let request = connection.readRequest() {
        let keepGoing: Bool
        if request.method == "GET", request.path.hasSuffix("/stats") {
            let merged = stats.json().merging(jobStore.statsJSON()) { first, _ in first }
            keepGoing = connection.send(response(status: 200, reason: "OK", body: jsonBytes(merged)))
        } else if request.method == "POST", request.path.hasSuffix("/reset") {
            stats.reset()
            keepGoing = connection.send(response(status: 200, reason: "OK", body: jsonBytes(["ok": true])))
        } else if let answer = handleJobs(request) {
            keepGoing = connection.send(answer)
        } else if request.method == "POST", request.path.hasSuffix("/chat/completions") {
            keepGoing = handleChat(request, on: connection)
        } else {
            let body = jsonBytes(["error": ["message": "no route \(request.method) \(request.path)"]])
            keepGoing = connection.send(response(status: 404, reason: "Not Found", body: body))
        }
        if !keepGoing || request.headers["connection"]?.lowercased() == "close" { break }
    }
    close(connection.socket)
}

// MARK: - Main

var port: UInt16 = 0
var exitWithParent = false
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--port": port = UInt16(arguments.next() ?? "0") ?? 0
    case "--exit-with-parent": exitWithParent = true
    case "--state": jobStore.statePath = arguments.next()
    case "--job-seconds": jobStore.jobSeconds = Double(arguments.next() ?? "") ?? 2
    case "--job-fault": jobStore.fault = arguments.next() ?? ""
    default:
        FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
        exit(2)
    }
}
signal(SIGPIPE, SIG_IGN)
jobStore.load()
// A parent that spawned us from a thread with signals blocked passes that mask on: undo it, so
// SIGTERM and SIGINT stop the server.
var noSignals = sigset_t()
sigemptyset(&noSignals)
sigprocmask(SIG_SETMASK, &noSignals, nil)

let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
var yes: Int32 = 1
setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
var address = sockaddr_in()
address.sin_family = sa_family_t(AF_INET)
address.sin_port = port.bigEndian
address.sin_addr.s_addr = inet_addr("127.0.0.1")
let bound = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
}
guard bound == 0, listen(listener, 1024) == 0 else {
    FileHandle.standardError.write(Data("cannot listen on 127.0.0.1:\(port): \(String(cString: strerror(errno)))\n".utf8))
    exit(1)
}
var length = socklen_t(MemoryLayout<sockaddr_in>.size)
_ = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
}
print("PORT \(UInt16(bigEndian: address.sin_port))")
fflush(stdout)

if exitWithParent {
    // Tests must never leave a server behind: stop when the parent goes (its end of our stdin
    // closes, or we are re-parented), even if it died without stopping us.
    let parent = getppid()
    Thread.detachNewThread {
        var byte: UInt8 = 0
        while read(0, &byte, 1) > 0 {}
        exit(0)
    }
    Thread.detachNewThread {
        while getppid() == parent { usleep(200_000) }
        exit(0)
    }
}

while true {
    let client = accept(listener, nil, nil)
    if client < 0 { continue }
    var noDelay: Int32 = 1
    setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
    let connection = Connection(socket: client)
    Thread.detachNewThread { serve(connection) }
}
