// The bytes this process holds from malloc, counted as they are allocated and freed, for
// miniredis's used_memory and maxmemory (Redis counts its allocations the same way, in
// zmalloc). Linked into miniredis only.
#ifndef CMALLOCCOUNT_H
#define CMALLOCCOUNT_H
#include <stddef.h>

/// Bytes of every live allocation (each chunk with its header), all threads together.
size_t malloc_count_used(void);
#endif
