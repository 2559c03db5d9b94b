#ifndef AUDIENCE_SYNC_CLIBSSH_SHIM_H
#define AUDIENCE_SYNC_CLIBSSH_SHIM_H
#include <libssh/libssh.h>
#include <libssh/sftp.h>
#endif
