#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# t-explain.sh: an allocation that finds no space is explained with the
# kernel's figures (Documentation/memsimctl.rst, "When an allocation
# fails"); the evidence file keeps the instance as it stood; --keep-going
# counts the failures and goes on.  The figures are worked out by hand
# from the scripts.  Needs /dev/memsim.
. "${CTLTEST_DIR:-$(dirname "$0")}/lib.sh"

# 16 blocks of 1 MiB fill a 16 MiB segment of stream 1; freeing every
# other one leaves 8 MiB free in 8 blocks of 1 MiB: a 2 MiB request fails
# with 1 - 1/8 = 87.5% external fragmentation (line 26).  Then line 27
# takes 512 KiB of the lowest hole (first fit), leaving 7.5 MiB in 8
# blocks, and line 28's 3 MiB fails: 1 - 1/7.5 = 86.7%.
