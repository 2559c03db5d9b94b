#!/usr/bin/env python3
"""Independently derive Fixtures/expected-export.csv from the fixture (csv module only).

    python3 Fixtures/expected_export.py            # rewrites Fixtures/expected-export.csv
    python3 Fixtures/expected_export.py --check    # exit 1 if the file is stale

Effective audience after `audience-sync import --directory acme` of users.csv +
user_groups.csv (+ groups.csv): active users only, one row per distinct e-mail
(case-insensitive, trimmed), e-mail stored as given, sorted by str.lower() of the
e-mail (plain code-point order), groups = sorted (str sort) group names joined
with ';', sources = 'acme'. LF line endings, RFC 4180 quoting only when needed.
"""
import csv
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DIRECTORY = "acme"
ACTIVE = {"active", "enabled", "true", "1"}
INACTIVE = {"inactive", "disabled", "suspended", "deactivated", "terminated", "deleted",
            "false", "0"}


def read(name):
    with open(os.path.join(HERE, name), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = [h.strip().lower() for h in rows[0]]
    return [dict(zip(header, r)) for r in rows[1:] if r]


def main():
    people = {}  # lower(email) -> [email, first, last, set(groups)]
    by_id = {}
    for u in read("users.csv"):
        state = u.get("state", "active").strip().lower()
        assert state in ACTIVE | INACTIVE, state
        if state in INACTIVE:
            continue
        email = u["email"].strip()
        key = email.lower()
        assert key not in people, f"duplicate e-mail {email}"
        people[key] = [email, u["first_name"].strip(), u["last_name"].strip(), set()]
        by_id[u["user_id"].strip()] = key
    for m in read("user_groups.csv"):
        key = by_id.get(m["user_id"].strip())
        if key is not None:
            people[key][3].add(m["group_name"].strip())
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(["email", "first_name", "last_name", "groups", "sources"])
    for key in sorted(people):
        email, first, last, groups = people[key]
        w.writerow([email, first, last, ";".join(sorted(groups)), DIRECTORY])
    text = out.getvalue()
    path = os.path.join(HERE, "expected-export.csv")
    if "--check" in sys.argv:
        with open(path, encoding="utf-8", newline="") as f:
            if f.read() != text:
                print("expected-export.csv is stale", file=sys.stderr)
                return 1
        return 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    print(f"wrote {path}: {len(people)} rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
