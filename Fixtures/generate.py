#!/usr/bin/env python3
"""Seeded generator for large WorkOS-style directory exports (benchmarks).

    python3 Fixtures/generate.py --users 1000000 --seed 42 --out DIR [--next DIR2]

Writes DIR/users.csv, DIR/user_groups.csv and DIR/groups.csv (UTF-8, LF, no BOM).

users.csv columns:
    user_id,email,first_name,last_name,state,job_title,department_name,city,
    country,employment_start_date
  * user_ids are u0000001.. in increasing order (added users in --next are
    appended at the end with higher ids);
  * ~3% of users are inactive (varied spellings: inactive, suspended, ...);
  * ~2% of rows have a quoted field containing a comma (job title or city),
    a few rows have a first name with doubled quotes (nicknames), and a few
    percent of names are accented (José, Zoë, Łukasz, Müller, ...).
user_groups.csv: user_id,group_name -- ~3 memberships per user, rows grouped
  by user in user order, groups within a user in random (unsorted) order.
  Inactive users have memberships too (they are simply not synced).
groups.csv: group_name,description -- every group of the ~200-group pool plus
  two declared groups that have no members.

With --next DIR2 the next version of the export is written to DIR2:
  * 1% of (v1) users changed: first name, last name, email, or job title;
    about a third of them also get a group change, and some users only a
    group change (the "groups" kind);
  * 1% of active users removed: ~75% deleted from the file, ~25% kept with
    state "deactivated" (both mean: not in the audience any more);
  * 1% new users added at the end (new, higher user_ids, all active).
Everything is deterministic from --seed (same seed -> byte-identical files).
The summary of the v1->v2 delta is printed to stderr.
"""
import argparse
import os
import random
import sys
import time
import unicodedata
import datetime

FIRST_NAMES = """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth
William Barbara Richard Susan Joseph Jessica Thomas Sarah Christopher Karen Charles Lisa
Daniel Nancy Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly
Andrew Emily Paul Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George
Deborah Timothy Stephanie Ronald Rebecca Jason Sharon Edward Laura Jeffrey Cynthia Ryan
Dorothy Jacob Amy Gary Kathleen Nicholas Angela Eric Shirley Jonathan Emma Stephen Brenda
Larry Pamela Justin Nicole Scott Anna Brandon Samantha Benjamin Katherine Samuel Christine
Gregory Debra Alexander Rachel Patrick Carolyn Frank Janet Raymond Maria Jack Olivia Dennis
Heather Jerry Helen Tyler Catherine Aaron Diane Jose Julie Adam Victoria Nathan Joyce Henry
Lauren Zachary Kelly Douglas Christina Peter Ruth Kyle Joan Noah Virginia Ethan Judith
Jeremy Evelyn Christian Hannah Walter Andrea Keith Megan Austin Cheryl Roger Jacqueline
Terry Madison Sean Teresa Gerald Abigail Carl Sophia Dylan Martha Harold Sara Jordan Gloria
Jesse Janice Bryan Kathryn Lawrence Ann Arthur Isabella Gabriel Judy Bruce Charlotte Logan
Julia Billy Grace Joe Amber Alan Alice Juan Jean Elijah Denise Willie Frances Albert Danielle
Wayne Marilyn Randy Natalie Mason Beverly Vincent Diana Liam Brittany Roy Theresa Bobby Kayla
Caleb Alexis Bradley Doris Russell Lori Lucas Tiffany Priya Wei Hiroshi Aisha Mohammed Fatima
Ivan Olga Sven Ingrid Pierre Camille Lars Astrid Mateo Valentina""".split()
ACCENTED_FIRST = ["José", "Zoë", "Łukasz", "François", "Søren", "Renée", "Chloé", "Jürgen",
                  "Björn", "Mónica", "Inés", "Ştefan", "Noémie", "Dávid", "Žofia", "Agnès"]
LAST_NAMES = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson
White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres
Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez
Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook
Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward
Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez
Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan
Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson
Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera
Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez
McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns
Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt
Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer
Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant
Dunn Kelley Spencer Hawkins Arnold Pierce Hansen Peters Santos Hart Bradley Knight Elliott
Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Ruiz Harper Fox Riley Armstrong
Tanaka Yamamoto Sato Suzuki Kowalski Nowak Novak Jensen Larsen Andersson Johansson Rossi
Russo Ferrari Dubois Laurent Lefebvre Schneider Fischer Weber Becker Hoffmann Schulz""".split()
ACCENTED_LAST = ["Müller", "García", "Núñez", "Ångström", "Sørensen", "Łukaszewicz", "Gómez",
                 "Pérez", "Dvořák", "Öztürk", "Lefèvre", "Jäger", "Ó Briain", "Fernández"]
APOS_LAST = ["O'Brien", "O'Connor", "D'Angelo", "O'Neil"]

DEPARTMENTS = {
    "Engineering": ["Platform", "Infrastructure", "Mobile", "Web Frontend", "Data Platform",
                    "Security", "Developer Experience", "Payments", "Search", "Machine Learning",
                    "Reliability", "Identity", "Billing Systems", "Quality Assurance"],
    "Sales": ["Enterprise", "Mid-Market", "SMB", "Partnerships", "Sales Operations",
              "Solutions Engineering", "Public Sector", "Channel"],
    "Marketing": ["Brand", "Demand Generation", "Product Marketing", "Content", "Events",
                  "Growth", "Communications"],
    "Customer Success": ["Support Tier 1", "Support Tier 2", "Onboarding", "Account Management",
                         "Professional Services", "Training"],
    "Finance": ["Accounting", "FP&A", "Procurement", "Tax", "Treasury", "Payroll"],
    "People": ["Recruiting", "People Operations", "Learning & Development", "Total Rewards",
               "Workplace"],
    "Legal": ["Commercial", "Privacy", "Compliance", "Corporate"],
    "Operations": ["Business Operations", "Facilities", "IT Helpdesk", "Logistics",
                   "Supply Chain"],
    "Product": ["Core Product", "Design", "Research", "Analytics", "Product Operations"],
}
REGIONS = ["Europe & Middle East", "North America", "Asia Pacific", "Latin America"]
DEPT_TEAMS = [f"{d} - {t}" for d, ts in DEPARTMENTS.items() for t in ts]

JOB_TITLES = """Software Engineer|Senior Software Engineer|Staff Software Engineer|Principal Engineer
|Engineering Manager|Senior Engineering Manager|Site Reliability Engineer|Data Engineer
|Data Scientist|Machine Learning Engineer|QA Engineer|Security Engineer|Account Executive
|Senior Account Executive|Sales Development Representative|Solutions Engineer|Sales Manager
|Regional Sales Director|Marketing Manager|Product Marketing Manager|Content Strategist
|Customer Success Manager|Support Specialist|Senior Support Specialist|Onboarding Specialist
|Financial Analyst|Senior Accountant|Payroll Specialist|Procurement Specialist|Recruiter
|Senior Recruiter|People Partner|Learning Program Manager|Counsel|Senior Counsel
|Compliance Analyst|Operations Analyst|IT Support Technician|Facilities Coordinator
|Product Manager|Senior Product Manager|Product Designer|UX Researcher|Technical Writer
|Business Analyst|Program Manager|Technical Program Manager|Executive Assistant
|Office Manager|Chief of Staff""".replace("\n", "").split("|")
COMMA_TITLES = ["Director, Sales", "Vice President, Engineering", "Manager, Customer Success",
                "Director, People Operations", "Head of Growth, EMEA",
                "Specialist, Payroll & Benefits", "Lead, Platform Reliability"]
QUOTE_TITLES = ['Engineer, "Special Projects"', 'Manager ("Acting")']

CITIES = [("New York", "United States"), ("San Francisco", "United States"),
          ("Austin", "United States"), ("Chicago", "United States"),
          ("Seattle", "United States"), ("Boston", "United States"),
          ("Denver", "United States"), ("Atlanta", "United States"),
          ("Toronto", "Canada"), ("Vancouver", "Canada"), ("Montréal", "Canada"),
          ("London", "United Kingdom"), ("Manchester", "United Kingdom"),
          ("Dublin", "Ireland"), ("Berlin", "Germany"), ("München", "Germany"),
          ("Paris", "France"), ("Amsterdam", "Netherlands"), ("Kraków", "Poland"),
          ("Warsaw", "Poland"), ("Madrid", "Spain"), ("Barcelona", "Spain"),
          ("Lisbon", "Portugal"), ("Stockholm", "Sweden"), ("Copenhagen", "Denmark"),
          ("Zürich", "Switzerland"), ("São Paulo", "Brazil"), ("Mexico City", "Mexico"),
          ("Bogotá", "Colombia"), ("Buenos Aires", "Argentina"), ("Singapore", "Singapore"),
          ("Tokyo", "Japan"), ("Sydney", "Australia"), ("Melbourne", "Australia"),
          ("Bengaluru", "India"), ("Tel Aviv", "Israel")]
COMMA_CITIES = [("Washington, D.C.", "United States"), ("Saint-Denis, Réunion", "France")]

INACTIVE_STATES = ["inactive", "suspended", "Inactive", "terminated", "deactivated",
                   "SUSPENDED", "disabled", "false"]
ACTIVE_STATES = ["active"] * 96 + ["Active", "enabled", "true", "1"]

DOMAIN = "acme-global-industries-holdings.example.com"
SUBDOMAIN = {"United States": "us", "Canada": "ca", "Mexico": "latam", "Brazil": "latam",
             "Colombia": "latam", "Argentina": "latam", "Singapore": "apac", "Japan": "apac",
             "Australia": "apac", "India": "apac"}  # everything else: emea
LEVELS = ["", "", "", " I", " II", " III", " IV"]


def ascii_fold(s):
    s = s.replace("Ł", "L").replace("ł", "l").replace("ø", "o").replace("Ø", "O")
    s = s.replace("'", "").replace(" ", "").replace("ß", "ss")
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def q(field):
    """RFC 4180 quoting, only when needed."""
    if '"' in field:
        return '"' + field.replace('"', '""') + '"'
    if "," in field or "\n" in field or "\r" in field:
        return '"' + field + '"'
    return field


def build_group_pool():
    pool = []
    for dept, teams in DEPARTMENTS.items():
        for j, team in enumerate(teams):
            for region in (REGIONS[j % 4], REGIONS[(j + 1) % 4]):
                pool.append(f"{dept} - {team} ({region})")
    for dept in DEPARTMENTS:
        for region in REGIONS:
            pool.append(f"{dept} - {region} Region")
    extras = ["All Employees - Full Time", "All Employees - Contractors", "People Managers",
              "Engineering - On-Call Rotation", "Employee Resource Group - Women in Tech",
              "Employee Resource Group - Pride", "Employee Resource Group - Veterans",
              "Office - New York HQ", "Office - London", "Office - Berlin",
              "Office - Singapore", "Office - Remote US", "Office - Remote EU",
              "Leadership - Directors", "Leadership - Vice Presidents",
              "Project - Apollo Migration", "Project - Zephyr Launch",
              "Committee - Health & Safety", "Committee - Social Club",
              "Beta Testers - Internal Tools", "Security Champions", "Mentorship Program",
              "Interview Panel - Engineering", "Interview Panel - Sales",
              "Benefits - US Enrollment", "Benefits - EU Enrollment",
              "Travel Approvers", "Expense Approvers", "Hackathon 2026 Participants",
              "Newsletter - Product Updates", "Newsletter - Company News",
              "Training - Compliance 2026", "Training - Security Awareness",
              "Sales Kickoff 2026 Attendees", "Café Committee (Berlin)",
              "Équipe Paris", "Team Zürich", "Partners, Resellers & Alliances",
              "Ops \"Tiger\" Team", "Volunteers - Community Day"]
    pool.extend(extras)
    i = 1
    while len(pool) < 200:
        pool.append(f"Working Group - Initiative {i:02d}")
        i += 1
    return pool[:200]


GROUP_POOL = build_group_pool()
EMPTY_GROUPS = ["Alumni Network", "Board Observers"]


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        rng = self.rng
        self.first = FIRST_NAMES
        self.last = LAST_NAMES
        self.fold = {}
        for n in FIRST_NAMES + ACCENTED_FIRST + LAST_NAMES + ACCENTED_LAST + APOS_LAST:
            self.fold[n] = ascii_fold(n)
        base = datetime.date(1996, 1, 1).toordinal()
        end = datetime.date(2026, 10, 31).toordinal()
        self.dates = [datetime.date.fromordinal(o).isoformat() for o in range(base, end + 1)]
        # Zipf-ish popularity: a few big groups, a long tail.
        order = list(range(len(GROUP_POOL)))
        rng.shuffle(order)
        self.group_weights = [0.0] * len(GROUP_POOL)
        for rank, gi in enumerate(order):
            self.group_weights[gi] = 1.0 / (rank + 8) ** 0.9
        self.group_cum = []
        acc = 0.0
        for w in self.group_weights:
            acc += w
            self.group_cum.append(acc)

    def names(self, k):
        rng = self.rng
        firsts = rng.choices(FIRST_NAMES, k=k)
        lasts = rng.choices(LAST_NAMES, k=k)
        r = [rng.random() for _ in range(k)]
        for i in range(k):
            x = r[i]
            if x < 0.02:
                firsts[i] = ACCENTED_FIRST[int(x * 800) % len(ACCENTED_FIRST)]
            elif x < 0.04:
                lasts[i] = ACCENTED_LAST[int(x * 900) % len(ACCENTED_LAST)]
            elif x < 0.045:
                lasts[i] = APOS_LAST[int(x * 1000) % len(APOS_LAST)]
        return firsts, lasts

    def titles(self, k):
        rng = self.rng
        t = [a + b for a, b in zip(rng.choices(JOB_TITLES, k=k), rng.choices(LEVELS, k=k))]
        r = [rng.random() for _ in range(k)]
        for i in range(k):
            x = r[i]
            if x < 0.015:
                t[i] = COMMA_TITLES[int(x * 10000) % len(COMMA_TITLES)]
            elif x < 0.0152:
                t[i] = QUOTE_TITLES[int(x * 100000) % len(QUOTE_TITLES)]
        return t

    def groups_for(self, k):
        """k lists of distinct group indexes, unsorted, mean size ~3."""
        rng = self.rng
        sizes = rng.choices([1, 2, 3, 4, 5, 6], weights=[12, 25, 30, 18, 10, 5], k=k)
        total = sum(sizes)
        picks = rng.choices(range(len(GROUP_POOL)), cum_weights=self.group_cum, k=total + total // 10)
        out = []
        p = 0
        for s in sizes:
            seen = []
            while len(seen) < s:
                g = picks[p]
                p += 1
                if p >= len(picks):
                    picks = rng.choices(range(len(GROUP_POOL)), cum_weights=self.group_cum, k=total)
                    p = 0
                if g not in seen:
                    seen.append(g)
            out.append(seen)
        return out

    def users(self, start_no, k, allow_inactive=True):
        """Return list of user records (lists of str, unquoted) + group lists."""
        rng = self.rng
        firsts, lasts = self.names(k)
        titles = self.titles(k)
        depts = rng.choices(DEPT_TEAMS, k=k)
        cities = rng.choices(CITIES, k=k)
        dates = rng.choices(self.dates, k=k)
        r = [rng.random() for _ in range(k)]
        actives = rng.choices(ACTIVE_STATES, k=k)
        groups = self.groups_for(k)
        recs = []
        fold = self.fold
        for i in range(k):
            no = start_no + i
            uid = f"u{no:07d}"
            first = firsts[i]
            last = lasts[i]
            x = r[i]
            city, country = cities[i]
            if 0.2 <= x < 0.205:
                city, country = COMMA_CITIES[int(x * 10000) % len(COMMA_CITIES)]
            email = f"{fold[first]}.{fold[last]}{no}@{SUBDOMAIN.get(country, 'emea')}.{DOMAIN}"
            if x < 0.001:
                email = email.capitalize()  # mixed-case e-mail as given by HR
            if allow_inactive and 0.1 <= x < 0.13:
                state = INACTIVE_STATES[int(x * 10000) % len(INACTIVE_STATES)]
            else:
                state = actives[i]
            if 0.3 <= x < 0.3002:
                first = f'{first} "{first[:3]}"'  # nickname with quotes
            recs.append([uid, email, first, last, state, titles[i], depts[i], city, country,
                         dates[i]])
        return recs, groups


HEADER = ("user_id,email,first_name,last_name,state,job_title,department_name,city,country,"
          "employment_start_date\n")


def write_export(out, recs, groups, extra_groups=()):
    os.makedirs(out, exist_ok=True)
    ubytes = 0
    with open(os.path.join(out, "users.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(HEADER)
        buf = []
        for rec in recs:
            buf.append(",".join([q(x) if ('"' in x or "," in x) else x for x in rec]))
            if len(buf) >= 50000:
                f.write("\n".join(buf))
                f.write("\n")
                buf = []
        if buf:
            f.write("\n".join(buf))
            f.write("\n")
    nmem = 0
    qpool = [q(g) for g in GROUP_POOL]
    with open(os.path.join(out, "user_groups.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("user_id,group_name\n")
        buf = []
        for rec, gl in zip(recs, groups):
            uid = rec[0]
            for g in gl:
                buf.append(f"{uid},{qpool[g]}")
            nmem += len(gl)
            if len(buf) >= 100000:
                f.write("\n".join(buf))
                f.write("\n")
                buf = []
        if buf:
            f.write("\n".join(buf))
            f.write("\n")
    with open(os.path.join(out, "groups.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("group_name,description\n")
        for g in list(GROUP_POOL) + list(EMPTY_GROUPS) + list(extra_groups):
            f.write(f"{q(g)},{q('Directory group ' + g)}\n")
    return nmem


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=1000000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True)
    ap.add_argument("--next", dest="next_out")
    a = ap.parse_args()
    t0 = time.time()
    g = Gen(a.seed)
    n = a.users
    recs, groups = g.users(1, n)
    nmem = write_export(a.out, recs, groups)
    t1 = time.time()
    print(f"generate: {a.out}: {n} users, {nmem} memberships, {len(GROUP_POOL) + len(EMPTY_GROUPS)} groups "
          f"({t1 - t0:.1f}s)", file=sys.stderr)
    if not a.next_out:
        return
    rng = g.rng
    k = max(1, n // 100) if n >= 100 else 1
    idx = list(range(n))
    changed = rng.sample(idx, k)
    changed_set = set(changed)
    active_unchanged = [i for i in idx if i not in changed_set and recs[i][4] in ACTIVE_STATES]
    removed = rng.sample(active_unchanged, min(k, len(active_unchanged)))
    removed.sort()
    new_recs = [list(r) for r in recs]
    new_groups = [list(gl) for gl in groups]
    stats = {"first_name": 0, "last_name": 0, "email": 0, "job_title": 0, "groups": 0,
             "groups_also": 0}
    new_firsts, new_lasts = g.names(k)
    new_titles = g.titles(k)
    kinds = rng.choices(["first_name", "last_name", "email", "job_title", "groups"],
                        weights=[15, 25, 20, 25, 15], k=k)
    also = [rng.random() < 0.3 for _ in range(k)]
    for j, i in enumerate(sorted(changed)):
        rec = new_recs[i]
        kind = kinds[j]
        stats[kind] += 1
        no = i + 1
        if kind == "first_name":
            nf = new_firsts[j]
            rec[2] = nf if nf != rec[2] else nf + "a"
        elif kind == "last_name":
            nl = new_lasts[j]
            rec[3] = nl if nl != rec[3] else nl + "-Smith"
        elif kind == "email":
            rec[1] = f"{g.fold.get(rec[2], 'user')}{no}@mail.{DOMAIN}"
        elif kind == "job_title":
            nt = new_titles[j]
            rec[5] = nt if nt != rec[5] else "Senior " + nt
        if kind == "groups" or also[j]:
            if kind != "groups":
                stats["groups_also"] += 1
            gl = new_groups[i]
            # drop one group (if more than one) and add one new one
            if len(gl) > 1:
                gl.pop(rng.randrange(len(gl)))
            while True:
                ng = rng.randrange(len(GROUP_POOL))
                if ng not in gl:
                    gl.insert(rng.randrange(len(gl) + 1), ng)
                    break
    dropped = set()
    deactivated = 0
    for i in removed:
        if rng.random() < 0.25:
            new_recs[i][4] = "deactivated"
            deactivated += 1
        else:
            dropped.add(i)
    kept = [(r, gl) for i, (r, gl) in enumerate(zip(new_recs, new_groups)) if i not in dropped]
    add_recs, add_groups = g.users(n + 1, k, allow_inactive=False)
    all_recs = [r for r, _ in kept] + add_recs
    all_groups = [gl for _, gl in kept] + add_groups
    nmem2 = write_export(a.next_out, all_recs, all_groups)
    t2 = time.time()
    print(f"generate: {a.next_out}: {len(all_recs)} users, {nmem2} memberships; delta vs v1: "
          f"changed={k} ({', '.join(f'{kk}={vv}' for kk, vv in stats.items())}), "
          f"removed={len(removed)} (dropped={len(dropped)}, deactivated={deactivated}), "
          f"added={k} ({t2 - t1:.1f}s)", file=sys.stderr)


if __name__ == "__main__":
    main()
