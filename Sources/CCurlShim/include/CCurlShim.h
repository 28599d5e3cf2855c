// A fixed-argument face of libcurl for Swift, which cannot call C variadic functions such as
// curl_easy_setopt. libcurl is not linked: odag_curl_load() opens libcurl.so.4 at run time, so the
// build needs no curl headers or -dev package, and a machine without libcurl gets an error, not a crash.
// The few libcurl numbers used here are libcurl's stable ABI values, declared by us.
#ifndef ODAG_CCURLSHIM_H
#define ODAG_CCURLSHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// libcurl option numbers (CURLOPT_*), with the type base libcurl adds to each.
enum {
    ODAG_OPT_URL = 10002,
    ODAG_OPT_PROXY = 10004,
    ODAG_OPT_HTTPHEADER = 10023,
    ODAG_OPT_CUSTOMREQUEST = 10036,
    ODAG_OPT_POSTFIELDSIZE_LARGE = 30120,
    ODAG_OPT_COPYPOSTFIELDS = 10165,
    ODAG_OPT_HTTPGET = 80,
    ODAG_OPT_POST = 47,
    ODAG_OPT_TIMEOUT_MS = 155,
    ODAG_OPT_CONNECTTIMEOUT_MS = 156,
    ODAG_OPT_SSL_VERIFYPEER = 64,
    ODAG_OPT_SSL_VERIFYHOST = 81,
    ODAG_OPT_CAINFO = 10065,
    ODAG_OPT_SSLCERT = 10025,
    ODAG_OPT_SSLKEY = 10087,
    ODAG_OPT_FRESH_CONNECT = 74,
    ODAG_OPT_HTTP_VERSION = 84,
    ODAG_OPT_MAXFILESIZE_LARGE = 30117,
    ODAG_OPT_PROTOCOLS_STR = 10318,
};

// libcurl result codes (CURLcode) the transport tells apart.
enum {
    ODAG_CURLE_OK = 0,
    ODAG_CURLE_UNSUPPORTED_PROTOCOL = 1,
    ODAG_CURLE_URL_MALFORMAT = 3,
    ODAG_CURLE_COULDNT_RESOLVE_PROXY = 5,
    ODAG_CURLE_COULDNT_RESOLVE_HOST = 6,
    ODAG_CURLE_COULDNT_CONNECT = 7,
    ODAG_CURLE_WEIRD_SERVER_REPLY = 8,
    ODAG_CURLE_PARTIAL_FILE = 18,
    ODAG_CURLE_WRITE_ERROR = 23,
    ODAG_CURLE_OPERATION_TIMEDOUT = 28,
    ODAG_CURLE_SSL_CONNECT_ERROR = 35,
    ODAG_CURLE_ABORTED_BY_CALLBACK = 42,
    ODAG_CURLE_GOT_NOTHING = 52,
    ODAG_CURLE_SEND_ERROR = 55,
    ODAG_CURLE_RECV_ERROR = 56,
    ODAG_CURLE_SSL_CERTPROBLEM = 58,
    ODAG_CURLE_SSL_CIPHER = 59,
    ODAG_CURLE_PEER_FAILED_VERIFICATION = 60,
    ODAG_CURLE_FILESIZE_EXCEEDED = 63,
    ODAG_CURLE_SSL_CACERT_BADFILE = 77,
    ODAG_CURLE_SSL_CRL_BADFILE = 82,
    ODAG_CURLE_SSL_ISSUER_ERROR = 83,
    ODAG_CURLE_PROXY = 97,
    ODAG_CURLE_SSL_CLIENTCERT = 98,
};

// libcurl information numbers (CURLINFO_*).
enum {
    ODAG_INFO_OS_ERRNO = 0x200000 + 25,
    ODAG_INFO_PRETRANSFER_TIME_T = 0x600000 + 53,
};

// CURL_HTTP_VERSION_1_1.
enum { ODAG_HTTP_VERSION_1_1 = 2 };

// Why odag_transfer_perform stopped reading an answer.
enum {
    ODAG_LIMIT_NONE = 0,
    ODAG_LIMIT_BODY = 1,
    ODAG_LIMIT_HEAD = 2,
};

/// Loads libcurl.so.4 once and initialises it. Returns 0 on success; otherwise writes why into
/// `message` (NUL-terminated, at most `capacity` bytes) and returns -1. Safe to call from any thread.
int odag_curl_load(char *message, size_t capacity);

/// libcurl's version line (`libcurl/7.88.1 OpenSSL/3.0.19 …`), or NULL before a successful load.
const char *odag_curl_version(void);

/// libcurl's text for a result code.
const char *odag_curl_strerror(int code);

/// State shared by the transfers of one transport: the DNS cache and TLS sessions, under locks.
typedef struct odag_share odag_share;

/// A new share, or NULL when libcurl is not loaded or out of memory.
odag_share *odag_share_new(void);
/// Frees a share no transfer uses any more.
void odag_share_free(odag_share *share);

/// One libcurl easy handle with its answer buffers. It keeps its connections alive between
/// transfers. One thread at a time, except odag_transfer_cancel, which any thread may call.
typedef struct odag_transfer odag_transfer;

/// A new transfer using `share` (may be NULL), or NULL when libcurl is not loaded or out of memory.
odag_transfer *odag_transfer_new(odag_share *share);
/// Frees a transfer and closes its connections.
void odag_transfer_free(odag_transfer *transfer);
/// Forgets the previous request's options, headers and answer, keeping the live connections.
void odag_transfer_reset(odag_transfer *transfer);

/// Sets an option whose value is a long. Returns libcurl's result code.
int odag_transfer_set_long(odag_transfer *transfer, int option, long value);
/// Sets an option whose value is a string (libcurl copies it). Returns libcurl's result code.
int odag_transfer_set_string(odag_transfer *transfer, int option, const char *value);
/// Sets an option whose value is a 64-bit size. Returns libcurl's result code.
int odag_transfer_set_size(odag_transfer *transfer, int option, int64_t value);
/// Appends one header line (`Name: value`, or `Name;` for an empty value). Returns 0, or -1.
int odag_transfer_add_header(odag_transfer *transfer, const char *line);
/// Sets the request body (copied by libcurl). Returns libcurl's result code.
int odag_transfer_set_body(odag_transfer *transfer, const uint8_t *bytes, size_t count);

/// Runs the transfer on the calling thread. The answer's head is kept up to `head_limit` bytes and
/// its body up to `body_limit` bytes; past either the transfer stops (see odag_transfer_limit_hit).
/// Returns libcurl's result code.
int odag_transfer_perform(odag_transfer *transfer, size_t head_limit, size_t body_limit);

/// The header lines received (all answers, interim ones included), and their length in `count`.
const uint8_t *odag_transfer_head(const odag_transfer *transfer, size_t *count);
/// The body received, and its length in `count`.
const uint8_t *odag_transfer_body(const odag_transfer *transfer, size_t *count);
/// Which limit stopped the transfer (ODAG_LIMIT_*).
int odag_transfer_limit_hit(const odag_transfer *transfer);
/// libcurl's detailed message for the last failure (may be empty).
const char *odag_transfer_error_text(const odag_transfer *transfer);
/// A long information value, or -1 when libcurl does not know it.
long odag_transfer_info_long(odag_transfer *transfer, int info);
/// A 64-bit information value, or -1 when libcurl does not know it.
int64_t odag_transfer_info_size(odag_transfer *transfer, int info);

/// Stops a running transfer as soon as possible: its sockets are shut down, which wakes libcurl at
/// once, and its progress check aborts. Any thread may call it.
void odag_transfer_cancel(odag_transfer *transfer);
/// Whether odag_transfer_cancel was called since the last reset.
int odag_transfer_cancelled(odag_transfer *transfer);

#ifdef __cplusplus
}
#endif

#endif
