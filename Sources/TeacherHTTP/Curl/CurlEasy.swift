import CCurl

/// Owns one libcurl easy handle: one labelled method per option we use, freed in `deinit`.
///
/// An easy handle is one transfer's settings and state; the multi handle drives it. Handles are
/// reused across transfers (each option is set again before every transfer).
final class CurlEasy {
    /// The raw handle, for the multi interface.
    let handle: UnsafeMutableRawPointer
    /// Keeps the current header list alive while libcurl points at it.
    private var headers: CurlHeaderList?

    init() throws {
        guard CurlRuntime.initialised else {
            throw CurlError(operation: "initialising", reason: "curl_global_init failed")
        }
        guard let handle = curl_easy_init() else {
            throw CurlError(operation: "creating an easy handle", reason: "curl_easy_init returned NULL")
        }
        self.handle = handle
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    /// `CURLOPT_URL`; libcurl copies the string.
    func setURL(_ url: String) throws {
        try CurlError.check(fewshot_curl_easy_setopt_string(handle, CURLOPT_URL, url), "setting the URL")
    }

    /// `CURLOPT_POSTFIELDSIZE` and `CURLOPT_COPYPOSTFIELDS`: a POST with this body, copied by libcurl.
    func setPostBody(_ body: [UInt8]) throws {
        try CurlError.check(
            fewshot_curl_easy_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)),
            "setting the body size")
        // COPYPOSTFIELDS copies POSTFIELDSIZE bytes; an empty body still needs a valid pointer.
        let storage: [UInt8] = body.isEmpty ? [0] : body
        try storage.withUnsafeBytes { bytes in
            try CurlError.check(
                fewshot_curl_easy_setopt_pointer(
                    handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress!)),
                "setting the body")
        }
    }

    /// `CURLOPT_HTTPGET`: the next transfer is a GET (undoes an earlier handle's POST body).
    func setGet() throws {
        try CurlError.check(fewshot_curl_easy_setopt_long(handle, CURLOPT_HTTPGET, 1), "setting GET")
    }

    /// `CURLOPT_HTTPHEADER`; the list is kept alive by this handle until replaced.
    func setHeaders(_ list: CurlHeaderList) throws {
        headers = list
        try CurlError.check(fewshot_curl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, list.pointer), "setting headers")
    }

    /// `CURLOPT_TIMEOUT_MS`: the whole transfer, connection included.
    func setTimeout(milliseconds: Int) throws {
        try CurlError.check(fewshot_curl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds), "setting the timeout")
    }

    /// `CURLOPT_CONNECTTIMEOUT_MS`.
    func setConnectTimeout(milliseconds: Int) throws {
        try CurlError.check(
            fewshot_curl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, milliseconds), "setting the connect timeout")
    }

    /// `CURLOPT_NOSIGNAL`: never use signals (required when threads are about).
    func setNoSignal(_ on: Bool) throws {
        try CurlError.check(fewshot_curl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, on ? 1 : 0), "setting NOSIGNAL")
    }

    /// `CURLOPT_ACCEPT_ENCODING` with `""`: accept every encoding libcurl can decode.
    func setAcceptAllEncodings() throws {
        try CurlError.check(fewshot_curl_easy_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""), "setting encodings")
    }

    /// `CURLOPT_WRITEFUNCTION` and `CURLOPT_WRITEDATA`: where body bytes go.
    func setWriteFunction(_ function: fewshot_curl_data_callback, context: UnsafeMutableRawPointer) throws {
        try CurlError.check(
            fewshot_curl_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, function), "setting the body callback")
        try CurlError.check(fewshot_curl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context), "setting body data")
    }

    /// `CURLOPT_HEADERFUNCTION` and `CURLOPT_HEADERDATA`: where header lines go.
    func setHeaderFunction(_ function: fewshot_curl_data_callback, context: UnsafeMutableRawPointer) throws {
        try CurlError.check(
            fewshot_curl_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, function),
            "setting the header callback")
        try CurlError.check(fewshot_curl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context), "setting header data")
    }

    /// `CURLOPT_ERRORBUFFER`: libcurl writes a detailed message here when a transfer fails.
    func setErrorBuffer(_ buffer: UnsafeMutablePointer<CChar>) throws {
        try CurlError.check(
            fewshot_curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, buffer), "setting the error buffer")
    }

    /// `CURLINFO_RESPONSE_CODE`: the last HTTP status received, 0 when none.
    func responseCode() -> Int {
        var code = 0
        _ = fewshot_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }
}
