#!/usr/bin/env python3
"""Writes a 90-day history of production decisions for `mmgate backfill`.

usage: generate.py OUT_DIR [--traces N] [--seed S] [--zst]

OUT_DIR gets traces.jsonl (or traces.jsonl.zst), media/ (PNG screenshots of
the image traces) and truth.json: for every category the share the candidate
(candidate.py) is built to flip and the flips it really makes over the whole
history, so `mmgate backfill analyze` can be checked against the truth.

The history is synthetic but not trivial: five categories with their own
decision vocabularies and volumes, image and text traces, ground truth on
about a third of them (production right on ~85%), a few request hashes, a
few malformed lines, a few traces whose screenshot has since been deleted.
"""
import argparse
import hashlib
import json
import os
import random
import struct
import subprocess
import zlib

import candidate

DAY_MS = 86_400_000
START_MS = 1_788_220_800_000  # 2026-09-01T00:00:00Z


def png(path, seed, w=64, h=40):
    rnd = random.Random(seed)
    color = bytes(rnd.randrange(256) for _ in range(3))
    rows = b"".join(b"\x00" + color * w for _ in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


def request_hash(modality, prompt, media_paths):
    """The hash docs/traces.md defines: length-prefixed parts, 8-byte LE."""
    h = hashlib.sha256()
    def feed(b):
        h.update(struct.pack("<Q", len(b)) + b)
    feed(b"mmgate-request-v1")
    feed(modality.encode())
    feed(prompt.encode())
    for mtype, path in media_paths:
        feed(mtype.encode())
        feed(open(path, "rb").read())
    return "sha256:" + h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--traces", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--zst", action="store_true")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    os.makedirs(os.path.join(a.out, "media"), exist_ok=True)
    volume = {"refund": 0.35, "shipping": 0.25, "account": 0.2, "fraud": 0.1, "damage": 0.1}
    cats = list(volume)
    truth = {c: {"flip_share": candidate.FLIP_SHARE[c], "traces": 0, "flips": 0} for c in cats}
    lines = []
    for i in range(a.traces):
        cat = rnd.choices(cats, weights=[volume[c] for c in cats])[0]
        tid = f"t-{i:06d}"
        t_ms = START_MS + rnd.randrange(90 * DAY_MS)
        region = rnd.choice(["eu", "us", "apac"])
        prompt = f"[{cat}] case {tid}: customer in {region} writes about order {rnd.randrange(10**6)}"
        modality, media = "text", []
        if cat == "damage" or (cat == "refund" and rnd.random() < 0.3):
            modality = "image"
            rel = f"media/{tid}.png"
            png(os.path.join(a.out, rel), i)
            media = [{"type": "image", "path": rel}]
        old = candidate.production_decision(prompt, cat)
        new = candidate.candidate_decision(prompt, cat)[0]
        truth[cat]["traces"] += 1
        truth[cat]["flips"] += old != new
        t = {"id": tid, "time": t_ms if i % 5 == 0 else
             __import__("datetime").datetime.utcfromtimestamp(t_ms / 1000).strftime("%Y-%m-%dT%H:%M:%SZ"),
             "model_version": "prod-2026-08", "category": cat, "modality": modality,
             "slices": {"region": region}, "prompt": prompt, "media": media,
             "decision": old, "confidence": round(0.5 + rnd.random() / 2, 3)}
        if rnd.random() < 0.33:
            vocab = candidate.VOCAB[cat]
            t["ground_truth"] = old if rnd.random() < 0.85 else rnd.choice([v for v in vocab if v != old])
        if i % 50 == 0:
            t["request_hash"] = request_hash(
                modality, prompt, [(m["type"], os.path.join(a.out, m["path"])) for m in media])
        if rnd.random() < 0.05:
            t["signals"] = {"thumbs_down": True, "retries": rnd.randrange(3)}
        lines.append(json.dumps(t))
    # What production logs really look like at the edges: a cut line, a
    # wrong type, a screenshot deleted since.
    lines.insert(10, '{"id": "t-broken", "time": "2026-09-02T10:00:00Z", "category": "refund", "decision": ')
    lines.insert(20, '{"id": "t-badconf", "time": "2026-09-02T10:00:00Z", "category": "refund", '
                     '"decision": "approve", "confidence": "high"}')
    gone = [json.loads(l)["id"] for l in lines if '"media": [{' in l][:3]
    for g in gone:
        os.remove(os.path.join(a.out, "media", f"{g}.png"))
    text = "\n".join(lines) + "\n"
    path = os.path.join(a.out, "traces.jsonl")
    with open(path, "w") as f:
        f.write(text)
    if a.zst:
        subprocess.run(["zstd", "-q", "-f", "--rm", path], check=True)
    with open(os.path.join(a.out, "truth.json"), "w") as f:
        json.dump({"categories": truth, "deleted_media": gone}, f, indent=2)


if __name__ == "__main__":
    main()
