#!/usr/bin/env python3
"""Plain-Python reference implementation of `audience-sync import` (benchmark baseline).

    python3 reference.py --db PATH --directory ID --users users.csv [--groups user_groups.csv]
                         [--group-defs groups.csv]
    python3 reference.py --validate-only --users users.csv [--groups user_groups.csv]
    python3 reference.py --db PATH --export          # effective audience as CSV on stdout

What a competent engineer would script by hand with the standard library only:
csv module to parse, dicts/sets to diff against the current database state,
sqlite3 executemany inside one transaction to apply the changes.

Validation (mirrors the file contract of audience-sync):
  * file must be UTF-8 (BOM tolerated); header names are trimmed and compared
    case-insensitively; WorkOS work_address_* aliases accepted; duplicate header
    names and missing required columns (user_id, email, first_name, last_name)
    are fatal; unknown columns are ignored with a warning;
  * row rejected when: wrong field count, empty user_id, e-mail not shaped like
    local@domain.tld, unknown state value, employment_start_date not YYYY-MM-DD,
    duplicate user_id (later row), duplicate active e-mail compared
    case-insensitively (later row);
  * state active/enabled/true/1 -> active, inactive/disabled/suspended/
    deactivated/terminated/deleted/false/0 -> not synced; empty or missing -> active;
  * memberships: header user_id,group_name; memberships of users that are not
    active (inactive, rejected, unknown) are skipped.
Exit status: 0 ok, 1 fatal error (bad header, undecodable file, malformed CSV).
"""
import argparse
import csv
import datetime
import re
import sqlite3
import sys
import time

REQUIRED = ("user_id", "email", "first_name", "last_name")
ATTRS = ("job_title", "department_name", "city", "country", "employment_start_date")
KNOWN = set(REQUIRED) | {
    "username", "state", "job_title", "department_name", "division_name", "cost_center_name",
    "employee_type", "employment_start_date", "manager_email", "manager_id",
    "preferred_language", "raw_address", "street_address", "city", "region", "postal_code",
    "country"}
ALIASES = {
    "work_address_street": "street_address", "work_address_locality": "city",
    "work_address_region": "region", "work_address_postal_code": "postal_code",
    "work_address_country": "country"}
ACTIVE = {"active", "enabled", "true", "1"}
INACTIVE = {"inactive", "disabled", "suspended", "deactivated", "terminated", "deleted",
            "false", "0"}
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")

SCHEMA = """
CREATE TABLE IF NOT EXISTS members(
    directory TEXT NOT NULL, user_id TEXT NOT NULL, email TEXT NOT NULL,
    first_name TEXT NOT NULL, last_name TEXT NOT NULL,
    job_title TEXT, department_name TEXT, city TEXT, country TEXT,
    employment_start_date TEXT,
    PRIMARY KEY(directory, user_id));
CREATE INDEX IF NOT EXISTS members_email ON members(email COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS groups(
    directory TEXT NOT NULL, group_name TEXT NOT NULL,
    PRIMARY KEY(directory, group_name));
CREATE TABLE IF NOT EXISTS memberships(
    directory TEXT NOT NULL, user_id TEXT NOT NULL, group_name TEXT NOT NULL,
    PRIMARY KEY(directory, user_id, group_name));
"""


class Fatal(Exception):
    pass


def warn(msg):
    print(f"reference: warning: {msg}", file=sys.stderr)


def open_csv(path):
    f = open(path, encoding="utf-8-sig", newline="")
    return f, csv.reader(f, strict=True)


def read_header(reader, path, required):
    try:
        header = next(reader)
    except StopIteration:
        raise Fatal(f"{path}: empty file (no header)")
    cols = {}
    for i, name in enumerate(header):
        n = name.strip().lower()
        n = ALIASES.get(n, n)
        if n in cols:
            raise Fatal(f"{path}: duplicate column {name!r}")
        cols[n] = i
    missing = [c for c in required if c not in cols]
    if missing:
        raise Fatal(f"{path}: missing required column(s): {', '.join(missing)}")
    return header, cols


def parse_users(path):
    """Return (active: dict user_id -> row tuple, stats dict)."""
    f, reader = open_csv(path)
    stats = {"rows": 0, "active": 0, "inactive": 0, "rejected": 0}
    active = {}
    seen_ids = set()
    seen_emails = set()
    with f:
        header, cols = read_header(reader, path, REQUIRED)
        for name in header:
            n = name.strip().lower()
            if ALIASES.get(n, n) not in KNOWN:
                warn(f"{path}: ignoring unknown column {name!r}")
        ncols = len(header)
        i_id, i_email, i_first, i_last = (cols[c] for c in REQUIRED)
        i_state = cols.get("state")
        attr_idx = [cols.get(a) for a in ATTRS]
        i_date = cols.get("employment_start_date")
        rejected = 0
        try:
            for row in reader:
                stats["rows"] += 1
                if len(row) != ncols:
                    if len(row) == 0 or row == [""] and ncols > 1:
                        stats["rows"] -= 1  # blank line
                        continue
                    rejected += 1
                    continue
                uid = row[i_id].strip()
                email = row[i_email].strip()
                if not uid or not EMAIL_RE.match(email):
                    rejected += 1
                    continue
                if uid in seen_ids:
                    rejected += 1
                    continue
                if i_state is not None:
                    st = row[i_state].strip().lower()
                    if st in INACTIVE:
                        seen_ids.add(uid)
                        stats["inactive"] += 1
                        continue
                    if st and st not in ACTIVE:
                        rejected += 1
                        continue
                if i_date is not None:
                    d = row[i_date].strip()
                    if d:
                        if not DATE_RE.match(d):
                            rejected += 1
                            continue
                        try:
                            datetime.date.fromisoformat(d)
                        except ValueError:
                            rejected += 1
                            continue
                lemail = email.lower()
                if lemail in seen_emails:
                    rejected += 1
                    continue
                seen_emails.add(lemail)
                seen_ids.add(uid)
                attrs = tuple((row[j].strip() or None) if j is not None else None
                              for j in attr_idx)
                active[uid] = (email, row[i_first].strip(), row[i_last].strip()) + attrs
        except csv.Error as e:
            raise Fatal(f"{path}: line {reader.line_num}: malformed CSV: {e}")
        except UnicodeDecodeError as e:
            raise Fatal(f"{path}: not valid UTF-8: {e}")
    stats["rejected"] = rejected
    stats["active"] = len(active)
    return active, stats


def parse_memberships(path, active):
    """Return (set of (user_id, group_name) for active users, all group names, stats)."""
    f, reader = open_csv(path)
    stats = {"rows": 0, "skipped": 0, "rejected": 0}
    members = set()
    groups = {}
    with f:
        header, cols = read_header(reader, path, ("user_id", "group_name"))
        ncols = len(header)
        i_id, i_g = cols["user_id"], cols["group_name"]
        try:
            for row in reader:
                stats["rows"] += 1
                if len(row) != ncols:
                    stats["rejected"] += 1
                    continue
                uid = row[i_id].strip()
                g = row[i_g].strip()
                if not uid or not g:
                    stats["rejected"] += 1
                    continue
                g = groups.setdefault(g, g)  # share one str object per group
                if uid not in active:
                    stats["skipped"] += 1
                    continue
                members.add((uid, g))
        except csv.Error as e:
            raise Fatal(f"{path}: line {reader.line_num}: malformed CSV: {e}")
        except UnicodeDecodeError as e:
            raise Fatal(f"{path}: not valid UTF-8: {e}")
    return members, set(groups), stats


def parse_group_defs(path):
    f, reader = open_csv(path)
    with f:
        header, cols = read_header(reader, path, ("group_name",))
        i_g = cols["group_name"]
        try:
            return {row[i_g].strip() for row in reader if len(row) > i_g and row[i_g].strip()}
        except csv.Error as e:
            raise Fatal(f"{path}: line {reader.line_num}: malformed CSV: {e}")
        except UnicodeDecodeError as e:
            raise Fatal(f"{path}: not valid UTF-8: {e}")


def do_import(a):
    t0 = time.perf_counter()
    users, ustats = parse_users(a.users)
    members, group_names, mstats = (parse_memberships(a.groups, users) if a.groups
                                    else (set(), set(), {"rows": 0, "skipped": 0, "rejected": 0}))
    if a.group_defs:
        group_names |= parse_group_defs(a.group_defs)
    t_parse = time.perf_counter()
    if a.validate_only:
        print(f"reference validate: users rows={ustats['rows']} active={ustats['active']} "
              f"inactive={ustats['inactive']} rejected={ustats['rejected']}; memberships "
              f"rows={mstats['rows']} synced={len(members)} skipped={mstats['skipped']} "
              f"rejected={mstats['rejected']}; groups={len(group_names)} "
              f"in {t_parse - t0:.2f}s")
        return

    db = sqlite3.connect(a.db, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    d = a.directory
    db.execute("BEGIN IMMEDIATE")
    cur_users = {r[0]: r[1:] for r in db.execute(
        "SELECT user_id, email, first_name, last_name, job_title, department_name, city, "
        "country, employment_start_date FROM members WHERE directory=?", (d,))}
    cur_members = set(db.execute(
        "SELECT user_id, group_name FROM memberships WHERE directory=?", (d,)))
    cur_groups = {r[0] for r in db.execute(
        "SELECT group_name FROM groups WHERE directory=?", (d,))}

    adds = [(d, uid) + row for uid, row in users.items() if uid not in cur_users]
    updates = [row + (d, uid) for uid, row in users.items()
               if uid in cur_users and cur_users[uid] != row]
    removes = [(d, uid) for uid in cur_users if uid not in users]
    m_add = [(d, u, g) for (u, g) in members - cur_members]
    m_del = [(d, u, g) for (u, g) in cur_members - members]
    g_add = [(d, g) for g in group_names - cur_groups]
    g_del = [(d, g) for g in cur_groups - group_names]
    t_diff = time.perf_counter()

    try:
        db.executemany("DELETE FROM memberships WHERE directory=? AND user_id=? AND group_name=?",
                       m_del)
        db.executemany("DELETE FROM members WHERE directory=? AND user_id=?", removes)
        db.executemany("DELETE FROM groups WHERE directory=? AND group_name=?", g_del)
        db.executemany("INSERT INTO groups(directory, group_name) VALUES (?, ?)", g_add)
        db.executemany(
            "INSERT INTO members(directory, user_id, email, first_name, last_name, job_title, "
            "department_name, city, country, employment_start_date) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", adds)
        db.executemany(
            "UPDATE members SET email=?, first_name=?, last_name=?, job_title=?, "
            "department_name=?, city=?, country=?, employment_start_date=? "
            "WHERE directory=? AND user_id=?", updates)
        db.executemany("INSERT INTO memberships(directory, user_id, group_name) VALUES (?, ?, ?)",
                       m_add)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.close()
    t_end = time.perf_counter()
    print(f"reference import: directory={d} users: rows={ustats['rows']} active={ustats['active']} "
          f"inactive={ustats['inactive']} rejected={ustats['rejected']}; added={len(adds)} "
          f"updated={len(updates)} removed={len(removes)} "
          f"unchanged={len(users) - len(adds) - len(updates)}; memberships +{len(m_add)} "
          f"-{len(m_del)} (skipped={mstats['skipped']} rejected={mstats['rejected']}); "
          f"groups +{len(g_add)} -{len(g_del)}; parse {t_parse - t0:.2f}s diff "
          f"{t_diff - t_parse:.2f}s write {t_end - t_diff:.2f}s total {t_end - t0:.2f}s")


def do_export(a):
    """Effective audience: one row per distinct e-mail (case-insensitive), all directories."""
    db = sqlite3.connect(a.db)
    people = {}
    for directory, uid, email, first, last in db.execute(
            "SELECT directory, user_id, email, first_name, last_name FROM members "
            "ORDER BY directory, user_id"):
        p = people.setdefault(email.lower(), [email, first, last, set(), set()])
        p[4].add(directory)
        for (g,) in db.execute("SELECT group_name FROM memberships WHERE directory=? AND "
                               "user_id=?", (directory, uid)):
            p[3].add(g)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["email", "first_name", "last_name", "groups", "sources"])
    for key in sorted(people):
        email, first, last, groups, sources = people[key]
        w.writerow([email, first, last, ";".join(sorted(groups)), ";".join(sorted(sources))])


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db")
    ap.add_argument("--directory", default="default")
    ap.add_argument("--users")
    ap.add_argument("--groups", help="user_groups.csv (user_id,group_name)")
    ap.add_argument("--group-defs", help="groups.csv (group_name,...)")
    ap.add_argument("--validate-only", action="store_true")
    ap.add_argument("--export", action="store_true")
    a = ap.parse_args()
    try:
        if a.export:
            if not a.db:
                ap.error("--export needs --db")
            do_export(a)
            return 0
        if not a.users:
            ap.error("--users is required")
        if not a.validate_only and not a.db:
            ap.error("--db is required (or --validate-only)")
        do_import(a)
    except Fatal as e:
        print(f"reference: error: {e}", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as e:
        print(f"reference: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
