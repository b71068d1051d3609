import CCurl

/// A libcurl call that failed outside a transfer (setting an option, creating a handle).
struct CurlError: Error, CustomStringConvertible {
    /// What we were doing, e.g. `"setting CURLOPT_URL"`.
    var operation: String
    /// libcurl's own words for the failure.
    var reason: String

    var description: String { "libcurl failed \(operation): \(reason)" }

    /// Throws when `code` is not `CURLE_OK`.
    static func check(_ code: CURLcode, _ operation: @autoclosure () -> String) throws {
        guard code != CURLE_OK else { return }
        throw CurlError(operation: operation(), reason: String(cString: curl_easy_strerror(code)))
    }

    /// Throws when `code` is not `CURLM_OK`.
    static func check(_ code: CURLMcode, _ operation: @autoclosure () -> String) throws {
        guard code != CURLM_OK else { return }
        throw CurlError(operation: operation(), reason: String(cString: curl_multi_strerror(code)))
    }
}

/// libcurl's process-wide initialisation, done once before the first handle is made.
enum CurlRuntime {
    /// Initialises libcurl on first use; the result says whether that succeeded.
    static let initialised: Bool = fewshot_curl_global_init_default() == CURLE_OK
}
