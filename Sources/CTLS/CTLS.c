// Resolves the OpenSSL 3 functions CTLS.h wraps with dlopen/dlsym; see the header for why.
#include "CTLS.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static struct {
    int (*init_ssl)(uint64_t, const void *);
    const void *(*server_method)(void);
    const void *(*client_method)(void);
    void *(*ctx_new)(const void *);
    void (*ctx_free)(void *);
    int (*use_chain)(void *, const char *);
    int (*use_key)(void *, const char *, int);
    int (*check_key)(const void *);
    int (*load_verify)(void *, const char *, const char *);
    void (*set_verify)(void *, int, void *);
    long (*ctx_ctrl)(void *, int, long, void *);
    int (*cipher_list)(void *, const char *);
    int (*ciphersuites)(void *, const char *);
    uint64_t (*set_options)(void *, uint64_t);
    long (*set_timeout)(void *, long);
    void *(*ssl_new)(void *);
    void (*ssl_free)(void *);
    int (*set_fd)(void *, int);
    void (*accept_state)(void *);
    void (*connect_state)(void *);
    int (*handshake)(void *);
    int (*read)(void *, void *, int);
    int (*write)(void *, const void *, int);
    int (*get_error)(const void *, int);
    int (*pending)(const void *);
    int (*shutdown)(void *);
    const char *(*version)(const void *);
    void *(*peer_certificate)(const void *);
    void (*x509_free)(void *);
    long (*verify_result)(const void *);
    const char *(*verify_string)(long);
    unsigned long (*err_get)(void);
    void (*err_string)(unsigned long, char *, size_t);
    void (*err_clear)(void);
} f;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[256];
static int loaded = -1;

#define RESOLVE(lib, field, name) \
    do { \
        *(void **)(&f.field) = dlsym(lib, name); \
        if (!f.field) { snprintf(load_error, sizeof load_error, "%s has no %s", #lib, name); return; } \
    } while (0)

static void load(void) {
    void *crypto = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_GLOBAL);
    if (!crypto) { snprintf(load_error, sizeof load_error, "cannot load libcrypto.so.3 (OpenSSL 3): %s", dlerror()); return; }
    void *ssl = dlopen("libssl.so.3", RTLD_NOW | RTLD_GLOBAL);
    if (!ssl) { snprintf(load_error, sizeof load_error, "cannot load libssl.so.3 (OpenSSL 3): %s", dlerror()); return; }
    RESOLVE(ssl, init_ssl, "OPENSSL_init_ssl");
    RESOLVE(ssl, server_method, "TLS_server_method");
    RESOLVE(ssl, client_method, "TLS_client_method");
    RESOLVE(ssl, ctx_new, "SSL_CTX_new");
    RESOLVE(ssl, ctx_free, "SSL_CTX_free");
    RESOLVE(ssl, use_chain, "SSL_CTX_use_certificate_chain_file");
    RESOLVE(ssl, use_key, "SSL_CTX_use_PrivateKey_file");
    RESOLVE(ssl, check_key, "SSL_CTX_check_private_key");
    RESOLVE(ssl, load_verify, "SSL_CTX_load_verify_locations");
    RESOLVE(ssl, set_verify, "SSL_CTX_set_verify");
    RESOLVE(ssl, ctx_ctrl, "SSL_CTX_ctrl");
    RESOLVE(ssl, cipher_list, "SSL_CTX_set_cipher_list");
    RESOLVE(ssl, ciphersuites, "SSL_CTX_set_ciphersuites");
    RESOLVE(ssl, set_options, "SSL_CTX_set_options");
    RESOLVE(ssl, set_timeout, "SSL_CTX_set_timeout");
    RESOLVE(ssl, ssl_new, "SSL_new");
    RESOLVE(ssl, ssl_free, "SSL_free");
    RESOLVE(ssl, set_fd, "SSL_set_fd");
    RESOLVE(ssl, accept_state, "SSL_set_accept_state");
    RESOLVE(ssl, connect_state, "SSL_set_connect_state");
    RESOLVE(ssl, handshake, "SSL_do_handshake");
    RESOLVE(ssl, read, "SSL_read");
    RESOLVE(ssl, write, "SSL_write");
    RESOLVE(ssl, get_error, "SSL_get_error");
    RESOLVE(ssl, pending, "SSL_pending");
    RESOLVE(ssl, shutdown, "SSL_shutdown");
    RESOLVE(ssl, version, "SSL_get_version");
    RESOLVE(ssl, peer_certificate, "SSL_get1_peer_certificate");
    RESOLVE(ssl, verify_result, "SSL_get_verify_result");
    RESOLVE(crypto, x509_free, "X509_free");
    RESOLVE(crypto, verify_string, "X509_verify_cert_error_string");
    RESOLVE(crypto, err_get, "ERR_get_error");
    RESOLVE(crypto, err_string, "ERR_error_string_n");
    RESOLVE(crypto, err_clear, "ERR_clear_error");
    if (f.init_ssl(0, NULL) != 1) { snprintf(load_error, sizeof load_error, "OPENSSL_init_ssl failed"); return; }
    loaded = 0;
}

int ctls_load(char *error, size_t error_length) {
    pthread_once(&once, load);
    if (loaded != 0 && error && error_length) snprintf(error, error_length, "%s", load_error);
    return loaded;
}

void *ctls_ctx_new(int server) { return f.ctx_new(server ? f.server_method() : f.client_method()); }
void ctls_ctx_free(void *ctx) { f.ctx_free(ctx); }
int ctls_ctx_use_certificate_chain_file(void *ctx, const char *path) { return f.use_chain(ctx, path); }
int ctls_ctx_use_private_key_file(void *ctx, const char *path) { return f.use_key(ctx, path, 1 /* PEM */); }
int ctls_ctx_check_private_key(void *ctx) { return f.check_key(ctx); }
int ctls_ctx_load_verify_locations(void *ctx, const char *file, const char *dir) { return f.load_verify(ctx, file, dir); }
void ctls_ctx_set_verify(void *ctx, int mode) { f.set_verify(ctx, mode, NULL); }
long ctls_ctx_ctrl(void *ctx, int cmd, long larg) { return f.ctx_ctrl(ctx, cmd, larg, NULL); }
int ctls_ctx_set_cipher_list(void *ctx, const char *ciphers) { return f.cipher_list(ctx, ciphers); }
int ctls_ctx_set_ciphersuites(void *ctx, const char *suites) { return f.ciphersuites(ctx, suites); }
uint64_t ctls_ctx_set_options(void *ctx, uint64_t options) { return f.set_options(ctx, options); }
long ctls_ctx_set_timeout(void *ctx, long seconds) { return f.set_timeout(ctx, seconds); }

void *ctls_new(void *ctx, int fd, int server) {
    void *ssl = f.ssl_new(ctx);
    if (!ssl) return NULL;
    if (f.set_fd(ssl, fd) != 1) { f.ssl_free(ssl); return NULL; }
    if (server) f.accept_state(ssl); else f.connect_state(ssl);
    return ssl;
}
void ctls_free(void *ssl) { f.ssl_free(ssl); }
int ctls_do_handshake(void *ssl) { return f.handshake(ssl); }
int ctls_read(void *ssl, void *buffer, int length) { return f.read(ssl, buffer, length); }
int ctls_write(void *ssl, const void *buffer, int length) { return f.write(ssl, buffer, length); }
int ctls_get_error(void *ssl, int result) { return f.get_error(ssl, result); }
int ctls_pending(void *ssl) { return f.pending(ssl); }
int ctls_shutdown(void *ssl) { return f.shutdown(ssl); }
const char *ctls_version(void *ssl) { return f.version(ssl); }
int ctls_has_peer_certificate(void *ssl) {
    void *cert = f.peer_certificate(ssl);
    if (!cert) return 0;
    f.x509_free(cert);
    return 1;
}
long ctls_verify_result(void *ssl) { return f.verify_result(ssl); }
const char *ctls_verify_error_string(long code) { return f.verify_string(code); }
unsigned long ctls_error_get(void) { return f.err_get(); }
void ctls_error_string(unsigned long code, char *buffer, size_t length) { f.err_string(code, buffer, length); }
void ctls_error_clear(void) { f.err_clear(); }
