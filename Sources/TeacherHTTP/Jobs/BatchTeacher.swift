import Foundation
import Teacher

/// A teacher that sends a call's requests as OpenAI Batch API jobs instead of live requests:
/// half the price on OpenAI, answers within the 24-hour window (minutes, usually).
///
/// A call writes the requests as Batch JSONL (`BatchFile`), split into files of at most 50,000
/// requests and 200 MB; uploads each (`POST /files`, `purpose=batch`); creates a job for it
/// (`POST /batches`) and notes the job in the `JobJournal` at once; polls `GET /batches/{id}`,
/// reporting `request_counts` as progress; then downloads the output and error files and
/// matches each line to its request by `custom_id`. A call with the same requests later (the
/// cell run again after Ctrl-C or a crash) finds the job in the journal and picks it up.
///
/// ```swift
/// let batch = try BatchTeacher(HTTPTeacherConfiguration(model: "gpt-4o-mini"))
/// let answers = RecordingTeacher(wrapping: batch, store: store).complete(requests, progress: nil, isCancelled: { false })
/// ```
public final class BatchTeacher: ChatTeacher {
    /// The server and model (no key in it).
    public var configuration: HTTPTeacherConfiguration { client.configuration }
    /// Where jobs are noted so they can be picked up again.
    public let journal: JobRegistry
    /// Seconds between two polls of a job's status.
    public var pollInterval: Double
    /// The most requests per batch file (OpenAI's 50,000 unless a test lowers it).
    public var maxRequests = BatchFile.maxRequests
    /// The most bytes per batch file (OpenAI's 200 MB unless a test lowers it).
    public var maxBytes = BatchFile.maxBytes
    /// Called with each line worth telling the user: a job created or picked up, a split, the end.
    public var onStatus: ((String) -> Void)?
    /// How long polls may keep failing for (a server restarting) before the call gives up, in seconds.
    public var outageTolerance = 120.0

    private let client: JobsClient

    /// A batch teacher on the server of `configuration`, noting jobs in `journal`.
    public init(
        _ configuration: HTTPTeacherConfiguration, journal: JobRegistry = JobJournal(path: nil), pollInterval: Double = 10
    )
        throws
    {
        client = try JobsClient(configuration)
        self.journal = journal
        self.pollInterval = pollInterval
    }

    /// `"batch <model> at <base URL>"`.
    public var summary: String { "batch \(configuration.model) at \(configuration.baseURL)" }

    /// Runs the requests as batch jobs and returns every answer (or why it has none).
    public func complete(
        _ requests: [ChatRequest], progress: ((Int, Int) -> Void)?, isCancelled: () -> Bool,
        onResult: (Int, Result<ChatResponse, Error>) -> Void
    ) -> [Result<ChatResponse, Error>] {
        let total = requests.count
        func failAll(_ error: TeacherError) -> [Result<ChatResponse, Error>] {
            let failures: [Result<ChatResponse, Error>] = (0..<total).map { .failure(error.at($0, of: total)) }
            for (index, failure) in failures.enumerated() { onResult(index, failure) }
            return failures
        }
        guard total > 0 else { return [] }
        let ids = BatchFile.customIDs(for: requests)
        let lines: [[UInt8]]
        let parts: [Range<Int>]
        do {
            lines = try BatchFile.inputLines(requests, ids: ids)
            parts = try BatchFile.parts(lines, maxRequests: maxRequests, maxBytes: maxBytes)
        } catch {
            return failAll(error as? TeacherError ?? TeacherError(.configuration, "\(error)"))
        }
        if parts.count > 1 {
            onStatus?(
                "\(total) requests are over one batch file's limit (\(maxRequests) requests, \(maxBytes / 1_000_000) MB): "
                    + "split into \(parts.count) batch jobs")
        }
        var jobs: [Job] = []
        for range in parts {
            do {
                jobs.append(try startOrResume(Array(lines[range]).flatMap { $0 }, range: range, count: parts.count))
            } catch {
                let failure = error as? TeacherError ?? TeacherError(.transport, "\(error)")
                jobs.append(Job(range: range, id: "", finished: true, failure: failure))
            }
        }
        var results = [Result<ChatResponse, Error>?](repeating: nil, count: total)
        var index = [String: Int]()
        for (position, id) in ids.enumerated() { index[id] = position }
        var lastDone = -1
        while true {
            var done = 0
            for j in jobs.indices {
                if !jobs[j].finished { poll(&jobs[j]) }
                if jobs[j].finished, !jobs[j].delivered {
                    deliver(&jobs[j], ids: ids, index: index, total: total, into: &results, onResult: onResult)
                }
                done += jobs[j].finished ? jobs[j].range.count : jobs[j].counted
            }
            if done != lastDone {
                progress?(done, total)
                lastDone = done
            }
            if jobs.allSatisfy(\.finished) { break }
            if JobPolling.wait(pollInterval, until: { isCancelled() ? true : nil }) == true {
                let running = jobs.filter { !$0.finished }.map(\.id).joined(separator: ", ")
                let stopped = TeacherError(
                    .cancelled,
                    "stopped waiting for batch \(running), which goes on on the server; running the cell again picks it up "
                        + "(the answers it has are not lost)")
                for j in jobs.indices where !jobs[j].finished {
                    for position in jobs[j].range where results[position] == nil {
                        results[position] = .failure(stopped.at(position, of: total))
                        onResult(position, results[position]!)
                    }
                }
                break
            }
        }
        return results.map { $0 ?? .failure(TeacherError(.cancelled, "no answer")) }
    }

    /// A batch teacher answers whole calls only.
    public func stream(_ request: ChatRequest, onToken: (String) -> Void, isCancelled: () -> Bool) throws -> ChatResponse {
        throw TeacherError(
            .configuration, "a batch teacher cannot stream an answer",
            hint: "Use teacher(...) without mode: \"batch\" for chat")
    }

    // MARK: - Jobs

    /// One batch job of a call: which requests it holds and how far it has got.
    private struct Job {
        var range: Range<Int>
        var id: String
        var finished = false
        var delivered = false
        var counted = 0
        var failure: TeacherError?
        var batch: WireBatch?
        var polling = JobPolling()
    }

    /// The job for `input`: the one the journal knows (unless it ended without answers), or a new one.
    private func startOrResume(_ input: [UInt8], range: Range<Int>, count: Int) throws -> Job {
        let spec = JobJournal.spec([Array("batch".utf8), input])
        let server = configuration.baseURL
        if let id = journal.job(kind: "batch", spec: spec, server: server), let batch = try resumable(id) {
            onStatus?("picked up batch \(id) (\(batch.status)), started earlier for these \(range.count) requests")
            return Job(range: range, id: id, batch: batch)
        }
        let file = try client.uploadFile(input, filename: "fewshot-batch.jsonl", purpose: "batch")
        let created = try client.post("/batches", CreateBatch(inputFileID: file), as: WireBatch.self)
        _ = try JobsClient.checkedID(created.id, "batch")
        do {
            try journal.note(kind: "batch", spec: spec, server: server, id: created.id)
        } catch {
            onStatus?("warning: batch \(created.id) could not be noted, so running the cell again will not find it: \(error)")
        }
        onStatus?(
            "batch \(created.id) created for \(range.count) requests\(count > 1 ? " (one of \(count))" : ""); "
                + "if fewshot stops, running the cell again picks it up")
        return Job(range: range, id: created.id, batch: created)
    }

    /// The journal's batch `id` when it can still give answers: not failed or cancelled, and its
    /// files still there. nil when the server no longer knows it (another key or organisation, or
    /// deleted): a stale journal line must not block the call, so a new job is made instead.
    private func resumable(_ id: String) throws -> WireBatch? {
        let batch: WireBatch
        guard (try? JobsClient.checkedID(id, "batch")) != nil else { return nil }
        do {
            batch = try client.get("/batches/\(id)", as: WireBatch.self)
            if ["failed", "cancelled", "cancelling"].contains(batch.status) { return nil }
            for file in [batch.outputFileID, batch.errorFileID].compactMap({ $0 }) {
                _ = try client.get("/files/\(file)")
            }
        } catch let error as TeacherError where error.kind == .httpStatus(404) {
            return nil
        }
        return batch
    }

    /// Reads the job's status; a server that cannot be reached is tried again until `outageTolerance`.
    private func poll(_ job: inout Job) {
        do {
            let batch = try client.get("/batches/\(job.id)", as: WireBatch.self)
            job.polling.reached()
            job.batch = batch
            let counts = max(0, batch.requestCounts?.completed ?? 0) + max(0, batch.requestCounts?.failed ?? 0)
            job.counted = min(job.range.count, counts)
            switch batch.status {
            case "completed", "expired", "cancelled":
                job.finished = true
            case "failed":
                job.finished = true
                let reason = batch.errors?.data?.first.map {
                    "\($0.message ?? "no message")\($0.line.map { " (line \($0))" } ?? "")"
                }
                job.failure = TeacherError(.httpStatus(400), "batch \(job.id) failed: \(reason ?? "the service gave no reason")")
            default:
                break
            }
        } catch let error as TeacherError where error.isTransient {
            if job.polling.unreachable(longerThan: outageTolerance) {
                job.finished = true
                job.failure = TeacherError(
                    error.kind, "\(error.message); batch \(job.id) goes on on the server: running the cell again picks it up")
            }
        } catch {
            job.finished = true
            job.failure = error as? TeacherError ?? TeacherError(.transport, "\(error)")
        }
    }

    /// Downloads a finished job's output and error files and hands each answer to its request.
    private func deliver(
        _ job: inout Job, ids: [String], index: [String: Int], total: Int,
        into results: inout [Result<ChatResponse, Error>?], onResult: (Int, Result<ChatResponse, Error>) -> Void
    ) {
        job.delivered = true
        var answers: [String: Result<ChatResponse, TeacherError>] = [:]
        if job.failure == nil, let batch = job.batch {
            do {
                for file in [batch.outputFileID, batch.errorFileID].compactMap({ $0 }) {
                    let found = try BatchFile.results(client.download(fileID: file), source: "file \(file) of batch \(job.id)")
                    answers.merge(found) { first, _ in first }
                }
            } catch {
                job.failure = error as? TeacherError ?? TeacherError(.transport, "\(error)")
            }
        }
        let status = job.batch?.status ?? "failed"
        for position in job.range where results[position] == nil {
            let outcome: Result<ChatResponse, TeacherError>
            if let failure = job.failure {
                outcome = .failure(failure)
            } else if let answer = answers[ids[position]] {
                outcome = answer
            } else {
                outcome = .failure(TeacherError(.decoding, "batch \(job.id) ended \(status) with no result for this request"))
            }
            results[position] = outcome.mapError { $0.at(position, of: total) as Error }
            onResult(position, results[position]!)
        }
        if job.failure == nil {
            let failed = job.range.count { if case .failure = results[$0]! { return true } else { return false } }
            onStatus?("batch \(job.id) \(status): \(job.range.count - failed) answers, \(failed) failed")
        }
        _ = index
    }
}

/// The body of `POST /batches`.
private struct CreateBatch: Encodable {
    var inputFileID: String
    var endpoint = "/v1/chat/completions"
    var completionWindow = "24h"
    enum CodingKeys: String, CodingKey {
        case inputFileID = "input_file_id"
        case endpoint
        case completionWindow = "completion_window"
    }
}

/// A batch object, the fields fewshot reads.
struct WireBatch: Decodable {
    struct Counts: Decodable {
        var total: Int?
        var completed: Int?
        var failed: Int?
    }
    struct Errors: Decodable {
        struct Item: Decodable {
            var code: String?
            var message: String?
            var line: Int?
        }
        var data: [Item]?
    }
    var id: String
    var status: String
    var outputFileID: String?
    var errorFileID: String?
    var requestCounts: Counts?
    var errors: Errors?

    enum CodingKeys: String, CodingKey {
        case id, status, errors
        case outputFileID = "output_file_id"
        case errorFileID = "error_file_id"
        case requestCounts = "request_counts"
    }
}
