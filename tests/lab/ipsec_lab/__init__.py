"""ipsec.doctor lab."""
