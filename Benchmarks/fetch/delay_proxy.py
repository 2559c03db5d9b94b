#!/usr/bin/env python3
"""TCP forwarder that adds a fixed one-way delay in each direction (stdlib only).

    delay_proxy.py --listen-port P --target-port T [--listen-host 127.0.0.1]
                   [--target-host 127.0.0.1] [--delay-ms 25] [--max-buffer-mb 256]
                   [--ready-file PATH]

Every chunk read from one side is written to the other side `delay` seconds after it
was read (25 ms each way: about 50 ms round trip), in order. Bandwidth is not limited:
each direction has a queue of (due time, bytes); a reader task appends as fast as data
arrives and a writer task waits only until the *head* chunk is due, so everything that
is already due goes out back to back (a bandwidth-delay product worth of data is simply
held in the queue). Only if more than --max-buffer-mb is queued in one direction does
the reader pause (a safety valve against unbounded memory; at 25 ms that is ~10 GB/s).

Half-closes are forwarded (EOF after the delay); a reset closes both sides.
Stops on SIGTERM/SIGINT. With --ready-file, writes the file once listening.
"""
import argparse
import asyncio
import collections
import signal
import sys
import time

READ_SIZE = 1 << 18


class Pipe:
    """One direction: src reader -> delayed queue -> dst writer."""

    def __init__(self, reader, writer, delay, max_buffer):
        self.reader = reader
        self.writer = writer
        self.delay = delay
        self.max_buffer = max_buffer
        self.queue = collections.deque()   # (due, bytes or None for EOF)
        self.queued_bytes = 0
        self.have_data = asyncio.Event()
        self.have_room = asyncio.Event()
        self.have_room.set()

    async def pump_in(self):
        loop = asyncio.get_running_loop()
        try:
            while True:
                await self.have_room.wait()
                data = await self.reader.read(READ_SIZE)
                due = loop.time() + self.delay
                if not data:
                    self.queue.append((due, None))
                    self.have_data.set()
                    return
                self.queue.append((due, data))
                self.queued_bytes += len(data)
                if self.queued_bytes > self.max_buffer:
                    self.have_room.clear()
                self.have_data.set()
        except (ConnectionError, OSError):
            self.queue.append((loop.time(), None))
            self.have_data.set()
            raise

    async def pump_out(self):
        loop = asyncio.get_running_loop()
        while True:
            while not self.queue:
                self.have_data.clear()
                await self.have_data.wait()
            due, data = self.queue[0]
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            self.queue.popleft()
            if data is None:
                if self.writer.can_write_eof():
                    self.writer.write_eof()
                return
            # Write every chunk that is due now in one go, then drain once.
            self.writer.write(data)
            self.queued_bytes -= len(data)
            now = loop.time()
            while self.queue and self.queue[0][0] <= now and self.queue[0][1] is not None:
                _, more = self.queue.popleft()
                self.writer.write(more)
                self.queued_bytes -= len(more)
            if self.queued_bytes <= self.max_buffer:
                self.have_room.set()
            await self.writer.drain()


async def handle(client_reader, client_writer, args):
    try:
        server_reader, server_writer = await asyncio.open_connection(
            args.target_host, args.target_port, limit=READ_SIZE * 4)
    except OSError as error:
        print(f"delay_proxy: cannot connect to {args.target_host}:{args.target_port}: {error}", file=sys.stderr)
        client_writer.close()
        return
    delay = args.delay_ms / 1000.0
    max_buffer = args.max_buffer_mb << 20
    up = Pipe(client_reader, server_writer, delay, max_buffer)
    down = Pipe(server_reader, client_writer, delay, max_buffer)
    tasks = [asyncio.ensure_future(t) for t in (up.pump_in(), up.pump_out(), down.pump_in(), down.pump_out())]
    try:
        # Finish when both directions delivered their EOF, or as soon as anything fails.
        pending = set(tasks)
        while pending and not (tasks[1].done() and tasks[3].done()):
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            if any(not t.cancelled() and t.exception() is not None for t in done):
                break
    except asyncio.CancelledError:
        pass
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for w in (client_writer, server_writer):
            try:
                w.close()
            except Exception:
                pass


async def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listen-host", default="127.0.0.1")
    parser.add_argument("--listen-port", type=int, required=True)
    parser.add_argument("--target-host", default="127.0.0.1")
    parser.add_argument("--target-port", type=int, required=True)
    parser.add_argument("--delay-ms", type=float, default=25.0, help="one-way delay per direction (default 25)")
    parser.add_argument("--max-buffer-mb", type=int, default=256, help="per-direction safety cap (default 256)")
    parser.add_argument("--ready-file", help="write this file once listening")
    args = parser.parse_args()

    server = await asyncio.start_server(
        lambda r, w: handle(r, w, args), args.listen_host, args.listen_port, limit=READ_SIZE * 4)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if args.ready_file:
        with open(args.ready_file, "w") as f:
            f.write(f"{time.time()}\n")
    print(f"delay_proxy: {args.listen_host}:{args.listen_port} -> {args.target_host}:{args.target_port}, "
          f"{args.delay_ms:g} ms each way", file=sys.stderr)
    async with server:
        await stop.wait()
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
