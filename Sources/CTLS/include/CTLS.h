// The part of OpenSSL's libssl 3 that TLS needs, loaded at run time with dlopen: the build needs
// no OpenSSL headers or library, and a machine without libssl.so.3 still runs everything but
// TLS (ctls_load then says why). Handles are opaque pointers; the constants are OpenSSL 3's.
#ifndef CTLS_H
#define CTLS_H
#include <stddef.h>
#include <stdint.h>

enum {
    CTLS_ERROR_SSL = 1, CTLS_ERROR_WANT_READ = 2, CTLS_ERROR_WANT_WRITE = 3,
    CTLS_ERROR_SYSCALL = 5, CTLS_ERROR_ZERO_RETURN = 6,
    CTLS_VERIFY_NONE = 0, CTLS_VERIFY_PEER = 1, CTLS_VERIFY_FAIL_IF_NO_PEER_CERT = 2,
    CTLS_CTRL_MODE = 33, CTLS_CTRL_SET_SESS_CACHE_SIZE = 42, CTLS_CTRL_SET_SESS_CACHE_MODE = 44,
    CTLS_CTRL_SET_DH_AUTO = 118, CTLS_CTRL_SET_MIN_PROTO_VERSION = 123, CTLS_CTRL_SET_MAX_PROTO_VERSION = 124,
    CTLS_MODE_ENABLE_PARTIAL_WRITE = 1, CTLS_MODE_ACCEPT_MOVING_WRITE_BUFFER = 2, CTLS_MODE_RELEASE_BUFFERS = 16,
    CTLS_SESS_CACHE_OFF = 0, CTLS_SESS_CACHE_SERVER = 2,
    CTLS_TLS1_VERSION = 0x0301, CTLS_TLS1_1_VERSION = 0x0302, CTLS_TLS1_2_VERSION = 0x0303, CTLS_TLS1_3_VERSION = 0x0304,
};

/// Loads libssl.so.3 and libcrypto.so.3 once; 0 when ready, else -1 with the reason in `error`.
int ctls_load(char *error, size_t error_length);

void *ctls_ctx_new(int server);
void ctls_ctx_free(void *ctx);
int ctls_ctx_use_certificate_chain_file(void *ctx, const char *path);
int ctls_ctx_use_private_key_file(void *ctx, const char *path);
int ctls_ctx_check_private_key(void *ctx);
int ctls_ctx_load_verify_locations(void *ctx, const char *file, const char *dir);
void ctls_ctx_set_verify(void *ctx, int mode);
long ctls_ctx_ctrl(void *ctx, int cmd, long larg);
int ctls_ctx_set_cipher_list(void *ctx, const char *ciphers);
int ctls_ctx_set_ciphersuites(void *ctx, const char *suites);
uint64_t ctls_ctx_set_options(void *ctx, uint64_t options);
long ctls_ctx_set_timeout(void *ctx, long seconds);

/// A connection on `fd`, in the server (accept) or client (connect) role.
void *ctls_new(void *ctx, int fd, int server);
void ctls_free(void *ssl);
int ctls_do_handshake(void *ssl);
int ctls_read(void *ssl, void *buffer, int length);
int ctls_write(void *ssl, const void *buffer, int length);
int ctls_get_error(void *ssl, int result);
int ctls_pending(void *ssl);
int ctls_shutdown(void *ssl);
/// The negotiated protocol ("TLSv1.3").
const char *ctls_version(void *ssl);
/// Whether the peer sent a certificate.
int ctls_has_peer_certificate(void *ssl);
long ctls_verify_result(void *ssl);
const char *ctls_verify_error_string(long code);

/// The oldest error of this thread's queue as OpenSSL words it (0 when none), and clearing it.
unsigned long ctls_error_get(void);
void ctls_error_string(unsigned long code, char *buffer, size_t length);
void ctls_error_clear(void);

#endif
