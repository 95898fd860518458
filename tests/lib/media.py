"""Media for the browser tests, made here rather than stored: bar-chart PNGs (plain zlib, no imaging
library needed, so the bytes are the same on every machine)."""
import struct
import zlib


def bar_png(path, bars, w, h, gap=0, color=(40, 90, 200)):
    """Writes a w x h RGB PNG of bars (heights 0..10) to path and returns its bytes. gap: blank columns
    at the start of each bar's band, so neighbouring bars stand apart."""
    rows = []
    for y in range(h):
        row = bytearray(b"\x00")
        for x in range(w):
            i = x * len(bars) // w
            in_band = gap == 0 or x % (w // len(bars)) > gap
            inside = in_band and y > h - bars[i] * h // 10
            row += bytes(color if inside else (250, 250, 250))
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)
    return data
