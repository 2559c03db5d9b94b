#!/usr/bin/env python3
"""A minimal SFTP version 3 server for tests, run by sshd as its sftp subsystem.

    fake_sftp_server.py MODE

Serves real files (OPEN, FSTAT, STAT/LSTAT, READ, CLOSE) and bends the READ replies by MODE:
  reverse      valid but unusual: replies to each batch of queued reads in reverse order, every
               reply at most 10,000 bytes (short replies)
  oversize     a DATA reply with more bytes than requested
  unknown-id   a DATA reply to a request id that was never sent
  wrong-type   a HANDLE reply to a read request
  failure      SSH_FX_FAILURE with the message "disk on fire"
  stall        never answers reads (the client's watchdog must end it)
"""
import os
import select
import struct
import sys

MODE = sys.argv[1]
IN, OUT = sys.stdin.buffer, sys.stdout.buffer
handles = {}


def send(kind, payload):
    OUT.write(struct.pack(">IB", len(payload) + 1, kind) + payload)
    OUT.flush()


def string(data):
    return struct.pack(">I", len(data)) + data


def attrs(path):
    st = os.stat(path)
    return struct.pack(">IQIIIII", 0x1 | 0x2 | 0x4 | 0x8, st.st_size, st.st_uid, st.st_gid,
                       st.st_mode, int(st.st_atime), int(st.st_mtime))


def status(rid, code, message=b""):
    send(101, struct.pack(">II", rid, code) + string(message) + string(b""))


def read_exact(n):
    data = b""
    while len(data) < n:
        chunk = IN.read(n - len(data))
        if not chunk:
            sys.exit(0)
        data += chunk
    return data


def take_string(buf, at):
    (n,) = struct.unpack_from(">I", buf, at)
    return buf[at + 4:at + 4 + n], at + 4 + n


def answer_read(rid, handle, offset, length):
    f = handles[handle]
    if MODE == "stall":
        return
    if MODE == "unknown-id":
        send(103, struct.pack(">I", rid + 1000) + string(b"x"))
        return
    if MODE == "wrong-type":
        send(102, struct.pack(">I", rid) + string(b"h"))
        return
    if MODE == "failure":
        status(rid, 4, b"disk on fire")
        return
    if MODE == "reverse":
        length = min(length, 10_000)
    f.seek(offset)
    data = f.read(length)
    if not data:
        status(rid, 1, b"End of file")
        return
    if MODE == "oversize":
        data = data + b"!" * (length + 1 - len(data))
    send(103, struct.pack(">I", rid) + string(data))


queued = []
while True:
    if queued and not select.select([IN], [], [], 0.02)[0]:
        for request in reversed(queued):
            answer_read(*request)
        queued = []
    (length,) = struct.unpack(">I", read_exact(4))
    packet = read_exact(length)
    kind, body = packet[0], packet[1:]
    if kind == 1:  # INIT
        send(2, struct.pack(">I", 3))
        continue
    (rid,) = struct.unpack_from(">I", body, 0)
    if kind == 3:  # OPEN
        path, _ = take_string(body, 4)
        try:
            f = open(path, "rb")
        except OSError:
            status(rid, 2, b"No such file")
            continue
        handle = b"h%d" % len(handles)
        handles[handle] = f
        send(102, struct.pack(">I", rid) + string(handle))
    elif kind == 4:  # CLOSE
        handle, _ = take_string(body, 4)
        handles.pop(handle, None)
        status(rid, 0)
    elif kind == 5:  # READ
        handle, at = take_string(body, 4)
        offset, size = struct.unpack_from(">QI", body, at)
        if MODE == "reverse":
            queued.append((rid, handle, offset, size))
            if len(queued) >= 8:
                for request in reversed(queued):
                    answer_read(*request)
                queued = []
        else:
            answer_read(rid, handle, offset, size)
    elif kind == 8:  # FSTAT
        handle, _ = take_string(body, 4)
        send(105, struct.pack(">I", rid) + attrs(handles[handle].name))
    elif kind in (7, 17):  # LSTAT, STAT
        path, _ = take_string(body, 4)
        try:
            send(105, struct.pack(">I", rid) + attrs(path))
        except OSError:
            status(rid, 2, b"No such file")
    else:
        status(rid, 8, b"Unsupported")
