#ifndef AUDIENCE_SYNC_CWRITEBEHIND_SHIM_H
#define AUDIENCE_SYNC_CWRITEBEHIND_SHIM_H
#include <sys/types.h>

#ifdef __linux__
// glibc declares sync_file_range only under _GNU_SOURCE, which Swift's Glibc module is not built with.
// The prototype is glibc's (fcntl.h); the flag value is the kernel's SYNC_FILE_RANGE_WRITE.
extern int sync_file_range(int fd, __off64_t offset, __off64_t nbytes, unsigned int flags);
// Likewise fallocate (fcntl.h); the flag value is the kernel's FALLOC_FL_KEEP_SIZE.
extern int fallocate(int fd, int mode, __off64_t offset, __off64_t len);

/// Reserves disk blocks for [0, length) without changing the file size. Fails with EOPNOTSUPP where the
/// file system cannot (unlike posix_fallocate, which would then write zeros).
static inline int audience_reserve(int fd, long long length) {
    return fallocate(fd, 1 /* FALLOC_FL_KEEP_SIZE */, 0, (__off64_t)length);
}

/// Starts writeback of the dirty pages in [offset, offset + length) without waiting for it.
static inline int audience_start_writeback(int fd, long long offset, long long length) {
    return sync_file_range(fd, (__off64_t)offset, (__off64_t)length, 2u /* SYNC_FILE_RANGE_WRITE */);
}
#else
static inline int audience_start_writeback(int fd, long long offset, long long length) {
    (void)fd; (void)offset; (void)length;
    return 0;
}

static inline int audience_reserve(int fd, long long length) {
    (void)fd; (void)length;
    return 0;
}
#endif

#endif
