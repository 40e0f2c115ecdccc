#!/usr/bin/env python3
"""Print the header of a swift-interprocess segment as one JSON object.

Usage: read_segment_header.py NAME|PATH

NAME is a segment name (the file /dev/shm/NAME); anything containing a '/' is a path.
The layout is described in docs/FORMAT.md. Python 3 standard library only.
Exits 1 with a message on stderr for a missing, unreadable, too short or foreign file.
"""

import json
import mmap
import os
import stat
import struct
import sys

HEADER_SIZE = 128
MAGIC = b"SWIFTIPC"
# Offsets 0..<72 in the order of docs/FORMAT.md's header table, little-endian, no padding.
LAYOUT = struct.Struct("<8sIIIIQIIiIQQQ")
FIELDS = (
    "magic", "version", "kind", "kindVersion", "state", "totalSize", "headerSize", "flags",
    "creatorPID", "creatorPIDNamespace", "creatorStartTime", "createdAt", "checksum",
)
CHECKSUMMED = range(0, 64)
STATE_BYTES = range(20, 24)
FNV_OFFSET_BASIS = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3


def fail(message):
    print(f"read_segment_header: {message}", file=sys.stderr)
    sys.exit(1)


def checksum(header):
    """FNV-1a 64 of bytes 0..<64, the state word taken as zero."""
    value = FNV_OFFSET_BASIS
    for index in CHECKSUMMED:
        value ^= 0 if index in STATE_BYTES else header[index]
        value = (value * FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return value


def read_header(path):
    try:
        # O_NONBLOCK: a FIFO planted under the name must not hang the reader.
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError:
        fail(f"{path}: no such segment")
    except OSError as error:
        fail(f"{path}: {error.strerror}")
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            fail(f"{path}: not a regular file")
        size = info.st_size
        if size == 0:
            fail(f"{path}: the file is empty")
        prefix = os.pread(descriptor, min(size, len(MAGIC)), 0)
        if prefix != MAGIC[:len(prefix)]:
            shown = prefix.decode("ascii", "replace")
            fail(f"{path}: it starts with {shown!r}, not 'SWIFTIPC': not a swift-interprocess segment")
        if size < HEADER_SIZE:
            fail(f"{path}: it is {size} bytes, shorter than the {HEADER_SIZE}-byte header")
        with mmap.mmap(descriptor, HEADER_SIZE, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ) as mapping:
            return bytes(mapping[:HEADER_SIZE])
    finally:
        os.close(descriptor)


def main(arguments):
    if len(arguments) != 1 or arguments[0] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    target = arguments[0]
    path = target if "/" in target else "/dev/shm/" + target
    header = read_header(path)
    values = dict(zip(FIELDS, LAYOUT.unpack_from(header, 0)))
    values["magic"] = values["magic"].decode("ascii")
    values["checksumValid"] = values["checksum"] == checksum(header)
    print(json.dumps(values))


if __name__ == "__main__":
    main(sys.argv[1:])
