import CBLAS
import CCurl
import CEdit
import Testing

/// Smoke tests: each C shim links and its library really runs.
@Suite struct CShimTests {
    @Test func sgemmMultipliesTwoMatrices() {
        // (2, 3) x (3, 2) = (2, 2)
        let a: [Float] = [1, 2, 3, 4, 5, 6]
        let b: [Float] = [7, 8, 9, 10, 11, 12]
        var c = [Float](repeating: 0, count: 4)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 3, 1, a, 3, b, 2, 0, &c, 2)
        #expect(c == [58, 64, 139, 154])
    }

    @Test func curlReportsItsVersionAndMakesAHandle() throws {
        let version = String(cString: curl_version())
        #expect(version.hasPrefix("libcurl/"))
        let handle = try #require(curl_easy_init())
        defer { curl_easy_cleanup(handle) }
        #expect(fewshot_curl_easy_setopt_string(handle, CURLOPT_URL, "http://127.0.0.1:9/") == CURLE_OK)
        #expect(fewshot_curl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1) == CURLE_OK)
        var code: Int = -1
        #expect(fewshot_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK)
        #expect(code == 0)
    }

    @Test func libeditHistoryKeepsEntries() throws {
        using_history()
        let before = history_length
        add_history("print(1 + 1)")
        #expect(history_length == before + 1)
        let entry = try #require(history_get(history_base + history_length - 1))
        #expect(String(cString: entry.pointee.line) == "print(1 + 1)")
    }
}
