#!/bin/sh
# 10,000 devices need about 10,000 descriptors on each side (server and simulator are two
# processes): raise the soft limit up to the hard one, then run the benchmark.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 12000 ]; then
  echo "warning: ulimit -n is $(ulimit -n); 10,000 devices need about 12,000" >&2
fi
cd "$(dirname "$0")/../.." && exec node --expose-gc bench/fleet/run.mjs "$@"
