# Sourced by the benchmark scripts in bench/. `book_figure` records one figure for the benchmark book
# (bench/run_all.sh) when BOOK_FIGURES names a file, and does nothing otherwise, so every script still runs on
# its own and prints what it always printed.
#
#   book_figure BENCH FIGURE VALUE UNIT BETTER [PEER PEER_VALUE]
#     BETTER      lower | higher: which way VALUE improves
#     PEER        the tool measured side by side in the same run (wrk, sctk sclite...), PEER_VALUE its figure
# The load average at the time of the call is kept with the figure (figure.py does the writing).
book_figure() {
  [ -n "${BOOK_FIGURES:-}" ] || return 0
  /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/figure.py" "$@"
}
