/*
 * fuzz_failures.c - fuzz target: the failure lists of a fabric, the
 * `degraded` and `failed` cables of netsim.leafspine (man/netsim-lua.5).
 *
 * The input is the text of a Lua table constructor, read as data (no
 * library, no global: numbers, strings, tables):
 *   { leaves = 3, spines = 2, links_per_spine = 2,
 *     degraded = { { leaf = 1, spine = 2, cable = 2, rate = "10Gbps" } },
 *     failed = { leaf = 2, spine = 1 } }
 * leaves (1..4), spines (1..3) and links_per_spine (1..3) are folded into
 * their ranges (default 3, 2, 1), with 2 hosts a leaf. A trusted scenario
 * (below) builds the leaf-spine with the lists in the sandbox of fuzz_lua.c.
 * Properties: a refused list is a Lua error naming leafspine (or the
 * sandbox's limits); a fabric built has L x 2 hosts, L + S switches, no
 * more cables missing than the failed list names and none without one,
 * one path between hosts of a leaf and 1 to S x C x C between leaves (all
 * S x C x C with nothing failed); a flow-model run of a ring of 64 KB
 * transfers over it ends no sooner than 64 KB at 100 Gbps (5.243 us) or
 * with an error; never a crash, and no netsim block left.
 */
#include <config.h>
#include "fuzz.h"

#include <stdlib.h>

static const char scenario[] =
    "local text = ...\n"
    "local f = load('return ' .. text, '=failures', 't', {})\n"
    "if not f then return end\n"
    "local ok, spec = pcall(f)\n"
    "if not ok or type(spec) ~= 'table' then return end\n"
    "local function fold(v, lo, hi, def)\n"
    "  v = math.type(v) == 'integer' and v or nil\n"
    "  if not v then return def end\n"
    "  return lo + (v - lo) % (hi - lo + 1)\n"
    "end\n"
    "local L = fold(rawget(spec, 'leaves'), 1, 4, 3)\n"
    "local S = fold(rawget(spec, 'spines'), 1, 3, 2)\n"
    "local C = fold(rawget(spec, 'links_per_spine'), 1, 3, 1)\n"
    "local H = 2\n"
    "local deg, failed = rawget(spec, 'degraded'), rawget(spec, 'failed')\n"
    "local function limit(msg)\n"
    "  return msg:find('fuzz: instruction limit', 1, true) or msg:find('not enough memory', 1, true)\n"
    "    or msg:find('out of memory', 1, true)\n"
    "end\n"
    "local okb, fab = pcall(netsim.leafspine, { leaves = L, spines = S, hosts_per_leaf = H,\n"
    "  links_per_spine = C, host_link = { rate = '100Gbps', latency = '1us' },\n"
    "  fabric_link = { rate = '400Gbps', latency = '500ns' }, degraded = deg, failed = failed })\n"
    "if not okb then\n"
    "  fuzz_require(type(fab) == 'string', 'a refused list raises a string')\n"
    "  fuzz_require(fab:find('leafspine', 1, true) or limit(fab), 'the message names leafspine: ' .. fab)\n"
    "  return\n"
    "end\n"
    "local function entries(t)\n"
    "  if type(t) ~= 'table' then return 0 end\n"
    "  local n = rawlen(t)\n"
    "  return n > 0 and n or 1\n"
    "end\n"
    "local full = 2 * (L * H + L * S * C)\n"
    "fuzz_require(fab.nhosts == L * H and fab.nswitches == L + S, 'L x 2 hosts and L + S switches')\n"
    "fuzz_require(fab.nlinks % 2 == 0 and fab.nlinks <= full, 'links come in pairs, no more than the full fabric')\n"
    "local missing = (full - fab.nlinks) // 2\n"
    "fuzz_require(missing <= entries(failed), 'no more cables missing than the failed list names')\n"
    "if failed == nil then fuzz_require(missing == 0, 'nothing failed, nothing missing') end\n"
    "for a = 1, L * H do\n"
    "  for b = 1, L * H do\n"
    "    if a ~= b then\n"
    "      local p = fab:paths(a, b)\n"
    "      if (a - 1) // H == (b - 1) // H then\n"
    "        fuzz_require(p == 1, 'one path inside a leaf')\n"
    "      else\n"
    "        fuzz_require(p >= 1 and p <= S * C * C, 'between leaves, 1 to S x C x C paths')\n"
    "        if missing == 0 then fuzz_require(p == S * C * C, 'all S x C x C paths when none failed') end\n"
    "      end\n"
    "    end\n"
    "  end\n"
    "end\n"
    "local w = netsim.workload()\n"
    "for h = 1, L * H do w:transfer{ src = h, dst = h % (L * H) + 1, bytes = '64KiB' } end\n"
    "local okr, r = pcall(netsim.run, { fabric = fab, workload = w, model = 'flow', lb = 'adaptive' })\n"
    "if okr then\n"
    "  fuzz_require(r.makespan >= 65536 * 8 / 100e9, 'no sooner than 64 KiB at 100 Gbps')\n"
    "else\n"
    "  fuzz_require(type(r) == 'string', 'a failed run raises a string')\n"
    "end\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ns_fuzz_init(0);
    char *text = ns_fuzz_cstring(data, size, 0);
    if (!text)
        return 0;
    ns_fuzz_lua("failures", scenario, text);
    free(text);
    return 0;
}
