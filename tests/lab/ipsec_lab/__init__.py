"""ipsec.doctor lab: real strongSwan and Libreswan hosts in network namespaces, reached over SSH.

Main entry points: ``Lab`` (lab.py), ``Scenario`` (scenario.py), ``FAULTS`` (faults.py); see docs/lab.md.
"""

from .faults import CATALOGUE, FAULTS
from .lab import Lab
from .proc import LabError
from .scenario import Scenario, check_concurrently

__all__ = ["CATALOGUE", "FAULTS", "Lab", "LabError", "Scenario", "check_concurrently"]
