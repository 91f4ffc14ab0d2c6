#!/usr/bin/env python3
"""Times `mycnf-secure add-ca CA --check` on a typical 50-line option file (whole process: CA
validation, system trust store, plan, chain review, diff), the median of many runs, for both
outcomes: a change needed (exit 1) and nothing to do (exit 0).

    cargo build --release && python3 scripts/bench_add_ca_check.py [--runs 200]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OURS = os.path.join(ROOT, "target", "release", "mycnf-secure")


def median_ms(argv, runs, env, want_rc):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        rc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env).returncode
        times.append((time.perf_counter() - t) * 1000)
        if rc != want_rc:
            sys.exit("unexpected exit %d from %s" % (rc, " ".join(argv)))
    return statistics.median(times), min(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=200)
    args = ap.parse_args()
    if not os.path.exists(OURS):
        sys.exit("build first: cargo build --release")
    with tempfile.TemporaryDirectory() as tmp:
        cnf = os.path.join(tmp, "my.cnf")
        shutil.copy(os.path.join(ROOT, "fixtures/demo/typical-50-lines.cnf"), cnf)
        ca = os.path.join(ROOT, "fixtures/certs/demo-ca.pem")
        env = dict(os.environ, HOME=tmp)
        check = [OURS, "add-ca", ca, "--file", cnf, "--check"]
        med, low = median_ms(check, args.runs, env, 1)
        print("add-ca --check, change needed:  median %.2f ms, min %.2f ms (%d runs)" % (med, low, args.runs))
        subprocess.run([OURS, "add-ca", ca, "--file", cnf, "--yes"], stdout=subprocess.DEVNULL, env=env, check=True)
        med2, low2 = median_ms(check, args.runs, env, 0)
        print("add-ca --check, nothing to do:  median %.2f ms, min %.2f ms (%d runs)" % (med2, low2, args.runs))
        print("goal: under 5 ms median: %s" % ("ok" if max(med, med2) < 5 else "MISSED"))


if __name__ == "__main__":
    main()
