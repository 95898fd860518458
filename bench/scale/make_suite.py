#!/usr/bin/env python3
"""Writes a text suite of N items for the scale benchmark (bench/scale/run.sh), streamed line by line.

Every item asks the same question of the canned endpoint (bench/load/nginx.sh), whose baseline answers
"Build finished" and whose alternative answers "Build failed". Most items accept both answers; one in forty
accepts only the first (the candidate regresses on it) and one in forty only the second (it improves), so
5% of pairs differ, as in bench/gate. Items come in groups of five (one cluster each) with two slice keys of
five values, so the gate has strata, clusters and flips to work through.

usage: make_suite.py OUT.jsonl N
"""
import json
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    path, n = sys.argv[1], int(sys.argv[2])
    langs = ["en", "de", "fr", "ja", "pt"]
    sources = ["logs", "tickets", "chat", "email", "docs"]
    with open(path, "w") as out:
        for i in range(n):
            ref = ["Build finished", "Build failed"]
            if i % 40 == 7:
                ref = "Build finished"
            elif i % 40 == 27:
                ref = "Build failed"
            item = {"id": f"q{i:07d}", "modality": "text",
                    "prompt": f"Log {i}: what does the build log say?", "reference": ref,
                    "group": f"g{i // 5:06d}",
                    "slices": {"lang": langs[(i // 5) % 5], "source": sources[(i // 25) % 5]}}
            out.write(json.dumps(item, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
