"""Offline stand-in for the get-pip.py that ansible-test downloads before it builds a venv.

ansible-test fetches get-pip-<version>.py from a host that this environment cannot reach and
caches it as ~/.ansible/test/cache/get_pip_<version>.py. scripts/bootstrap.sh installs this
file there instead, next to the pip wheel of the same version taken from PyPI. It accepts
get-pip's command line (pip options, requirement specifiers, --no-setuptools, --no-wheel)
and runs pip from that wheel to install the requested packages.
"""

import glob
import os
import runpy
import sys

GET_PIP_ONLY_OPTIONS = ('--no-setuptools', '--no-wheel')


def main():
    """Install the requested packages with the pip wheel that sits beside this file."""
    here = os.path.dirname(os.path.abspath(__file__))
    wheels = sorted(glob.glob(os.path.join(here, 'pip-*-py3-none-any.whl')))
    if not wheels:
        sys.exit('get_pip_offline: no pip wheel beside %s; run scripts/bootstrap.sh' % here)
    sys.path.insert(0, wheels[-1])
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]
    sys.argv = ['pip', 'install', '--find-links', here] + args
    runpy.run_module('pip', run_name='__main__', alter_sys=True)


if __name__ == '__main__':
    main()
