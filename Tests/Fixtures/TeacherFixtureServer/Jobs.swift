// The fixture's job endpoints, in OpenAI's documented shapes: files (/v1/files, multipart
// upload, /content download), batches (/v1/batches) and fine-tuning jobs
// (/v1/fine_tuning/jobs with /events, /checkpoints and /cancel).
//
// A job's progress is a function of the time since it was created (`--job-seconds`, default 2),
// so nothing runs in the background and a server restarted with the same `--state` file picks
// every job up where the clock says it is. `--job-fault` changes how every job ends:
//   fail     a fine-tuning job fails with the service's message; a batch fails validation
//   expire   a batch expires at its deadline with half its requests answered
//   partial  every third request of a batch goes to the error file instead of the output file
//   bad-id   a created batch or job gets an id that is not one ("batch/../x?y"), as a hostile
//            server might send
//   endless-events  every events page says has_more and holds an event never seen before
// Batch output lines come back in a shuffled order (as the real service's may).
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Everything the job endpoints keep, saved to `--state` after each change when given.
final class JobStore: @unchecked Sendable {
    private let lock = NSLock()
    var files: [String: [String: Any]] = [:]
    var contents: [String: [UInt8]] = [:]
    var batches: [String: [String: Any]] = [:]
    var jobs: [String: [String: Any]] = [:]
    var counter = 0
    var batchesCreated = 0
    var jobsCreated = 0
    var cancels = 0
    var statePath: String?
    var jobSeconds = 2.0
    var fault = ""

    func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    func nextID(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)-\(String(format: "%06d", counter))\(String(UInt32(truncatingIfNeeded: getpid()), radix: 36))"
    }

    /// The counts `/stats` reports.
    func statsJSON() -> [String: Any] {
        locked { ["batchesCreated": batchesCreated, "jobsCreated": jobsCreated, "files": files.count, "cancels": cancels] }
    }

    /// Reads the state file, when it exists.
    func load() {
        guard let statePath, let data = FileManager.default.contents(atPath: statePath),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return }
        files = object["files"] as? [String: [String: Any]] ?? [:]
        batches = object["batches"] as? [String: [String: Any]] ?? [:]
        jobs = object["jobs"] as? [String: [String: Any]] ?? [:]
        counter = object["counter"] as? Int ?? 0
        batchesCreated = object["batchesCreated"] as? Int ?? 0
        jobsCreated = object["jobsCreated"] as? Int ?? 0
        for (id, text) in object["contents"] as? [String: String] ?? [:] {
            contents[id] = Data(base64Encoded: text).map { [UInt8]($0) } ?? []
        }
    }

    /// Writes the state file (atomically), when one was given. Call with the lock held.
    func save() {
        guard let statePath else { return }
        let object: [String: Any] = [
            "files": files, "batches": batches, "jobs": jobs, "counter": counter, "batchesCreated": batchesCreated,
            "jobsCreated": jobsCreated, "contents": contents.mapValues { Data($0).base64EncodedString() },
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: object) else { return }
        try? data.write(to: URL(fileURLWithPath: statePath), options: .atomic)
    }
}

let jobStore = JobStore()

func now() -> Double { Date().timeIntervalSince1970 }

func errorResponse(_ status: Int, _ message: String, code: String = "invalid_request_error") -> [UInt8] {
    response(status: status, reason: reason(status), body: jsonBytes(["error": ["message": message, "type": code]]))
}

func ok(_ object: Any) -> [UInt8] { response(status: 200, reason: "OK", body: jsonBytes(object)) }

/// Routes a request under /v1/files, /v1/batches or /v1/fine_tuning; nil when it is none of them.
func handleJobs(_ request: Request) -> [UInt8]? {
    let path = request.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.path
    let query = queryItems(request.path)
    let parts = path.split(separator: "/").map(String.init)
    guard let v1 = parts.firstIndex(of: "v1") else { return nil }
    let rest = Array(parts[(v1 + 1)...])
    if !rest.isEmpty, rest[0] == "files" || rest[0] == "batches" || rest[0] == "fine_tuning" {
        _ = stats.begin(
            tag: "jobs:" + rest.prefix(2).joined(separator: "/"), body: "", authorization: request.headers["authorization"] ?? "")
        defer { stats.end() }
        return jobStore.locked { () -> [UInt8] in
            switch (request.method, rest.count, rest.first ?? "") {
            case ("POST", 1, "files"): return uploadFile(request)
            case ("GET", 2, "files"):
                return jobStore.files[rest[1]].map { ok($0) } ?? errorResponse(404, "No such File object: \(rest[1])")
            case ("GET", 3, "files") where rest[2] == "content":
                guard let bytes = jobStore.contents[rest[1]] else { return errorResponse(404, "No such File object: \(rest[1])") }
                return response(status: 200, reason: "OK", body: bytes)
            case ("POST", 1, "batches"): return createBatch(request)
            case ("GET", 2, "batches"):
                return batch(rest[1]).map { ok($0) } ?? errorResponse(404, "No batch found with id '\(rest[1])'")
            case ("POST", 3, "batches") where rest[2] == "cancel": return cancelBatch(rest[1])
            case ("POST", 2, "fine_tuning") where rest[1] == "jobs": return createJob(request)
            case ("GET", 3, "fine_tuning"): return job(rest[2]).map { ok($0) } ?? errorResponse(404, "No such job: \(rest[2])")
            case ("GET", 4, "fine_tuning") where rest[3] == "events": return events(rest[2], query: query)
            case ("GET", 4, "fine_tuning") where rest[3] == "checkpoints": return checkpoints(rest[2])
            case ("POST", 4, "fine_tuning") where rest[3] == "cancel": return cancelJob(rest[2])
            default: return errorResponse(404, "no route \(request.method) \(path)")
            }
        }
    }
    return nil
}

func queryItems(_ path: String) -> [String: String] {
    guard let mark = path.firstIndex(of: "?") else { return [:] }
    var items: [String: String] = [:]
    for pair in path[path.index(after: mark)...].split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
        if kv.count == 2 { items[kv[0]] = kv[1].removingPercentEncoding ?? kv[1] }
    }
    return items
}

// MARK: - Files

/// `POST /v1/files`, multipart/form-data with `purpose` and `file`.
func uploadFile(_ request: Request) -> [UInt8] {
    let type = request.headers["content-type"] ?? ""
    guard type.hasPrefix("multipart/form-data"), let range = type.range(of: "boundary=") else {
        return errorResponse(400, "expected multipart/form-data with a boundary, got '\(type)'")
    }
    let boundary = String(type[range.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    guard let parts = multipartParts(request.body, boundary: boundary) else {
        return errorResponse(400, "the multipart body could not be read")
    }
    guard let purpose = parts.first(where: { $0.name == "purpose" }).map({ String(decoding: $0.body, as: UTF8.self) }),
        ["batch", "fine-tune"].contains(purpose)
    else { return errorResponse(400, "'purpose' must be 'batch' or 'fine-tune'") }
    guard let file = parts.first(where: { $0.name == "file" }) else { return errorResponse(400, "missing 'file'") }
    let lines = String(decoding: file.body, as: UTF8.self).split(separator: "\n")
    for (number, line) in lines.enumerated() where (try? JSONSerialization.jsonObject(with: Data(line.utf8))) == nil {
        return errorResponse(400, "line \(number + 1) of \(file.filename ?? "the file") is not JSON")
    }
    let id = jobStore.nextID("file")
    let object: [String: Any] = [
        "id": id, "object": "file", "bytes": file.body.count, "created_at": Int(now()),
        "filename": file.filename ?? "upload.jsonl", "purpose": purpose,
    ]
    jobStore.files[id] = object
    jobStore.contents[id] = file.body
    jobStore.save()
    return ok(object)
}

struct FormPart {
    var name: String
    var filename: String?
    var body: [UInt8]
}

/// The parts of a multipart/form-data body (RFC 7578); nil when it is malformed.
func multipartParts(_ body: [UInt8], boundary: String) -> [FormPart]? {
    let delimiter = Array("--\(boundary)".utf8)
    var positions: [Int] = []
    var index = 0
    while index + delimiter.count <= body.count {
        if body[index] == delimiter[0], Array(body[index..<(index + delimiter.count)]) == delimiter {
            positions.append(index)
            index += delimiter.count
        } else {
            index += 1
        }
    }
    guard positions.count >= 2 else { return nil }
    var parts: [FormPart] = []
    for (start, end) in zip(positions, positions.dropFirst()) {
        let section = Array(body[(start + delimiter.count)..<end])
        guard let headEnd = section.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: section[..<headEnd.lowerBound], as: UTF8.self)
        var content = Array(section[headEnd.upperBound...])
        if content.suffix(2) == [13, 10] { content.removeLast(2) }
        guard
            let disposition = head.components(separatedBy: "\r\n").first(where: {
                $0.lowercased().hasPrefix("content-disposition")
            })
        else { return nil }
        func parameter(_ key: String) -> String? {
            guard let range = disposition.range(of: "\(key)=\"") else { return nil }
            let tail = disposition[range.upperBound...]
            return tail.firstIndex(of: "\"").map { String(tail[..<$0]) }
        }
        guard let name = parameter("name") else { return nil }
        parts.append(FormPart(name: name, filename: parameter("filename"), body: content))
    }
    return parts
}

/// Stores a file the server made (a batch's output or errors).
func storeFile(_ lines: [[String: Any]], purpose: String, name: String) -> String {
    let id = jobStore.nextID("file")
    var bytes: [UInt8] = []
    for line in lines { bytes += jsonBytes(line) + [0x0A] }
    jobStore.files[id] = [
        "id": id, "object": "file", "bytes": bytes.count, "created_at": Int(now()), "filename": name, "purpose": purpose,
    ]
    jobStore.contents[id] = bytes
    return id
}

// MARK: - Batches

func createBatch(_ request: Request) -> [UInt8] {
    guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
        let input = object["input_file_id"] as? String
    else { return errorResponse(400, "input_file_id is required") }
    guard let file = jobStore.files[input], file["purpose"] as? String == "batch" else {
        return errorResponse(400, "input_file_id '\(input)' is not a file uploaded with purpose 'batch'")
    }
    guard object["endpoint"] as? String == "/v1/chat/completions", object["completion_window"] as? String == "24h" else {
        return errorResponse(400, "endpoint must be /v1/chat/completions and completion_window 24h")
    }
    let total = String(decoding: jobStore.contents[input] ?? [], as: UTF8.self).split(separator: "\n").count
    let id = jobStore.fault == "bad-id" ? "batch/../x?y" : jobStore.nextID("batch")
    let created = now()
    jobStore.batches[id] = [
        "id": id, "object": "batch", "endpoint": "/v1/chat/completions", "input_file_id": input,
        "completion_window": "24h", "status": "validating", "output_file_id": NSNull(), "error_file_id": NSNull(),
        "created_at": Int(created), "created": created, "total": total, "metadata": object["metadata"] ?? NSNull(),
        "request_counts": ["total": 0, "completed": 0, "failed": 0], "errors": NSNull(),
    ]
    jobStore.batchesCreated += 1
    jobStore.save()
    return ok(batch(id)!)
}

/// The batch as of now: its status and counts follow from its age.
func batch(_ id: String) -> [String: Any]? {
    guard var object = jobStore.batches[id] else { return nil }
    let status = object["status"] as? String ?? ""
    if ["completed", "failed", "expired", "cancelled"].contains(status) { return publicBatch(object) }
    let age = now() - (object["created"] as? Double ?? now())
    let total = object["total"] as? Int ?? 0
    let seconds = jobStore.jobSeconds
    if status == "cancelling" {
        object["status"] = "cancelled"
    } else if age < seconds * 0.2 {
        object["status"] = "validating"
    } else if jobStore.fault == "fail" {
        object["status"] = "failed"
        object["errors"] = [
            "object": "list",
            "data": [["code": "invalid_json_line", "message": "The input file has a line the service cannot read", "line": 1]],
        ]
    } else if age < seconds {
        object["status"] = "in_progress"
        let done = min(total, Int(Double(total) * (age - seconds * 0.2) / (seconds * 0.8)))
        object["request_counts"] = ["total": total, "completed": done, "failed": 0]
    } else {
        finishBatch(&object, expired: jobStore.fault == "expire")
    }
    jobStore.batches[id] = object
    if object["status"] as? String != status { jobStore.save() }
    return publicBatch(object)
}

/// A finished batch: answers for each input line (shuffled), errors where the fault says.
func finishBatch(_ object: inout [String: Any], expired: Bool) {
    let input = object["input_file_id"] as? String ?? ""
    let lines = String(decoding: jobStore.contents[input] ?? [], as: UTF8.self).split(separator: "\n")
    var outputs: [[String: Any]] = []
    var errors: [[String: Any]] = []
    for (number, line) in lines.enumerated() {
        guard let request = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
        let customID = request["custom_id"] as? String ?? ""
        let body = request["body"] as? [String: Any] ?? [:]
        let lineID = "batch_req_\(number)"
        if expired, number >= lines.count / 2 {
            errors.append([
                "id": lineID, "custom_id": customID, "response": NSNull(),
                "error": [
                    "code": "batch_expired",
                    "message": "This request could not be executed before the completion window expired.",
                ],
            ])
        } else if jobStore.fault == "partial", number % 3 == 2 {
            errors.append([
                "id": lineID, "custom_id": customID,
                "response": [
                    "status_code": 500, "request_id": "req_\(number)",
                    "body": ["error": ["message": "The server had an error processing the request", "type": "server_error"]],
                ],
                "error": NSNull(),
            ])
        } else {
            outputs.append([
                "id": lineID, "custom_id": customID, "error": NSNull(),
                "response": ["status_code": 200, "request_id": "req_\(number)", "body": completion(body)],
            ])
        }
    }
    // The service returns lines in any order: reverse pairs so no test can lean on the order.
    outputs.reverse()
    let total = lines.count
    object["status"] = expired ? "expired" : "completed"
    object["request_counts"] = ["total": total, "completed": outputs.count, "failed": errors.count]
    object["output_file_id"] =
        outputs.isEmpty ? NSNull() : storeFile(outputs, purpose: "batch_output", name: "batch_output.jsonl")
    object["error_file_id"] = errors.isEmpty ? NSNull() : storeFile(errors, purpose: "batch_output", name: "batch_errors.jsonl")
    object["completed_at"] = Int(now())
}

func publicBatch(_ object: [String: Any]) -> [String: Any] {
    var copy = object
    copy.removeValue(forKey: "created")
    copy.removeValue(forKey: "total")
    return copy
}

func cancelBatch(_ id: String) -> [UInt8] {
    guard var object = jobStore.batches[id] else { return errorResponse(404, "No batch found with id '\(id)'") }
    object["status"] = "cancelling"
    jobStore.batches[id] = object
    jobStore.cancels += 1
    jobStore.save()
    return ok(publicBatch(object))
}

/// A chat completion for a request body, as `/chat/completions` answers it; with
/// "Answer with exactly one of: a, b, c" in the system message, one of those labels (chosen by a
/// hash of the last message), so a labelling loop has labels to keep.
func completion(_ body: [String: Any]) -> [String: Any] {
    let messages = body["messages"] as? [[String: Any]] ?? []
    let contents = messages.map { $0["content"] as? String ?? "" }
    let last = contents.last ?? ""
    var text = "echo: \(directives(last).plain)"
    if let system = contents.first, let range = system.range(of: "Answer with exactly one of: ") {
        let tail = system[range.upperBound...]
        let list = tail.prefix { $0 != "." && $0 != "\n" }
        let labels = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if !labels.isEmpty { text = labels[Int(unitHash(last) * Double(labels.count)) % labels.count] }
    }
    let prompt = contents.reduce(0) { $0 + wordCount($1) }
    return [
        "id": "chatcmpl-fixture", "object": "chat.completion", "created": 1_700_000_000,
        "model": body["model"] as? String ?? "fixture",
        "choices": [["index": 0, "message": ["role": "assistant", "content": text], "finish_reason": "stop"]],
        "usage": ["prompt_tokens": prompt, "completion_tokens": wordCount(text), "total_tokens": prompt + wordCount(text)],
    ]
}

// MARK: - Fine-tuning jobs

func createJob(_ request: Request) -> [UInt8] {
    guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
        let model = object["model"] as? String, let training = object["training_file"] as? String
    else { return errorResponse(400, "model and training_file are required") }
    guard jobStore.files[training]?["purpose"] as? String == "fine-tune" else {
        return errorResponse(400, "training_file '\(training)' is not a file uploaded with purpose 'fine-tune'")
    }
    let validation = object["validation_file"] as? String
    if let validation, jobStore.files[validation] == nil {
        return errorResponse(400, "validation_file '\(validation)' does not exist")
    }
    let method = object["method"] as? [String: Any] ?? ["type": "supervised"]
    let hyper = ((method["supervised"] as? [String: Any])?["hyperparameters"] as? [String: Any]) ?? [:]
    let examples = String(decoding: jobStore.contents[training] ?? [], as: UTF8.self).split(separator: "\n").count
    let epochs = max(1, hyper["n_epochs"] as? Int ?? 3)
    let batchSize = hyper["batch_size"] as? Int ?? 1
    let id = jobStore.fault == "bad-id" ? "ftjob ../x" : jobStore.nextID("ftjob")
    let created = now()
    let suffix = object["suffix"] as? String
    jobStore.jobs[id] = [
        "id": id, "object": "fine_tuning.job", "model": model, "created_at": Int(created), "created": created,
        "status": "validating_files", "fine_tuned_model": NSNull(), "training_file": training,
        "validation_file": validation ?? NSNull(), "seed": object["seed"] ?? 42, "suffix": suffix ?? NSNull(),
        "method": method,
        "hyperparameters": [
            "n_epochs": epochs, "batch_size": batchSize, "learning_rate_multiplier": hyper["learning_rate_multiplier"] ?? 1.0,
        ],
        "steps_per_epoch": max(1, (examples + batchSize - 1) / batchSize), "epochs": epochs,
        "trained_tokens": NSNull(), "error": NSNull(), "result_files": [],
        "tokens_per_example": examples == 0 ? 0 : (jobStore.files[training]?["bytes"] as? Int ?? 0) / 4 / examples,
        "examples": examples,
    ]
    jobStore.jobsCreated += 1
    jobStore.save()
    return ok(job(id)!)
}

/// The job's phase at `age` seconds: its status and the steps done.
func jobPhase(_ object: [String: Any], age: Double) -> (status: String, steps: Int) {
    let seconds = jobStore.jobSeconds
    let total = (object["steps_per_epoch"] as? Int ?? 1) * (object["epochs"] as? Int ?? 1)
    if age < seconds * 0.1 { return ("validating_files", 0) }
    if age < seconds * 0.2 { return ("queued", 0) }
    let running = (age - seconds * 0.2) / (seconds * 0.8)
    if jobStore.fault == "fail", running >= 0.5 { return ("failed", total / 2) }
    if running < 1 { return ("running", min(total, Int(running * Double(total)))) }
    return ("succeeded", total)
}

func job(_ id: String) -> [String: Any]? {
    guard var object = jobStore.jobs[id] else { return nil }
    let stored = object["status"] as? String ?? ""
    if stored != "cancelled" {
        let phase = jobPhase(object, age: now() - (object["created"] as? Double ?? now()))
        object["status"] = phase.status
        if phase.status == "succeeded" {
            let suffix = (object["suffix"] as? String).map { ":\($0)" } ?? ""
            object["fine_tuned_model"] = "ft:\(object["model"] as? String ?? "model")\(suffix):fixture:\(id.suffix(6))"
            let tokens = (object["tokens_per_example"] as? Int ?? 0) * (object["examples"] as? Int ?? 0)
            object["trained_tokens"] = tokens * (object["epochs"] as? Int ?? 1)
            object["finished_at"] = Int(now())
        } else if phase.status == "failed" {
            object["error"] = [
                "code": "invalid_training_file",
                "message": "The job failed due to an invalid training file: 3 examples are over the 65,536 token limit.",
                "param": "training_file",
            ]
        }
        jobStore.jobs[id] = object
    }
    var copy = object
    for key in ["created", "steps_per_epoch", "epochs", "tokens_per_example", "examples"] { copy.removeValue(forKey: key) }
    return copy
}

/// The training loss the fixture reports at a step: falling from about 2 towards 0.3.
func fixtureLoss(_ step: Int, _ total: Int) -> Double {
    0.3 + 1.7 * Foundation.exp(-3 * Double(step) / Double(max(1, total)))
}

/// Every event the job has produced so far, oldest first.
func allEvents(_ id: String) -> [[String: Any]] {
    guard let object = job(id), let stored = jobStore.jobs[id] else { return [] }
    let created = stored["created"] as? Double ?? now()
    let perEpoch = stored["steps_per_epoch"] as? Int ?? 1
    let total = perEpoch * (stored["epochs"] as? Int ?? 1)
    let status = object["status"] as? String ?? ""
    let phase = status == "cancelled" ? (status: "cancelled", steps: 0) : jobPhase(stored, age: now() - created)
    var events: [[String: Any]] = []
    func add(_ message: String, type: String = "message", level: String = "info", data: Any = [String: Any]()) {
        events.append([
            "object": "fine_tuning.job.event", "id": "ftevent-\(id)-\(events.count)", "created_at": Int(created) + events.count,
            "level": level, "message": message, "data": data, "type": type,
        ])
    }
    add("Validating training file: \(stored["training_file"] as? String ?? "")")
    if phase.0 == "validating_files" { return events }
    add("Files validated, moving job to queued state")
    if phase.0 == "queued" { return events }
    add("Fine-tuning job started")
    for step in stride(from: 1, through: phase.1, by: 1) {
        var data: [String: Any] = [
            "step": step, "train_loss": fixtureLoss(step, total), "total_steps": total,
            "train_mean_token_accuracy": 0.5 + 0.4 * Double(step) / Double(total),
        ]
        if step % perEpoch == 0, stored["validation_file"] as? String != nil {
            data["valid_loss"] = fixtureLoss(step, total) + 0.1
        }
        add(
            "Step \(step)/\(total): training loss=\(String(format: "%.4f", fixtureLoss(step, total)))", type: "metrics",
            data: data)
        if step % perEpoch == 0, step < total { add("Checkpoint created at step \(step)") }
    }
    switch phase.0 {
    case "succeeded":
        add("New fine-tuned model created")
        add("The job has successfully completed")
    case "failed":
        add((object["error"] as? [String: Any])?["message"] as? String ?? "failed", level: "error")
    default:
        break
    }
    if status == "cancelled" { add("Job cancelled") }
    return events
}

/// `GET .../events?after=&limit=`: newest first, as the service lists them.
func events(_ id: String, query: [String: String]) -> [UInt8] {
    guard jobStore.jobs[id] != nil else { return errorResponse(404, "No such job: \(id)") }
    if jobStore.fault == "endless-events" {
        let event: [String: Any] = [
            "object": "fine_tuning.job.event", "id": jobStore.nextID("ftevent"), "created_at": Int(now()), "level": "info",
            "message": "still here", "data": [String: Any](), "type": "message",
        ]
        return ok(["object": "list", "data": [event], "has_more": true])
    }
    var list = Array(allEvents(id).reversed())
    if let after = query["after"], let position = list.firstIndex(where: { $0["id"] as? String == after }) {
        list = Array(list[(position + 1)...])
    }
    let limit = Int(query["limit"] ?? "") ?? 20
    return ok(["object": "list", "data": Array(list.prefix(limit)), "has_more": list.count > limit])
}

func checkpoints(_ id: String) -> [UInt8] {
    guard let object = job(id), let stored = jobStore.jobs[id] else { return errorResponse(404, "No such job: \(id)") }
    let perEpoch = stored["steps_per_epoch"] as? Int ?? 1
    let epochs = stored["epochs"] as? Int ?? 1
    let done = jobPhase(stored, age: now() - (stored["created"] as? Double ?? now())).steps
    let succeeded = object["status"] as? String == "succeeded"
    let suffix = (stored["suffix"] as? String).map { ":\($0)" } ?? ""
    var list: [[String: Any]] = []
    for epoch in 1...epochs where epoch * perEpoch <= done && (epoch < epochs || succeeded) {
        let step = epoch * perEpoch
        list.append([
            "object": "fine_tuning.job.checkpoint", "id": "ftckpt-\(id)-\(epoch)", "created_at": Int(now()),
            "fine_tuned_model_checkpoint":
                "ft:\(stored["model"] as? String ?? "model")\(suffix):fixture:\(id.suffix(6)):ckpt-step-\(step)",
            "step_number": step, "fine_tuning_job_id": id,
            "metrics": ["step": step, "train_loss": fixtureLoss(step, perEpoch * epochs)],
        ])
    }
    return ok(["object": "list", "data": Array(list.reversed()), "has_more": false])
}

func cancelJob(_ id: String) -> [UInt8] {
    guard var object = jobStore.jobs[id] else { return errorResponse(404, "No such job: \(id)") }
    object["status"] = "cancelled"
    jobStore.jobs[id] = object
    jobStore.cancels += 1
    jobStore.save()
    return ok(job(id)!)
}
