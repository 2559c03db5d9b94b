#!/usr/bin/env python3
"""Refreshes Tests/Fuzz/seeds/: the fixture exports, the bad fixtures, and every CSV-looking
string literal of the CSV reader tests (the malformed cases among them: bare quotes, unterminated
quotes, NULs, limits), so the fuzzer starts from inputs the tests already care about.

Run from the repository root: python3 Tests/Fuzz/make-seeds.py
"""
import hashlib
import pathlib
import re
import shutil

root = pathlib.Path(__file__).resolve().parents[2]
seeds = root / "Tests/Fuzz/seeds"
shutil.rmtree(seeds, ignore_errors=True)
seeds.mkdir()

for path in sorted((root / "Fixtures").glob("*.csv")) + sorted((root / "Fixtures/bad").iterdir()):
    prefix = "bad-" if path.parent.name == "bad" else "fixture-"
    shutil.copyfile(path, seeds / (prefix + path.name))

# Swift single-line string literals; escapes decoded as Swift does.
literal = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
escapes = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", '"': '"', "\\": "\\", "'": "'"}


def decode(body):
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
        elif body[i + 1] == "u":
            end = body.index("}", i)
            out.append(chr(int(body[i + 3:end], 16)))
            i = end + 1
        else:
            out.append(escapes.get(body[i + 1], body[i + 1]))
            i += 2
    return "".join(out)


count = 0
for test in sorted((root / "Tests/AudienceCSVTests").glob("*.swift")):
    for match in literal.finditer(test.read_text()):
        body = match.group(1)
        if "\\(" in body:  # interpolation: not a literal input
            continue
        text = decode(body)
        if not any(mark in text for mark in (",", "\n", "\r", '"', "\0")):
            continue
        data = text.encode("utf-8")
        name = "test-" + hashlib.sha1(data).hexdigest()[:12]
        (seeds / name).write_bytes(data)
        count += 1
print(f"{len(list(seeds.iterdir()))} seeds ({count} literals from the CSV tests)")
