"""An SMTP server on 127.0.0.1:PORT that accepts every message and keeps none: the far end of
the newsletter bench (bench/queue_jobs.py). Prints "ready" once it listens."""

import asyncio
import sys


async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"220 sink ESMTP\r\n")
    while line := await reader.readline():
        command = line[:4].upper()
        if command == b"DATA":
            writer.write(b"354 go on\r\n")
            while await reader.readline() not in (b".\r\n", b""):
                pass
            writer.write(b"250 kept nowhere\r\n")
        elif command == b"EHLO":
            writer.write(b"250-sink\r\n250 8BITMIME\r\n")
        elif command == b"QUIT":
            writer.write(b"221 bye\r\n")
            break
        else:  # HELO, MAIL, RCPT, RSET, NOOP
            writer.write(b"250 OK\r\n")
        await writer.drain()
    await writer.drain()
    writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(session, "127.0.0.1", port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
