# SPDX-License-Identifier: GPL-2.0
"""The Python design's package name; ``ures.memory`` is memsim's design API."""
