import CCurl
import Foundation
import Teacher

/// One HTTP request for the engine to send: a POST with a body, or a GET (an empty `body` and
/// `isGet`).
struct HTTPPost {
    /// The full URL.
    var url: String
    /// The request headers (shared by every attempt of every request of one bulk call).
    var headers: CurlHeaderList
    /// The request body.
    var body: [UInt8]
    /// Limit on the whole transfer, in seconds.
    var timeout: Double
    /// Limit on establishing the connection, in seconds.
    var connectTimeout: Double
    /// The longest silence, in seconds, once the response has started to arrive.
    var readTimeout: Double = .infinity
    /// The most bytes the response may have, header lines and body together.
    var maxResponseBytes: Int = .max
    /// Send a GET instead of a POST (the job endpoints' reads and downloads).
    var isGet = false
}

/// What one attempt of one request produced.
struct HTTPAttempt {
    /// libcurl's result; `CURLE_OK` when a whole response arrived (whatever its status).
    var result: CURLcode
    /// libcurl's detailed message when `result` is not `CURLE_OK`.
    var transportMessage: String
    /// The HTTP status, 0 when no response arrived.
    var status: Int
    /// Response headers by lower-cased name.
    var headers: [String: String]
    /// The response body.
    var body: [UInt8]
    /// Set when the response passed `HTTPPost.maxResponseBytes` and was cut there.
    var overflowed = false
    /// Set when the response stopped arriving for `HTTPPost.readTimeout` and was abandoned.
    var stalled = false

    /// Whether the transfer failed below HTTP (connect, reset, timeout, ...).
    var isTransportFailure: Bool { result != CURLE_OK }
    /// Whether the transfer ran out of time (the whole limit, or the silence limit).
    var timedOut: Bool { result == CURLE_OPERATION_TIMEDOUT }
}

/// What to do after an attempt.
enum HTTPAttemptDecision {
    /// The request is over (succeeded or failed for good).
    case finish
    /// Send it again after this many seconds.
    case retry(after: Double)
}

/// One transfer in flight: which request, its handle, how much of its body `onBody` has seen,
/// and its silence limit.
private struct ActiveTransfer {
    var index: Int
    var easy: CurlEasy
    var delivered = 0
    var readTimeout: Double
}

/// Drives many POSTs at once over one libcurl multi handle, on the calling thread.
///
/// The multi handle and its pool of easy handles live as long as the engine, so connections to a
/// server stay open between bulk calls. Not thread-safe: one `run` at a time (callers lock).
///
/// No server can hold a transfer for ever or grow it without bound: each has a whole-transfer
/// timeout, a silence limit once bytes have started to arrive (a stall mid-body), and a cap on
/// the bytes it may receive, past which it is cut at once (`HTTPAttempt.overflowed`).
final class HTTPEngine {
    private let multi: CurlMulti
    private var idle: [CurlEasy] = []
    private var buffers: [UnsafeMutableRawPointer: TransferBuffer] = [:]
    /// Longest wait inside `poll`, so cancellation and due retries are seen promptly.
    private let pollSliceMilliseconds = 50

    init() throws {
        multi = try CurlMulti()
    }

    /// Sends requests `0..<count` with at most `maxInFlight` at once.
    ///
    /// - `post(i)` builds request `i` (called again for each retry).
    /// - `onBody(i, bytes)` sees body bytes as they arrive, for streaming; returning false
    ///   abandons that transfer (reported to `onAttempt` as `CURLE_ABORTED_BY_CALLBACK`).
    /// - `onAttempt(i, attempt)` judges each finished attempt: finish, or retry after a delay.
    /// - `isCancelled` is checked between polls; when it turns true, transfers in flight are
    ///   abandoned and the indices that never finished are returned.
    func run(
        count: Int, maxInFlight: Int, post: (Int) -> HTTPPost,
        onBody: ((Int, ArraySlice<UInt8>) -> Bool)? = nil,
        onAttempt: (Int, HTTPAttempt) -> HTTPAttemptDecision,
        isCancelled: () -> Bool
    ) -> [Int] {
        var nextFresh = 0
        var retries: [(index: Int, due: UInt64)] = []
        var active: [UnsafeMutableRawPointer: ActiveTransfer] = [:]
        var finished = Set<Int>()
        let limit = max(1, maxInFlight)

        // Removes a finished or failed transfer from the multi handle and pools its easy handle.
        func retire(_ key: UnsafeMutableRawPointer) {
            guard let entry = active.removeValue(forKey: key) else { return }
            multi.remove(entry.easy)
            idle.append(entry.easy)
        }

        // Starts request `index`; a setup failure is reported as a transport failure of the attempt.
        func start(_ index: Int) -> HTTPAttemptDecision? {
            var easy: CurlEasy?
            do {
                easy = try idle.popLast() ?? makeEasy()
                guard let easy else { return nil }
                let request = post(index)
                buffers[easy.handle]?.reset(limit: request.maxResponseBytes)
                try configure(easy, for: request)
                try multi.add(easy)
                active[easy.handle] = ActiveTransfer(index: index, easy: easy, readTimeout: request.readTimeout)
                return nil
            } catch {
                if let easy { idle.append(easy) }
                let failed = HTTPAttempt(
                    result: CURLE_FAILED_INIT, transportMessage: "\(error)", status: 0, headers: [:], body: [])
                return onAttempt(index, failed)
            }
        }

        while finished.count < count {
            if isCancelled() { break }
            let now = DispatchTime.now().uptimeNanoseconds
            // Fill free slots: due retries first, then fresh requests in order.
            while active.count < limit {
                let index: Int
                if let due = retries.firstIndex(where: { $0.due <= now }) {
                    index = retries.remove(at: due).index
                } else if nextFresh < count {
                    index = nextFresh
                    nextFresh += 1
                } else {
                    break
                }
                switch start(index) {
                case nil: break
                case .finish?: finished.insert(index)
                case .retry(let delay)?: retries.append((index, now + UInt64(max(0, delay) * 1e9)))
                }
            }
            if active.isEmpty {
                guard let earliest = retries.map(\.due).min() else { continue }
                let waitNanoseconds = earliest > now ? earliest - now : 0
                usleep(UInt32(min(waitNanoseconds / 1000, UInt64(pollSliceMilliseconds) * 1000)))
                continue
            }
            do {
                try multi.perform()
            } catch {
                // The multi handle itself failed: every transfer in flight fails with that reason.
                for key in Array(active.keys) {
                    let index = active[key]!.index
                    retire(key)
                    let failed = HTTPAttempt(
                        result: CURLE_FAILED_INIT, transportMessage: "\(error)", status: 0, headers: [:], body: [])
                    if case .retry(let delay) = onAttempt(index, failed) {
                        retries.append((index, now + UInt64(max(0, delay) * 1e9)))
                    } else {
                        finished.insert(index)
                    }
                }
                continue
            }
            var ended: [(handle: UnsafeMutableRawPointer, result: CURLcode)] = []
            if let onBody {
                ended += deliver(to: onBody, active: &active).map { ($0, CURLE_ABORTED_BY_CALLBACK) }
            }
            while let done = multi.nextFinished() { ended.append(done) }
            let stalled = self.stalled(active, now: DispatchTime.now().uptimeNanoseconds)
            ended += stalled.filter { key in !ended.contains { $0.handle == key } }.map { ($0, CURLE_OPERATION_TIMEDOUT) }
            for done in ended {
                guard let entry = active[done.handle], let buffer = buffers[done.handle] else { continue }
                let wasStalled = done.result == CURLE_OPERATION_TIMEDOUT && stalled.contains(done.handle)
                var attempt = HTTPAttempt(
                    result: done.result,
                    transportMessage: done.result == CURLE_OK ? "" : transportMessage(done.result, buffer),
                    status: entry.easy.responseCode(), headers: buffer.headers, body: buffer.body)
                attempt.overflowed = buffer.overflowed
                attempt.stalled = wasStalled
                retire(done.handle)
                switch onAttempt(entry.index, attempt) {
                case .finish:
                    finished.insert(entry.index)
                case .retry(let delay):
                    let due = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, delay) * 1e9)
                    retries.append((entry.index, due))
                }
            }
            if finished.count < count, !active.isEmpty {
                var wait = pollSliceMilliseconds
                if let earliest = retries.map(\.due).min(), active.count < limit {
                    let now = DispatchTime.now().uptimeNanoseconds
                    wait = min(wait, earliest > now ? Int((earliest - now) / 1_000_000) : 0)
                }
                try? multi.poll(milliseconds: wait)
            }
        }
        for key in Array(active.keys) { retire(key) }
        return (0..<count).filter { !finished.contains($0) }
    }

    /// The transfers whose response started but has sent nothing for longer than their silence
    /// limit (a server stalled mid-body).
    private func stalled(_ active: [UnsafeMutableRawPointer: ActiveTransfer], now: UInt64) -> [UnsafeMutableRawPointer] {
        active.compactMap { key, entry in
            guard entry.readTimeout.isFinite, let last = buffers[key]?.lastByteAt, last > 0, now > last else { return nil }
            return Double(now - last) / 1e9 > entry.readTimeout ? key : nil
        }
    }

    /// Hands body bytes that arrived since the last call to `onBody`; returns the transfers
    /// `onBody` asked to abandon.
    private func deliver(
        to onBody: (Int, ArraySlice<UInt8>) -> Bool,
        active: inout [UnsafeMutableRawPointer: ActiveTransfer]
    ) -> [UnsafeMutableRawPointer] {
        var abandoned: [UnsafeMutableRawPointer] = []
        for (key, entry) in active {
            guard let buffer = buffers[key], buffer.body.count > entry.delivered else { continue }
            let fresh = buffer.body[entry.delivered...]
            active[key]!.delivered = buffer.body.count
            if !onBody(entry.index, fresh) { abandoned.append(key) }
        }
        return abandoned
    }

    /// A new easy handle wired to its own `TransferBuffer`.
    private func makeEasy() throws -> CurlEasy {
        let easy = try CurlEasy()
        let buffer = TransferBuffer()
        let context = Unmanaged.passUnretained(buffer).toOpaque()
        try easy.setNoSignal(true)
        try easy.setAcceptAllEncodings()
        try easy.setWriteFunction(transferBodyCallback, context: context)
        try easy.setHeaderFunction(transferHeaderCallback, context: context)
        try easy.setErrorBuffer(buffer.errorMessage)
        buffers[easy.handle] = buffer
        return easy
    }

    /// Sets every per-request option on `easy`.
    private func configure(_ easy: CurlEasy, for post: HTTPPost) throws {
        try easy.setURL(post.url)
        try easy.setHeaders(post.headers)
        if post.isGet {
            try easy.setGet()
        } else {
            try easy.setPostBody(post.body)
        }
        try easy.setTimeout(milliseconds: max(1, Int(post.timeout * 1000)))
        try easy.setConnectTimeout(milliseconds: max(1, Int(post.connectTimeout * 1000)))
    }

    /// libcurl's detailed message for a failed transfer, or its generic one.
    private func transportMessage(_ result: CURLcode, _ buffer: TransferBuffer) -> String {
        let detail = String(cString: buffer.errorMessage)
        return detail.isEmpty ? String(cString: curl_easy_strerror(result)) : detail
    }
}
