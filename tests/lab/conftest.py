"""Lab tests: make ipsec_lab importable and load its pytest plugin (unless ``-p ipsec_lab.pytest_plugin`` did)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

PLUGIN = "ipsec_lab.pytest_plugin"


def pytest_configure(config):
    """Register the lab plugin once."""
    if not config.pluginmanager.has_plugin(PLUGIN):
        config.pluginmanager.import_plugin(PLUGIN)
