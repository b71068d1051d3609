import CCurl
import Foundation
import Teacher

/// What libcurl hands back during one transfer: the status line's headers and the body bytes.
///
/// libcurl's callbacks receive an opaque pointer to this object; they only append bytes, so all
/// parsing happens later on the driving thread. The callbacks refuse bytes past `limit` (headers
/// and body together), which makes libcurl abort the transfer: a server that streams without
/// end cannot take the process's memory with it.
final class TransferBuffer {
    /// Response header values by lower-cased name (the last response's, after any `100 Continue`).
    var headers: [String: String] = [:]
    /// The body received so far.
    var body: [UInt8] = []
    /// libcurl's detailed message for a failed transfer (`CURLOPT_ERRORBUFFER`).
    let errorMessage = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    /// The most bytes (header lines and body) this transfer may receive.
    var limit = Int.max
    /// Header and body bytes received so far.
    private(set) var received = 0
    /// Set when the response passed `limit` and the transfer was cut there.
    private(set) var overflowed = false
    /// When the last byte arrived (`DispatchTime` nanoseconds), 0 before the first.
    private(set) var lastByteAt: UInt64 = 0

    init() {
        errorMessage.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        errorMessage.deallocate()
    }

    /// Clears everything before the next transfer, which may receive at most `limit` bytes.
    func reset(limit: Int) {
        headers.removeAll(keepingCapacity: false)
        body.removeAll(keepingCapacity: false)
        errorMessage[0] = 0
        self.limit = limit
        received = 0
        overflowed = false
        lastByteAt = 0
    }

    /// Counts `count` more bytes; false (and `overflowed` set) when they would pass `limit`.
    func admit(_ count: Int) -> Bool {
        lastByteAt = DispatchTime.now().uptimeNanoseconds
        guard count <= limit - received else {
            overflowed = true
            return false
        }
        received += count
        return true
    }

    /// Records one raw header line; a new status line starts a fresh set.
    func addHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        guard let line = String(validating: bytes, as: UTF8.self) else { return }
        if line.hasPrefix("HTTP/") {
            headers.removeAll(keepingCapacity: true)
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        headers[name] = value
    }
}

/// libcurl's body callback: appends to the `TransferBuffer` passed as context, or returns 0
/// (libcurl then aborts with `CURLE_WRITE_ERROR`) once the response passes its limit.
let transferBodyCallback: fewshot_curl_data_callback = { data, size, count, context in
    let length = size * count
    guard let data, let context else { return length }
    let buffer = Unmanaged<TransferBuffer>.fromOpaque(context).takeUnretainedValue()
    guard buffer.admit(length) else { return 0 }
    buffer.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
    return length
}

/// libcurl's header callback: hands each header line to the `TransferBuffer` passed as
/// context, or returns 0 (an abort) once the response passes its limit.
let transferHeaderCallback: fewshot_curl_data_callback = { data, size, count, context in
    let length = size * count
    guard let data, let context else { return length }
    let buffer = Unmanaged<TransferBuffer>.fromOpaque(context).takeUnretainedValue()
    guard buffer.admit(length) else { return 0 }
    buffer.addHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}
