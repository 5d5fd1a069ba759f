// Counts live heap bytes by interposing the malloc family: an executable that defines `malloc`
// is where the dynamic linker resolves every library's calls to it (glibc documents this as
// "Replacing malloc"), so Swift's runtime, Foundation and libc itself allocate through these
// functions. Each forwards to glibc's own allocator (__libc_*, exported for this purpose) and
// adds or subtracts the size of the block's chunk.
//
// Why not mallinfo2(): it walks every free list of every arena, and on a heap of a million keys
// with churn it took ~200 ms a call (measured on this machine), so it could serve neither a
// per-command maxmemory check nor even INFO on a hot node.
//
// Every function that hands out a block is wrapped, so that free() subtracting the size of a
// block that was never added cannot happen; reallocarray is not interposable inside glibc and
// goes through realloc here.
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include "CMallocCount.h"

extern void *__libc_malloc(size_t);
extern void __libc_free(void *);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);

// Relaxed: the count is a statistic read by one thread; each update is still atomic, because
// Dispatch and the runtime allocate on other threads.
static _Atomic size_t used_bytes;

// The size of the block's chunk, read from the header glibc keeps in the word before every
// block it returns (the size, with three flag bits below it): what the block costs, header
// included. malloc_usable_size() computes nearly this but checks the next chunk too, and was 3%
// of a pipelined SET's instructions (callgrind); this is two. The same header is read when the
// block is allocated and when it is freed, so the count cannot drift.
static inline size_t chunk_bytes(const void *p) { return ((const size_t *)p)[-1] & ~(size_t)7; }

static inline void *counted(void *p) {
    if (p) atomic_fetch_add_explicit(&used_bytes, chunk_bytes(p), memory_order_relaxed);
    return p;
}

static inline void uncount(void *p) {
    if (p) atomic_fetch_sub_explicit(&used_bytes, chunk_bytes(p), memory_order_relaxed);
}

size_t malloc_count_used(void) { return atomic_load_explicit(&used_bytes, memory_order_relaxed); }

void *malloc(size_t n) { return counted(__libc_malloc(n)); }

void free(void *p) {
    uncount(p);
    __libc_free(p);
}

void *calloc(size_t n, size_t size) { return counted(__libc_calloc(n, size)); }

void *realloc(void *p, size_t n) {
    size_t before = p ? chunk_bytes(p) : 0;
    void *q = __libc_realloc(p, n);
    // realloc(p, 0) frees p and may return NULL; a failed realloc leaves p as it was.
    if (q) {
        atomic_fetch_add_explicit(&used_bytes, chunk_bytes(q), memory_order_relaxed);
        atomic_fetch_sub_explicit(&used_bytes, before, memory_order_relaxed);
    } else if (n == 0 && p) {
        atomic_fetch_sub_explicit(&used_bytes, before, memory_order_relaxed);
    }
    return q;
}

void *reallocarray(void *p, size_t n, size_t size) {
    size_t total;
    if (__builtin_mul_overflow(n, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(p, total);
}

void *memalign(size_t alignment, size_t n) { return counted(__libc_memalign(alignment, n)); }

void *aligned_alloc(size_t alignment, size_t n) { return counted(__libc_memalign(alignment, n)); }

int posix_memalign(void **out, size_t alignment, size_t n) {
    // posix_memalign's own checks: a power of two multiple of sizeof(void *).
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0 || alignment == 0) return EINVAL;
    void *p = __libc_memalign(alignment, n);
    if (!p) return ENOMEM;
    *out = counted(p);
    return 0;
}

void *valloc(size_t n) { return counted(__libc_valloc(n)); }

void *pvalloc(size_t n) { return counted(__libc_pvalloc(n)); }
