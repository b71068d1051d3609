import CCurl
import Foundation

/// What libcurl hands back during one transfer: the status line's headers and the body bytes.
///
/// libcurl's callbacks receive an opaque pointer to this object; they only append bytes, so all
/// parsing happens later on the driving thread.
final class TransferBuffer {
    /// Response header values by lower-cased name (the last response's, after any `100 Continue`).
    var headers: [String: String] = [:]
    /// The body received so far.
    var body: [UInt8] = []
    /// libcurl's detailed message for a failed transfer (`CURLOPT_ERRORBUFFER`).
    let errorMessage = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init() {
        errorMessage.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        errorMessage.deallocate()
    }

    /// Clears everything before the next transfer.
    func reset() {
        headers.removeAll(keepingCapacity: true)
        body.removeAll(keepingCapacity: true)
        errorMessage[0] = 0
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

/// libcurl's body callback: appends to the `TransferBuffer` passed as context.
let transferBodyCallback: fewshot_curl_data_callback = { data, size, count, context in
    let length = size * count
    guard let data, let context else { return length }
    let buffer = Unmanaged<TransferBuffer>.fromOpaque(context).takeUnretainedValue()
    buffer.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
    return length
}

/// libcurl's header callback: hands each header line to the `TransferBuffer` passed as context.
let transferHeaderCallback: fewshot_curl_data_callback = { data, size, count, context in
    let length = size * count
    guard let data, let context else { return length }
    let buffer = Unmanaged<TransferBuffer>.fromOpaque(context).takeUnretainedValue()
    buffer.addHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}
