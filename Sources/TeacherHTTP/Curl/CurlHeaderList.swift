import CCurl

/// Owns a libcurl `curl_slist` of request headers and frees it when released.
///
/// The list must outlive every transfer that uses it, so transfers keep a reference.
final class CurlHeaderList {
    private(set) var pointer: UnsafeMutablePointer<curl_slist>?

    /// Builds the list from header lines such as `"Content-Type: application/json"`.
    init(_ lines: [String]) {
        for line in lines {
            pointer = curl_slist_append(pointer, line)
        }
    }

    deinit {
        curl_slist_free_all(pointer)
    }
}
