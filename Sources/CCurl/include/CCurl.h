// Typed wrappers for libcurl's variadic functions, which Swift cannot call directly.
// Each wrapper fixes the type of the third argument; the option constants are libcurl's own.
#ifndef FEWSHOT_CCURL_H
#define FEWSHOT_CCURL_H

#include <curl/curl.h>

/// Callback types, named so Swift sees plain function pointers.
typedef size_t (*fewshot_curl_data_callback)(char *data, size_t size, size_t count, void *context);
typedef int (*fewshot_curl_progress_callback)(void *context, curl_off_t dltotal, curl_off_t dlnow,
                                             curl_off_t ultotal, curl_off_t ulnow);

CURLcode fewshot_curl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode fewshot_curl_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
CURLcode fewshot_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode fewshot_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode fewshot_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode fewshot_curl_easy_setopt_data_callback(CURL *handle, CURLoption option,
                                                fewshot_curl_data_callback value);
CURLcode fewshot_curl_easy_setopt_progress_callback(CURL *handle, CURLoption option,
                                                    fewshot_curl_progress_callback value);

CURLcode fewshot_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode fewshot_curl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value);
CURLcode fewshot_curl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value);
CURLcode fewshot_curl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);

CURLMcode fewshot_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

/// `curl_global_init(CURL_GLOBAL_DEFAULT)`: the flag is a composite macro Swift cannot import.
CURLcode fewshot_curl_global_init_default(void);

/// The `CURLcode` of a finished transfer, read out of `CURLMsg`'s anonymous union.
CURLcode fewshot_curl_msg_result(const CURLMsg *message);

#endif
