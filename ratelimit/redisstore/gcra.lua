-- GCRA over several limits at once, all or nothing.
--
-- KEYS[1]  the hash holding one client's buckets: one field per limit, named
--          "<interval ns>:<capacity>", whose value is the bucket's theoretical
--          arrival time (TAT) in nanoseconds since the Unix epoch, written as
--          a decimal integer. A missing or past TAT is a full bucket.
-- ARGV[1]  the time: seconds since the epoch, or -1 for the server's TIME
-- ARGV[2]  nanoseconds within that second
-- ARGV[3]  cost: how many tokens the request takes from every limit; a
--          negative cost -n asks about n tokens and writes nothing (a peek)
-- ARGV[4..] per limit: interval in nanoseconds, then capacity
--
-- Returns {allowed (1 or 0), binding limit (1-based), remaining,
-- reset after (ns), retry after (ns)}, or {-1} when the key held something
-- the script cannot read (another type, or a value it did not write): the
-- key is deleted, so the next request starts full buckets, and this one is
-- not decided.
--
-- Lua numbers are doubles, exact for integers below 2^53. Absolute times in
-- nanoseconds exceed that, so they are split into seconds and nanoseconds,
-- and the arithmetic runs on times relative to now, which stay exact for
-- buckets up to 2^53 ns (104 days) long.

-- Redis before 5 replicates scripts verbatim and refuses writes after TIME
-- unless told to replicate the effects instead; later versions always do.
if redis.replicate_commands then redis.replicate_commands() end

local now_s, now_ns
if ARGV[1] == '-1' then
  local t = redis.call('TIME')
  now_s, now_ns = tonumber(t[1]), tonumber(t[2]) * 1000
else
  now_s, now_ns = tonumber(ARGV[1]), tonumber(ARGV[2])
end
local cost = tonumber(ARGV[3])
local peek = cost < 0
if peek then cost = -cost end
local n = (#ARGV - 3) / 2

-- rel turns a stored TAT into nanoseconds from now (0 when absent); nil
-- when the value is unreadable.
local function rel(v)
  if not v then return 0 end
  if type(v) ~= 'string' or #v < 10 then return nil end
  local s, ns = tonumber(string.sub(v, 1, -10)), tonumber(string.sub(v, -9))
  if not s or not ns then return nil end
  return (s - now_s) * 1e9 + (ns - now_ns)
end

-- abs turns nanoseconds from now into the stored form.
local function abs(r)
  local t = now_ns + r
  local q = math.floor(t / 1e9)
  local ns = t - q * 1e9
  if ns < 0 then q, ns = q - 1, ns + 1e9 elseif ns >= 1e9 then q, ns = q + 1, ns - 1e9 end
  return string.format('%d%09d', now_s + q, ns)
end

local fields = {}
for i = 1, n do
  fields[i] = ARGV[2 + 2 * i] .. ':' .. ARGV[3 + 2 * i]
end
local stored = redis.pcall('HMGET', KEYS[1], unpack(fields))
if stored.err then
  redis.call('DEL', KEYS[1])
  return {-1}
end

local allowed = true
local tats = {}     -- per limit: TAT after this request, from now
local bind = 0      -- binding limit so far
local b_rem, b_reset, b_retry, b_wait = 0, 0, 0, 0
for i = 1, n do
  local interval, capacity = tonumber(ARGV[2 + 2 * i]), tonumber(ARGV[3 + 2 * i])
  local tau = interval * capacity
  local tat = rel(stored[i])
  -- The store never writes a time further ahead than the bucket's length;
  -- up to a minute more is another node's clock (after a failover), and
  -- reads as an empty bucket.
  if not tat or tat > tau + 6e10 then
    redis.call('DEL', KEYS[1])
    return {-1}
  end
  if tat < 0 then tat = 0 elseif tat > tau then tat = tau end
  local new = tat + cost * interval
  if cost <= capacity and new <= tau then
    tats[i] = new
    if allowed then
      -- Binding among passing limits: fewest left, then the longest to fill.
      local rem = math.floor((tau - new) / interval)
      if bind == 0 or rem < b_rem or (rem == b_rem and new > b_reset) then
        bind, b_rem, b_reset = i, rem, new
      end
    end
  else
    -- Binding among refusing limits: the longest wait (a cost above the
    -- capacity never passes: an endless wait, reported as 0), then the
    -- longest to fill.
    local retry, wait = 0, math.huge
    -- (tat - tau) + cost * interval rather than new - tau: new may be
    -- above 2^53, where a double drops nanoseconds.
    if cost <= capacity then retry = (tat - tau) + cost * interval; wait = retry end
    if allowed or wait > b_wait or (wait == b_wait and tat > b_reset) then
      bind, b_rem, b_reset, b_retry, b_wait = i, math.floor((tau - tat) / interval), tat, retry, wait
    end
    allowed = false
  end
end

if not allowed then
  return {0, bind, b_rem, b_reset, b_retry}
end

if cost > 0 and not peek then
  local args, longest = {}, 0
  for i = 1, n do
    args[2 * i - 1] = fields[i]
    args[2 * i] = abs(tats[i])
    if tats[i] > longest then longest = tats[i] end
  end
  redis.call('HSET', KEYS[1], unpack(args))
  -- The key lives until its slowest bucket is full again, rounded up to a
  -- whole second. Buckets written by other limit sets under the same key
  -- keep the expiry they already set.
  local ttl = math.ceil(longest / 1e9) * 1000
  if ttl > redis.call('PTTL', KEYS[1]) then
    redis.call('PEXPIRE', KEYS[1], ttl)
  end
end
return {1, bind, b_rem, b_reset, 0}
