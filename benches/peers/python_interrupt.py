"""How long Ctrl-C takes to stop ecograph.analyze from Python (issue 25: "within a
second"). For each DELAY, a child Python starts `ecograph.analyze(DATA, out=...)`
(2 threads), gets SIGINT DELAY seconds after the call began, and the time from the
signal to the child's exit is printed (the child must end with KeyboardInterrupt and
leave no output folder).

    benches/peers/.venv/bin/python benches/peers/python_interrupt.py DATA DELAY...

e.g. DATA = benches/peers/data/100k-parquet (python_boundary.sh makes it), DELAY = 1 2
... 16 (the run takes about 17 s there). Uses the ecograph installed in the venv
(python_boundary.sh installs the release wheel).
"""

import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import sys, ecograph
print("started", flush=True)
try:
    ecograph.analyze(sys.argv[1], out=sys.argv[2], threads=2)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    raise
print("finished", flush=True)
"""

data = sys.argv[1]
for delay in [float(x) for x in sys.argv[2:]]:
    work = Path(tempfile.mkdtemp())
    out = work / "out"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, data, str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    child.stdout.readline()
    time.sleep(delay)
    if child.poll() is not None:
        print(f"at {delay:g} s: the run had finished")
        shutil.rmtree(work)
        continue
    sent = time.monotonic()
    child.send_signal(signal.SIGINT)
    stdout, _ = child.communicate()
    took = time.monotonic() - sent
    left = sorted(p.name for p in work.iterdir())
    print(f"at {delay:g} s: stopped {took:.2f} s after SIGINT, {stdout.strip()!r}, left: {left}")
    shutil.rmtree(work)
