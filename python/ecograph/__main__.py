"""``python -m ecograph``: the ``ecograph`` command line, run by the extension module
(the same flags, messages and exit codes as the binary)."""

import sys

from . import _ecograph

if __name__ == "__main__":
    sys.exit(_ecograph.run_cli(["ecograph", *sys.argv[1:]]))
