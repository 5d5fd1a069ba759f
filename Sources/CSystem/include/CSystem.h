// System headers that Glibc's Swift module does not expose, and one wrapper for a variadic call
// Swift cannot make (prctl); otherwise the project has no C code of its own.
#ifndef CSYSTEM_H
#define CSYSTEM_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <spawn.h>
#include <malloc.h>
#include <sys/wait.h>
#include <sys/prctl.h>

/// Asks the kernel to send `sig` to the calling process when its parent dies (PR_SET_PDEATHSIG).
/// prctl is variadic, so Swift cannot call it directly.
static inline int csystem_set_parent_death_signal(int sig) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)sig, 0UL, 0UL, 0UL);
}
#endif
