import CTLS
import Glibc

/// TLS as Redis 7 configures it (tls-cert-file, tls-auth-clients, tls-protocols, ...), over the
/// system's OpenSSL 3 loaded at run time (Sources/CTLS): nothing to install to build, and a
/// clear error, only when TLS is configured, on a machine without libssl.so.3.
public struct TLSSettings: Sendable, Equatable {
    public enum AuthClients: String, Sendable, CaseIterable { case yes, no, optional }

    public var certFile = ""
    public var keyFile = ""
    public var clientCertFile = ""
    public var clientKeyFile = ""
    public var caCertFile = ""
    public var caCertDir = ""
    public var authClients = AuthClients.yes
    /// tls-protocols: "TLSv1.2 TLSv1.3" and the like; empty: OpenSSL's defaults (TLSv1.2+).
    public var protocols = ""
    public var ciphers = ""
    public var ciphersuites = ""
    public var preferServerCiphers = false
    public var sessionCaching = true
    public var sessionCacheSize = 20480
    public var sessionCacheTimeout = 300

    public init() {}

    /// The protocol bounds of tls-protocols, or why it is refused.
    public static func protocolRange(_ text: String) -> Result<(min: Int, max: Int)?, TLSError> {
        let words = text.split(separator: " ").map { $0.lowercased() }
        guard !words.isEmpty else { return .success(nil) }
        let versions: [String: Int] = ["tlsv1": Int(CTLS_TLS1_VERSION), "tlsv1.1": Int(CTLS_TLS1_1_VERSION),
                                       "tlsv1.2": Int(CTLS_TLS1_2_VERSION), "tlsv1.3": Int(CTLS_TLS1_3_VERSION)]
        var picked: [Int] = []
        for w in words {
            guard let v = versions[w] else { return .failure(TLSError("Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.")) }
            picked.append(v)
        }
        return .success((picked.min()!, picked.max()!))
    }
}

public struct TLSError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ text: String) { description = text }

    /// The reason OpenSSL queued for the last failure on this thread (and the queue cleared).
    static func openSSL(_ what: String) -> TLSError {
        let code = ctls_error_get()
        ctls_error_clear()
        guard code != 0 else { return TLSError(what) }
        var buffer = [CChar](repeating: 0, count: 256)
        ctls_error_string(code, &buffer, buffer.count)
        return TLSError("\(what): \(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))")
    }
}

/// A configured SSL_CTX: the server side of the TLS port, or the client side of outgoing links.
/// Used on the event loop's thread only.
public final class TLSContext {
    let ctx: UnsafeMutableRawPointer
    public let isServer: Bool

    /// Loads OpenSSL (once) or says why it cannot.
    public static func loadLibrary() throws(TLSError) {
        var buffer = [CChar](repeating: 0, count: 256)
        guard ctls_load(&buffer, buffer.count) == 0 else {
            throw TLSError("TLS is configured but OpenSSL 3 is not available: \(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))")
        }
    }

    public init(server: Bool, settings s: TLSSettings) throws(TLSError) {
        try Self.loadLibrary()
        guard let ctx = ctls_ctx_new(server ? 1 : 0) else { throw TLSError.openSSL("Failed to create TLS context") }
        self.ctx = ctx
        isServer = server
        // Partial writes from a buffer that may move between retries (ours grows at the end).
        // Not SSL_MODE_RELEASE_BUFFERS: it frees and reallocates OpenSSL's buffers around every
        // request on a busy connection (as Redis, which does not set it either).
        let mode = Int(CTLS_MODE_ENABLE_PARTIAL_WRITE | CTLS_MODE_ACCEPT_MOVING_WRITE_BUFFER)
        _ = ctls_ctx_ctrl(ctx, Int32(CTLS_CTRL_MODE), mode)
        // OpenSSL 3's SSL_OP_NO_RENEGOTIATION (bit 30), SSL_OP_IGNORE_UNEXPECTED_EOF (bit 7: a
        // peer that closes without close_notify is a closed connection, as for plain TCP) and
        // SSL_OP_CIPHER_SERVER_PREFERENCE (bit 22).
        _ = ctls_ctx_set_options(ctx, UInt64(1) << 30 | UInt64(1) << 7 | (s.preferServerCiphers ? UInt64(1) << 22 : 0))
        switch TLSSettings.protocolRange(s.protocols) {
        case .failure(let e): throw e
        case .success(let range?):
            _ = ctls_ctx_ctrl(ctx, Int32(CTLS_CTRL_SET_MIN_PROTO_VERSION), range.min)
            _ = ctls_ctx_ctrl(ctx, Int32(CTLS_CTRL_SET_MAX_PROTO_VERSION), range.max)
        case .success(nil): break
        }
        _ = ctls_ctx_ctrl(ctx, Int32(CTLS_CTRL_SET_DH_AUTO), 1)
        if server {
            if s.sessionCaching {
                _ = ctls_ctx_ctrl(ctx, Int32(CTLS_CTRL_SET_SESS_CACHE_MODE), Int(CTLS_SESS_CACHE_SERVER))
                _ = ctls_ctx_ctrl(ctx, Int32(CTLS_CTRL_SET_SESS_CACHE_SIZE), s.sessionCacheSize)
                _ = ctls_ctx_set_timeout(ctx, s.sessionCacheTimeout)
            } else {
                _ = ctls_ctx_ctrl(ctx, Int32(CTLS_CTRL_SET_SESS_CACHE_MODE), Int(CTLS_SESS_CACHE_OFF))
            }
        }
        // The server's certificate, or the client certificate of outgoing links (Redis uses
        // tls-client-cert-file when set, else tls-cert-file).
        let cert = !server && !s.clientCertFile.isEmpty ? s.clientCertFile : s.certFile
        let key = !server && !s.clientKeyFile.isEmpty ? s.clientKeyFile : s.keyFile
        if server || !cert.isEmpty {
            guard !cert.isEmpty else { throw TLSError("No tls-cert-file configured!") }
            guard !key.isEmpty else { throw TLSError("No tls-key-file configured!") }
            guard ctls_ctx_use_certificate_chain_file(ctx, cert) == 1 else { throw TLSError.openSSL("Failed to load certificate: \(cert)") }
            guard ctls_ctx_use_private_key_file(ctx, key) == 1 else { throw TLSError.openSSL("Failed to load private key: \(key)") }
            guard ctls_ctx_check_private_key(ctx) == 1 else { throw TLSError.openSSL("The private key does not match the certificate \(cert)") }
        }
        let needsCA = !server || s.authClients != .no
        if needsCA {
            guard !s.caCertFile.isEmpty || !s.caCertDir.isEmpty else {
                throw TLSError("Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-auth-clients is yes or optional, and for TLS replication.")
            }
            guard ctls_ctx_load_verify_locations(ctx, s.caCertFile.isEmpty ? nil : s.caCertFile, s.caCertDir.isEmpty ? nil : s.caCertDir) == 1 else {
                throw TLSError.openSSL("Failed to configure CA certificate(s) file/directory")
            }
        }
        let verify: Int32
        if !server {
            verify = Int32(CTLS_VERIFY_PEER)
        } else {
            switch s.authClients {
            case .yes: verify = Int32(CTLS_VERIFY_PEER | CTLS_VERIFY_FAIL_IF_NO_PEER_CERT)
            case .optional: verify = Int32(CTLS_VERIFY_PEER)
            case .no: verify = Int32(CTLS_VERIFY_NONE)
            }
        }
        ctls_ctx_set_verify(ctx, verify)
        if !s.ciphers.isEmpty && ctls_ctx_set_cipher_list(ctx, s.ciphers) != 1 { throw TLSError.openSSL("Failed to configure ciphers: \(s.ciphers)") }
        if !s.ciphersuites.isEmpty && ctls_ctx_set_ciphersuites(ctx, s.ciphersuites) != 1 { throw TLSError.openSSL("Failed to configure ciphersuites: \(s.ciphersuites)") }
    }

    deinit { ctls_ctx_free(ctx) }
}

/// One TLS connection over a non-blocking socket: the handshake runs as the socket allows (each
/// read or write first drives it), then reads and writes go through OpenSSL. Freed with its
/// owner (the client or link object), so a reused descriptor never meets a stale session.
public final class TLSConnection {
    let ssl: UnsafeMutableRawPointer
    public private(set) var established = false
    /// Why the connection failed (handshake or later), for the log.
    public private(set) var failure: String?

    public init(context: TLSContext, fd: Int32) throws(TLSError) {
        guard let ssl = ctls_new(context.ctx, fd, context.isServer ? 1 : 0) else { throw TLSError.openSSL("Failed to create TLS connection") }
        self.ssl = ssl
    }

    deinit { ctls_free(ssl) }

    public enum HandshakeResult: Equatable, Sendable { case done, wouldBlock, failed }

    /// Continues the handshake. A handshake that must write while the socket is full waits for
    /// the next readable event (handshake messages are a few KB, far below a socket's buffer).
    public func handshake() -> HandshakeResult {
        if established { return .done }
        if failure != nil { return .failed }
        ctls_error_clear()
        let r = ctls_do_handshake(ssl)
        if r == 1 { established = true; return .done }
        switch ctls_get_error(ssl, r) {
        case Int32(CTLS_ERROR_WANT_READ), Int32(CTLS_ERROR_WANT_WRITE): return .wouldBlock
        default:
            let verify = ctls_verify_result(ssl)
            // OpenSSL's own words, as redis-server logs them ("error:0A00010B:SSL routines::wrong
            // version number" for a plaintext client on the TLS port).
            var reason = TLSError.openSSL("").description.drop { $0 == ":" || $0 == " " }.description
            if reason.isEmpty { reason = "TLS handshake failed (the peer closed the connection)" }
            if verify != 0, let text = ctls_verify_error_string(verify) { reason += " (certificate: \(String(cString: text)))" }
            failure = reason
            return .failed
        }
    }

    /// The negotiated protocol, "TLSv1.3".
    public var version: String { ctls_version(ssl).map { String(cString: $0) } ?? "" }
    public var peerSentCertificate: Bool { ctls_has_peer_certificate(ssl) == 1 }

    /// Reads as much as is decrypted and fits, as Socket.read does for a plain socket.
    public func read(into scratch: UnsafeMutableRawBufferPointer) -> Socket.IOResult {
        switch handshake() {
        case .done: break
        case .wouldBlock: return .wouldBlock
        case .failed: return .failed(EPROTO)
        }
        var total = 0
        // Whole records until OpenSSL wants more from the socket; a record is at most 16 KB, so
        // a scratch of that size or more never leaves decrypted bytes behind unannounced.
        while total < scratch.count {
            let r = ctls_read(ssl, scratch.baseAddress! + total, Int32(min(scratch.count - total, Int(Int32.max))))
            if r > 0 {
                total += Int(r)
                // Nothing more decrypted: stop rather than ask the socket again (that would be
                // one more recv, failing with EAGAIN, per request; epoll, level-triggered,
                // reports what is still in the kernel's buffer).
                if ctls_pending(ssl) == 0 { break }
                continue
            }
            let error = ctls_get_error(ssl, r)
            if error == Int32(CTLS_ERROR_WANT_READ) || error == Int32(CTLS_ERROR_WANT_WRITE) { break }
            if total > 0 { break }
            if error == Int32(CTLS_ERROR_ZERO_RETURN) { return .closed }
            if error == Int32(CTLS_ERROR_SYSCALL) && errno == 0 { return .closed }
            failure = TLSError.openSSL("TLS read failed").description
            return .failed(EPROTO)
        }
        return total > 0 ? .bytes(total) : .wouldBlock
    }

    /// Writes as much of `bytes` as the socket takes (Socket.writeOut's loop calls it).
    public func write(_ bytes: UnsafeRawBufferPointer) -> Socket.IOResult {
        guard bytes.count > 0 else { return .bytes(0) }
        switch handshake() {
        case .done: break
        case .wouldBlock: return .wouldBlock
        case .failed: return .failed(EPROTO)
        }
        let r = ctls_write(ssl, bytes.baseAddress, Int32(min(bytes.count, 1 << 30)))
        if r > 0 { return .bytes(Int(r)) }
        switch ctls_get_error(ssl, r) {
        case Int32(CTLS_ERROR_WANT_READ), Int32(CTLS_ERROR_WANT_WRITE): return .wouldBlock
        default:
            failure = TLSError.openSSL("TLS write failed").description
            return .failed(EPROTO)
        }
    }

    /// Sends close_notify (best effort, never blocks).
    public func shutdown() { _ = ctls_shutdown(ssl) }
}
