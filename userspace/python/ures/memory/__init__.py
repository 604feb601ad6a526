# SPDX-License-Identifier: GPL-2.0
"""The design's public API (``from ures.memory import ...``), served by memsim.

Every name is memsim's own object (``ures.memory.BlockPool is
memsim.BlockPool``), so design code runs unchanged against /dev/memsim.
"""

import memsim

# The same objects under the design's names: ures.memory.X is memsim.X.
globals().update({name: getattr(memsim, name) for name in memsim.DESIGN_API})

__all__ = list(memsim.DESIGN_API)
