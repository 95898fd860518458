#!/usr/bin/env python3
"""The candidate of the backfill example, as an `exec` model (DESIGN.md):
reads one request on stdin, answers {"decision", "confidence"} as JSON.

Production's and the candidate's decisions are both functions of the prompt
(a hash), so generate.py knows every flip in advance: the candidate changes
production's decision on FLIP_SHARE[category] of the traces.
"""
import hashlib
import json
import re
import sys

VOCAB = {
    "refund": ["approve", "deny", "escalate"],
    "shipping": ["reship", "wait", "refund"],
    "account": ["unlock", "verify", "close"],
    "fraud": ["block", "allow", "review"],
    "damage": ["replace", "refund", "deny"],
}
FLIP_SHARE = {"refund": 0.08, "shipping": 0.03, "account": 0.05, "fraud": 0.20, "damage": 0.12}


def unit(text, salt):
    h = hashlib.sha256((salt + text).encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64


def production_decision(prompt, cat):
    vocab = VOCAB[cat]
    return vocab[int(unit(prompt, "prod") * len(vocab))]


def candidate_decision(prompt, cat):
    old = production_decision(prompt, cat)
    u = unit(prompt, "flip")
    conf = round(0.55 + 0.45 * unit(prompt, "conf"), 3)
    if u >= FLIP_SHARE[cat]:
        return old, conf
    others = [v for v in VOCAB[cat] if v != old]
    return others[int(unit(prompt, "which") * len(others))], conf


def main():
    req = json.load(sys.stdin)
    m = re.match(r"\[(\w+)\]", req.get("prompt", ""))
    if not m or m.group(1) not in VOCAB:
        print("unknown category in prompt", file=sys.stderr)
        sys.exit(1)
    decision, conf = candidate_decision(req["prompt"], m.group(1))
    out = {"decision": decision, "confidence": conf}
    print(json.dumps({"answer": json.dumps(out),
                      "usage": {"input_tokens": len(req["prompt"]) // 4 + 85 * len(req.get("media", [])),
                                "output_tokens": 12}}))


if __name__ == "__main__":
    main()
