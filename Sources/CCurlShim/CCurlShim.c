#define _GNU_SOURCE
#include "CCurlShim.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

// libcurl numbers used only inside this file.
enum {
    OPT_WRITEDATA = 10001,
    OPT_ERRORBUFFER = 10010,
    OPT_WRITEFUNCTION = 20011,
    OPT_HEADERDATA = 10029,
    OPT_HEADERFUNCTION = 20079,
    OPT_NOPROGRESS = 43,
    OPT_XFERINFODATA = 10057,
    OPT_XFERINFOFUNCTION = 20219,
    OPT_NOSIGNAL = 99,
    OPT_SHARE = 10100,
    OPT_SUPPRESS_CONNECT_HEADERS = 265,
    OPT_OPENSOCKETFUNCTION = 20163,
    OPT_OPENSOCKETDATA = 10164,
    OPT_CLOSESOCKETFUNCTION = 20208,
    OPT_CLOSESOCKETDATA = 10209,
    SHOPT_SHARE = 1,
    SHOPT_LOCKFUNC = 3,
    SHOPT_UNLOCKFUNC = 4,
    SHOPT_USERDATA = 5,
    LOCK_DATA_DNS = 3,
    LOCK_DATA_SSL_SESSION = 4,
    LOCK_DATA_COUNT = 8,
    GLOBAL_DEFAULT = 3,
    ERROR_SIZE = 256,
    TRACKED_SOCKETS = 16,
};

// The address libcurl hands to an open-socket callback (struct curl_sockaddr).
struct socket_address {
    int family;
    int socktype;
    int protocol;
    unsigned int addrlen;
    struct sockaddr addr;
};

struct slist;

static struct {
    int (*global_init)(long);
    char *(*version)(void);
    void *(*easy_init)(void);
    void (*easy_cleanup)(void *);
    void (*easy_reset)(void *);
    int (*easy_setopt)(void *, int, ...);
    int (*easy_perform)(void *);
    int (*easy_getinfo)(void *, int, ...);
    const char *(*easy_strerror)(int);
    struct slist *(*slist_append)(struct slist *, const char *);
    void (*slist_free_all)(struct slist *);
    void *(*share_init)(void);
    int (*share_setopt)(void *, int, ...);
    int (*share_cleanup)(void *);
} api;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_status = -1;
static char load_message[512];
static const char *version_text;

static void load_library(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(load_message, sizeof load_message, "%s", reason ? reason : "libcurl.so.4 cannot be opened");
        return;
    }
    struct {
        const char *name;
        void **slot;
    } symbols[] = {
        {"curl_global_init", (void **)&api.global_init},
        {"curl_version", (void **)&api.version},
        {"curl_easy_init", (void **)&api.easy_init},
        {"curl_easy_cleanup", (void **)&api.easy_cleanup},
        {"curl_easy_reset", (void **)&api.easy_reset},
        {"curl_easy_setopt", (void **)&api.easy_setopt},
        {"curl_easy_perform", (void **)&api.easy_perform},
        {"curl_easy_getinfo", (void **)&api.easy_getinfo},
        {"curl_easy_strerror", (void **)&api.easy_strerror},
        {"curl_slist_append", (void **)&api.slist_append},
        {"curl_slist_free_all", (void **)&api.slist_free_all},
        {"curl_share_init", (void **)&api.share_init},
        {"curl_share_setopt", (void **)&api.share_setopt},
        {"curl_share_cleanup", (void **)&api.share_cleanup},
    };
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        void *found = dlsym(library, symbols[i].name);
        if (found == NULL) {
            snprintf(load_message, sizeof load_message, "libcurl.so.4 has no %s (too old?)", symbols[i].name);
            return;
        }
        *symbols[i].slot = found;
    }
    if (api.global_init(GLOBAL_DEFAULT) != 0) {
        snprintf(load_message, sizeof load_message, "libcurl's global initialisation failed");
        return;
    }
    version_text = api.version();
    load_status = 0;
}

int odag_curl_load(char *message, size_t capacity) {
    pthread_once(&load_once, load_library);
    if (load_status != 0 && message != NULL && capacity > 0) {
        snprintf(message, capacity, "%s", load_message);
    }
    return load_status;
}

const char *odag_curl_version(void) { return load_status == 0 ? version_text : NULL; }

const char *odag_curl_strerror(int code) {
    return load_status == 0 ? api.easy_strerror(code) : "libcurl is not loaded";
}

struct odag_share {
    void *handle;
    pthread_mutex_t locks[LOCK_DATA_COUNT];
};

static void share_lock(void *easy, int data, int access, void *user) {
    (void)easy;
    (void)access;
    struct odag_share *share = user;
    if (data >= 0 && data < LOCK_DATA_COUNT) pthread_mutex_lock(&share->locks[data]);
}

static void share_unlock(void *easy, int data, void *user) {
    (void)easy;
    struct odag_share *share = user;
    if (data >= 0 && data < LOCK_DATA_COUNT) pthread_mutex_unlock(&share->locks[data]);
}

odag_share *odag_share_new(void) {
    if (load_status != 0) return NULL;
    struct odag_share *share = calloc(1, sizeof *share);
    if (share == NULL) return NULL;
    share->handle = api.share_init();
    if (share->handle == NULL) {
        free(share);
        return NULL;
    }
    for (int i = 0; i < LOCK_DATA_COUNT; i++) pthread_mutex_init(&share->locks[i], NULL);
    api.share_setopt(share->handle, SHOPT_LOCKFUNC, share_lock);
    api.share_setopt(share->handle, SHOPT_UNLOCKFUNC, share_unlock);
    api.share_setopt(share->handle, SHOPT_USERDATA, (void *)share);
    api.share_setopt(share->handle, SHOPT_SHARE, (long)LOCK_DATA_DNS);
    api.share_setopt(share->handle, SHOPT_SHARE, (long)LOCK_DATA_SSL_SESSION);
    return share;
}

void odag_share_free(odag_share *share) {
    if (share == NULL) return;
    api.share_cleanup(share->handle);
    for (int i = 0; i < LOCK_DATA_COUNT; i++) pthread_mutex_destroy(&share->locks[i]);
    free(share);
}

struct buffer {
    uint8_t *bytes;
    size_t count;
    size_t capacity;
    size_t limit;
};

struct odag_transfer {
    void *easy;
    odag_share *share;
    struct slist *headers;
    struct buffer head;
    struct buffer body;
    int limit_hit;
    atomic_int cancelled;
    pthread_mutex_t sockets_lock;
    int sockets[TRACKED_SOCKETS];
    char error[ERROR_SIZE];
};

// Appends to a buffer within its limit; returns 0 when the limit would be passed or memory is short.
static int buffer_append(struct buffer *buffer, const char *bytes, size_t count) {
    if (count > buffer->limit - buffer->count) return 0;
    if (buffer->count + count > buffer->capacity) {
        size_t wanted = buffer->capacity < 16384 ? 16384 : buffer->capacity * 2;
        while (wanted < buffer->count + count) wanted *= 2;
        if (wanted > buffer->limit) wanted = buffer->limit;
        uint8_t *grown = realloc(buffer->bytes, wanted);
        if (grown == NULL) return 0;
        buffer->bytes = grown;
        buffer->capacity = wanted;
    }
    memcpy(buffer->bytes + buffer->count, bytes, count);
    buffer->count += count;
    return 1;
}

static size_t on_body(char *bytes, size_t size, size_t count, void *user) {
    struct odag_transfer *transfer = user;
    size_t total = size * count;
    if (!buffer_append(&transfer->body, bytes, total)) {
        transfer->limit_hit = ODAG_LIMIT_BODY;
        return 0;
    }
    return total;
}

static size_t on_header(char *bytes, size_t size, size_t count, void *user) {
    struct odag_transfer *transfer = user;
    size_t total = size * count;
    if (!buffer_append(&transfer->head, bytes, total)) {
        transfer->limit_hit = ODAG_LIMIT_HEAD;
        return 0;
    }
    return total;
}

static int on_progress(void *user, int64_t download_total, int64_t download_now, int64_t upload_total,
                       int64_t upload_now) {
    (void)download_total;
    (void)download_now;
    (void)upload_total;
    (void)upload_now;
    struct odag_transfer *transfer = user;
    return atomic_load(&transfer->cancelled) ? 1 : 0;
}

// Sockets are opened here so that a cancel from another thread can shut them down and wake libcurl.
static int on_open_socket(void *user, int purpose, struct socket_address *address) {
    (void)purpose;
    struct odag_transfer *transfer = user;
    int descriptor = socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (descriptor < 0) return -1;
    pthread_mutex_lock(&transfer->sockets_lock);
    for (int i = 0; i < TRACKED_SOCKETS; i++) {
        if (transfer->sockets[i] < 0) {
            transfer->sockets[i] = descriptor;
            break;
        }
    }
    if (atomic_load(&transfer->cancelled)) shutdown(descriptor, SHUT_RDWR);
    pthread_mutex_unlock(&transfer->sockets_lock);
    return descriptor;
}

static int on_close_socket(void *user, int descriptor) {
    struct odag_transfer *transfer = user;
    pthread_mutex_lock(&transfer->sockets_lock);
    for (int i = 0; i < TRACKED_SOCKETS; i++) {
        if (transfer->sockets[i] == descriptor) transfer->sockets[i] = -1;
    }
    pthread_mutex_unlock(&transfer->sockets_lock);
    return close(descriptor);
}

static void set_defaults(struct odag_transfer *transfer) {
    void *easy = transfer->easy;
    transfer->error[0] = 0;
    api.easy_setopt(easy, OPT_ERRORBUFFER, transfer->error);
    // Threads must never get SIGALRM from libcurl's resolver timeouts.
    api.easy_setopt(easy, OPT_NOSIGNAL, 1L);
    api.easy_setopt(easy, OPT_WRITEFUNCTION, on_body);
    api.easy_setopt(easy, OPT_WRITEDATA, (void *)transfer);
    api.easy_setopt(easy, OPT_HEADERFUNCTION, on_header);
    api.easy_setopt(easy, OPT_HEADERDATA, (void *)transfer);
    api.easy_setopt(easy, OPT_NOPROGRESS, 0L);
    api.easy_setopt(easy, OPT_XFERINFOFUNCTION, on_progress);
    api.easy_setopt(easy, OPT_XFERINFODATA, (void *)transfer);
    api.easy_setopt(easy, OPT_OPENSOCKETFUNCTION, on_open_socket);
    api.easy_setopt(easy, OPT_OPENSOCKETDATA, (void *)transfer);
    api.easy_setopt(easy, OPT_CLOSESOCKETFUNCTION, on_close_socket);
    api.easy_setopt(easy, OPT_CLOSESOCKETDATA, (void *)transfer);
    // A proxy's answer to CONNECT is not the server's answer.
    api.easy_setopt(easy, OPT_SUPPRESS_CONNECT_HEADERS, 1L);
    if (transfer->share != NULL) api.easy_setopt(easy, OPT_SHARE, transfer->share->handle);
}

odag_transfer *odag_transfer_new(odag_share *share) {
    if (load_status != 0) return NULL;
    struct odag_transfer *transfer = calloc(1, sizeof *transfer);
    if (transfer == NULL) return NULL;
    transfer->easy = api.easy_init();
    if (transfer->easy == NULL) {
        free(transfer);
        return NULL;
    }
    transfer->share = share;
    pthread_mutex_init(&transfer->sockets_lock, NULL);
    for (int i = 0; i < TRACKED_SOCKETS; i++) transfer->sockets[i] = -1;
    atomic_init(&transfer->cancelled, 0);
    set_defaults(transfer);
    return transfer;
}

void odag_transfer_free(odag_transfer *transfer) {
    if (transfer == NULL) return;
    // The close-socket callback still needs the transfer while libcurl closes its connections.
    api.easy_cleanup(transfer->easy);
    if (transfer->headers != NULL) api.slist_free_all(transfer->headers);
    free(transfer->head.bytes);
    free(transfer->body.bytes);
    pthread_mutex_destroy(&transfer->sockets_lock);
    free(transfer);
}

void odag_transfer_reset(odag_transfer *transfer) {
    api.easy_reset(transfer->easy);
    if (transfer->headers != NULL) api.slist_free_all(transfer->headers);
    transfer->headers = NULL;
    transfer->head.count = 0;
    transfer->body.count = 0;
    // A large answer's memory is not kept for the next, usually small, one.
    if (transfer->body.capacity > (1u << 20)) {
        free(transfer->body.bytes);
        transfer->body.bytes = NULL;
        transfer->body.capacity = 0;
    }
    transfer->limit_hit = ODAG_LIMIT_NONE;
    atomic_store(&transfer->cancelled, 0);
    set_defaults(transfer);
}

int odag_transfer_set_long(odag_transfer *transfer, int option, long value) {
    return api.easy_setopt(transfer->easy, option, value);
}

int odag_transfer_set_string(odag_transfer *transfer, int option, const char *value) {
    return api.easy_setopt(transfer->easy, option, value);
}

int odag_transfer_set_size(odag_transfer *transfer, int option, int64_t value) {
    return api.easy_setopt(transfer->easy, option, value);
}

int odag_transfer_add_header(odag_transfer *transfer, const char *line) {
    struct slist *grown = api.slist_append(transfer->headers, line);
    if (grown == NULL) return -1;
    transfer->headers = grown;
    return 0;
}

int odag_transfer_set_body(odag_transfer *transfer, const uint8_t *bytes, size_t count) {
    int result = api.easy_setopt(transfer->easy, ODAG_OPT_POSTFIELDSIZE_LARGE, (int64_t)count);
    if (result != 0) return result;
    // COPYPOSTFIELDS copies exactly POSTFIELDSIZE bytes, NULs included.
    static const char empty[1] = {0};
    return api.easy_setopt(transfer->easy, ODAG_OPT_COPYPOSTFIELDS, count > 0 ? (const char *)bytes : empty);
}

int odag_transfer_perform(odag_transfer *transfer, size_t head_limit, size_t body_limit) {
    transfer->head.limit = head_limit;
    transfer->body.limit = body_limit;
    if (transfer->headers != NULL) api.easy_setopt(transfer->easy, ODAG_OPT_HTTPHEADER, transfer->headers);
    if (atomic_load(&transfer->cancelled)) return ODAG_CURLE_ABORTED_BY_CALLBACK;
    return api.easy_perform(transfer->easy);
}

const uint8_t *odag_transfer_head(const odag_transfer *transfer, size_t *count) {
    *count = transfer->head.count;
    return transfer->head.bytes;
}

const uint8_t *odag_transfer_body(const odag_transfer *transfer, size_t *count) {
    *count = transfer->body.count;
    return transfer->body.bytes;
}

int odag_transfer_limit_hit(const odag_transfer *transfer) { return transfer->limit_hit; }

const char *odag_transfer_error_text(const odag_transfer *transfer) { return transfer->error; }

long odag_transfer_info_long(odag_transfer *transfer, int info) {
    long value = -1;
    if (api.easy_getinfo(transfer->easy, info, &value) != 0) return -1;
    return value;
}

int64_t odag_transfer_info_size(odag_transfer *transfer, int info) {
    int64_t value = -1;
    if (api.easy_getinfo(transfer->easy, info, &value) != 0) return -1;
    return value;
}

void odag_transfer_cancel(odag_transfer *transfer) {
    pthread_mutex_lock(&transfer->sockets_lock);
    atomic_store(&transfer->cancelled, 1);
    for (int i = 0; i < TRACKED_SOCKETS; i++) {
        if (transfer->sockets[i] >= 0) shutdown(transfer->sockets[i], SHUT_RDWR);
    }
    pthread_mutex_unlock(&transfer->sockets_lock);
}

int odag_transfer_cancelled(odag_transfer *transfer) { return atomic_load(&transfer->cancelled); }
