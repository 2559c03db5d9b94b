#!/usr/bin/env python3
"""Refreshes Tests/Fuzz/seeds/: the fixture exports, the bad fixtures, every CSV-looking string
literal of the CSV reader tests (the malformed cases among them: bare quotes, unterminated quotes,
NULs, limits), and user_groups.csv files naming the users of MembershipCheck's fixed users.csv, so
the fuzzer starts from inputs the tests already care about. Seeds named regression-* (inputs the
fuzzer once failed on) are kept.

Run from the repository root: python3 Tests/Fuzz/make-seeds.py
"""
import hashlib
import pathlib
import re
import shutil

root = pathlib.Path(__file__).resolve().parents[2]
seeds = root / "Tests/Fuzz/seeds"
seeds.mkdir(exist_ok=True)
for old in seeds.iterdir():
    if not old.name.startswith("regression-"):
        old.unlink()

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
# Fixture user_groups.csv names nobody in MembershipCheck's users.csv (u1 to u7): these do, so the
# scanner's accepted, skipped (inactive u4) and rejected (unknown, rejected u5 and u7) rows are reached.
memberships = {
    "memberships-names": "user_id,group_name\nu1,Eng\nu2,Eng\nu4,Ops\nu5,Ops\nu9,Ops\n u6 ,\tSales \nu7,Eng\nu1,Eng\n",
    "memberships-ids": "user_id,group_id,group_name\r\nu1,g1,Engineering\r\nu2,g1,\r\nu3,g2, \r\n\r\nu3,g1,Other\r\n",
    "memberships-id-only": "Group_ID, USER_ID ,note\nG7,u1,x\n\tG7,u2,\nG8 ,u3,y\n",
    "memberships-bad-rows": 'user_id,group_name\nu1,"Eng""x"\nu2,Eng,extra\n,Eng\nu3,\nu1,Jo"e\nu2,"Ops\nTeam"\n',
    "memberships-duplicate-column": "User_ID,group_name,user_id\nu1,Eng,u1\n",
    "memberships-no-group-column": "user_id,name\nu1,Eng\n",
}
for name, text in memberships.items():
    (seeds / name).write_bytes(text.encode("utf-8"))

print(f"{len(list(seeds.iterdir()))} seeds ({count} literals from the CSV tests)")
