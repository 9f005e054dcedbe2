-- GCRA for one limit: the common case, kept to three Redis calls (TIME,
-- GET, SET) and integer arithmetic.
--
-- KEYS[1]  the bucket: a string holding its theoretical arrival time (TAT)
--          as "<seconds since the epoch><nanoseconds, 9 digits>". A missing
--          or past TAT is a full bucket.
-- ARGV[1]  interval in nanoseconds
-- ARGV[2]  capacity
-- ARGV[3]  cost: how many tokens the request takes; a negative cost -n
--          asks about n tokens and writes nothing (a peek)
-- ARGV[4], ARGV[5]  (tests only) the time as seconds and nanoseconds;
--          absent: the server's TIME
--
-- Returns {allowed (1 or 0), remaining, reset after (ns), retry after (ns)},
-- or {-1} when the key held something the script cannot read (another
-- type, or a value it cannot have written): the key is deleted, so the next
-- request starts a full bucket, and this one is not decided.
--
-- Lua numbers are doubles, exact for integers below 2^53; absolute times in
-- nanoseconds exceed that, so the arithmetic runs on times relative to now.

if redis.replicate_commands then redis.replicate_commands() end

local now_s, now_ns
if ARGV[4] then
  now_s, now_ns = tonumber(ARGV[4]), tonumber(ARGV[5])
else
  local t = redis.call('TIME')
  now_s, now_ns = tonumber(t[1]), tonumber(t[2]) * 1000
end
local interval, capacity, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local peek = cost < 0
if peek then cost = -cost end

local tat = 0
local v = redis.pcall('GET', KEYS[1])
if v then
  local s, ns
  if type(v) == 'string' and #v >= 10 then
    s, ns = tonumber(string.sub(v, 1, -10)), tonumber(string.sub(v, -9))
  end
  if s and ns then tat = (s - now_s) * 1e9 + (ns - now_ns) end
  -- The store never writes a time further ahead than the bucket's length;
  -- up to a minute more is another node's clock (after a failover), and
  -- reads as an empty bucket.
  if not s or not ns or tat > interval * capacity + 6e10 then
    redis.call('DEL', KEYS[1])
    return {-1}
  end
  if tat < 0 then tat = 0 elseif tat > interval * capacity then tat = interval * capacity end
end

local tau = interval * capacity
local new = tat + cost * interval
if cost > capacity then
  return {0, math.floor((tau - tat) / interval), tat, 0}
end
if new > tau then
  return {0, math.floor((tau - tat) / interval), tat, new - tau}
end
if cost > 0 and not peek then
  local t = now_ns + new
  local q = math.floor(t / 1e9)
  -- The key lives until the bucket is full again, rounded up to a whole
  -- second: a key that outlives its bucket reads as full, and one that is
  -- written again before it expires is overwritten in place.
  redis.call('SET', KEYS[1], string.format('%d%09d', now_s + q, t - q * 1e9), 'EX', math.ceil(new / 1e9))
end
return {1, math.floor((tau - new) / interval), new, 0}
