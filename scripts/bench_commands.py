#!/usr/bin/env python3
"""Times the commands of mycnf-secure that read a whole option file against MariaDB's
`my_print_defaults` on the same large, generated file, in one run, and checks their budgets.

    cargo build --release && python3 scripts/bench_commands.py [--mb 55] [--runs 5] [--enforce]

For inputs of 1x, 4x and 16x a base size (16x = --mb) one file is generated (with the generator of
scripts/bench_print_defaults.py), then each command below runs on it, round by round:

    my_print_defaults --defaults-file=F client mysql            (the reference)
    mycnf-secure print-defaults --defaults-file F client mysql
    mycnf-secure add-ca fixtures/certs/demo-ca.pem --file F --check
    mycnf-secure add-ca fixtures/certs/demo-ca.pem --file COPY --yes -q   (applies the change)
    mycnf-secure check F --format json
    mycnf-secure show --defaults-file F --format json
    mycnf-secure show --defaults-file F --format json --client mysql

Each gets the median wall time of --runs runs, but a command whose first run at a size takes more
than --slow seconds runs only once at that size (the slow ones would otherwise take hours), and a
run longer than --timeout seconds is killed. The peak resident size (the largest of the runs) comes
from GNU time, as in bench_print_defaults.py. Every command's output goes to /dev/null (the
outputs differ in size and kind; bench_print_defaults.py compares print-defaults' bytes with the
reference's). Exit status 1 of add-ca --check (a change is needed)
and of check (findings) is expected; any other non-zero status, or a killed run, is a failure.
`add-ca --yes` writes: each of its runs gets a fresh copy of F (made before the clock starts), so
every run plans, checks the new bytes by reading them back, and writes (with fsync) the same
change. Its time and memory are also given as a ratio to `add-ca --check`'s, which reads and plans
the same but neither checks nor writes.

Budgets, per command and size: wall time at most 3x my_print_defaults' (for add-ca --yes: 2x
add-ca --check's) (SLOW otherwise), peak memory at most 2x the file size + 16 MiB (MEM
otherwise). The growth line gives time at 16x / time
at 1x: about 16 for linear growth. HOME is a temporary folder, so nothing touches the real one.
Exits 0 unless --enforce is given; then 1 if a budget is broken, or a run failed, at the largest
size.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_print_defaults import GNU_TIME, OURS, ROOT, generate, run_once  # noqa: E402

CA = os.path.join(ROOT, "fixtures", "certs", "demo-ca.pem")
REFERENCE = "my_print_defaults"
TIME_FACTOR = 3.0
APPLY_FACTOR = 2.0
MIB = 2**20


APPLY = "add-ca --yes"
CHECK = "add-ca --check"


def commands(path, copy):
    """(label, argv, accepted exit codes, whether copy is made afresh from path before each run)
    of each command, the reference first."""
    plain = [
        (REFERENCE, [REFERENCE, "--defaults-file=" + path, "client", "mysql"], {0}),
        ("print-defaults", [OURS, "print-defaults", "--defaults-file", path, "client", "mysql"], {0}),
        (CHECK, [OURS, "add-ca", CA, "--file", path, "--check"], {0, 1}),
        ("check --format json", [OURS, "check", path, "--format", "json"], {0, 1}),
        ("show --format json", [OURS, "show", "--defaults-file", path, "--format", "json"], {0}),
        ("show --client mysql", [OURS, "show", "--defaults-file", path, "--format", "json",
                                 "--client", "mysql"], {0}),
    ]
    return [c + (False,) for c in plain] + [
        (APPLY, [OURS, "add-ca", CA, "--file", copy, "--yes", "-q"], {0}, True),
    ]


def measure_size(path, runs, slow, timeout):
    """Runs every command on path, interleaved round by round so that a change in the machine's
    load hits all of them alike. Returns {label: (median wall, peak bytes, runs, failure or None)}."""
    copy = path + ".copy"
    cmds = commands(path, copy)
    walls = {label: [] for label, _, _, _ in cmds}
    peaks = {label: 0 for label, _, _, _ in cmds}
    failed = {}
    for round_no in range(runs):
        for label, argv, accepted, fresh in cmds:
            if label in failed or (round_no > 0 and walls[label][0] > slow):
                continue
            if fresh:
                shutil.copyfile(path, copy)
            wall, peak, _, rc = run_once(["timeout", "-s", "KILL", str(timeout)] + argv,
                                         hash_output=False)
            walls[label].append(wall)
            peaks[label] = max(peaks[label], peak)
            if wall >= timeout:
                failed[label] = "killed after %d s" % timeout
            elif rc not in accepted:
                failed[label] = "exit %d" % rc
    if os.path.exists(copy):
        os.unlink(copy)
    return {label: (statistics.median(walls[label]), peaks[label], len(walls[label]), failed.get(label))
            for label, _, _, _ in cmds}


def verdict(label, wall, peak, ref_wall, check_wall, budget, failure):
    if failure:
        return "FAIL (%s)" % failure
    if label == REFERENCE:
        return "ref"
    broken = []
    if label == APPLY:
        # Its budget is relative to add-ca --check, which does the same minus the read-back
        # check and the write.
        if wall > APPLY_FACTOR * check_wall:
            broken.append("SLOW")
    elif wall > TIME_FACTOR * ref_wall:
        broken.append("SLOW")
    if peak > budget:
        broken.append("MEM")
    return "+".join(broken) or "ok"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=55.0, help="size of the largest input in MB (16x); default 55")
    ap.add_argument("--runs", type=int, default=5, help="runs per command and size (median); default 5")
    ap.add_argument("--slow", type=float, default=10.0,
                    help="a command whose first run at a size takes longer runs only once there; default 10 s")
    ap.add_argument("--timeout", type=int, default=1200, help="kill a run after this many seconds; default 1200")
    ap.add_argument("--enforce", action="store_true", help="exit 1 if a budget is broken at the largest size")
    args = ap.parse_args()
    if not os.path.exists(OURS):
        sys.exit("build first: cargo build --release")
    if not os.path.exists(GNU_TIME):
        print("note: %s not found (apt-get install time); peaks below include this script's own size" % GNU_TIME)
    factors = (1, 4, 16)
    results = {}
    sizes = {}
    with tempfile.TemporaryDirectory(prefix="bench-commands-") as tmp:
        home = os.path.join(tmp, "home")
        os.mkdir(home)
        os.environ["HOME"] = home
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "MYSQL_HOME"):
            os.environ.pop(var, None)
        print("%-20s %6s %8s %10s %8s %9s %10s %3s  %s" % (
            "command", "size", "MB", "median s", "ratio", "peak MiB", "budget MiB", "n", "verdict"))
        for factor in factors:
            size = int(args.mb * 1_000_000 * factor / 16)
            path = os.path.join(tmp, "big-%d.cnf" % factor)
            generate(path, size)
            sizes[factor] = os.path.getsize(path)
            budget = 2 * sizes[factor] + 16 * MIB
            res = measure_size(path, args.runs, args.slow, args.timeout)
            os.unlink(path)
            results[factor] = res
            ref_wall, check_wall = res[REFERENCE][0], res[CHECK][0]
            for label, (wall, peak, n, failure) in res.items():
                res[label] = (wall, peak, n, failure,
                              verdict(label, wall, peak, ref_wall, check_wall, budget, failure))
                print("%-20s %6s %8.1f %10.3f %7.1fx %9.1f %10.1f %3d  %s" % (
                    label, "%dx" % factor, sizes[factor] / 1e6, wall, wall / ref_wall, peak / MIB,
                    budget / MIB, n, res[label][4]))
            check, apply = res[CHECK], res[APPLY]
            print("%-20s %6s %8s  add-ca --yes / add-ca --check: time %.1fx, memory %.1fx" % (
                "", "", "", apply[0] / check[0], apply[1] / check[1]))
            sys.stdout.flush()
    print()
    print("growth from 1x to 16x (about 16 when linear; time, then peak memory):")
    for label in results[1]:
        t1, t16 = results[1][label][0], results[16][label][0]
        m1, m16 = results[1][label][1], results[16][label][1]
        print("  %-20s time %7.1fx   memory %6.1fx" % (label, t16 / t1 if t1 else float("inf"), m16 / m1))
    broken = [label for label, r in results[16].items() if r[4] not in ("ok", "ref")]
    print()
    print("budgets at 16x (%.1f MB): %s" % (sizes[16] / 1e6, "all met" if not broken else
                                              "broken by " + ", ".join(broken)))
    sys.exit(1 if args.enforce and broken else 0)


if __name__ == "__main__":
    main()
