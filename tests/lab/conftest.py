"""Lab tests: make ipsec_lab importable and load its pytest fixtures."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# pylint: disable-next=wrong-import-position,unused-import
from ipsec_lab.pytest_plugin import (  # noqa: E402,F401
    ansible_bin, cert_tunnel, lab, psk_tunnel, pytest_configure, pytest_terminal_summary, scenario)
